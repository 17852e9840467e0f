import Foundation

/// A form posted to the desk or the ventanilla (`application/x-www-form-urlencoded`) and the request's cookies.
public struct WebForm: Sendable {
    /// The fields, first value of each name.
    public let fields: [String: String]
    /// Every value of each name, in order (checkboxes sharing a name).
    public let all: [String: [String]]

    /// Parses a urlencoded body; nil when it is not valid UTF-8 after decoding.
    public init?(urlencoded bytes: [UInt8]) {
        var fields: [String: String] = [:]
        var all: [String: [String]] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = WebForm.decode(parts[0]), let value = WebForm.decode(parts.count > 1 ? parts[1] : []) else { return nil }
            if fields[name] == nil { fields[name] = value }
            all[name, default: []].append(value)
        }
        self.fields = fields
        self.all = all
    }

    public subscript(_ name: String) -> String? { fields[name] }

    /// Every value posted under `name`.
    public func values(_ name: String) -> [String] { all[name] ?? [] }

    /// Percent-decoding with `+` as a space; nil for a broken escape or invalid UTF-8.
    public static func decode(_ part: ArraySlice<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(part.count)
        var index = part.startIndex
        while index < part.endIndex {
            let byte = part[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < part.endIndex,
                      let high = hex(part[index + 1]), let low = hex(part[index + 2]) else { return nil }
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The value of cookie `name` in a `Cookie` header; nil when it is missing or sent twice (a
    /// second one, with a narrower path, is what a cookie planted by another site looks like).
    public static func cookie(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        var found: String?
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == name {
                guard found == nil else { return nil }
                found = String(pair[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return found
    }
}
