/// A strict JSON parser (RFC 8259) straight into `JSONValue`, byte by byte: request bodies and
/// stored documents are parsed on every write, and Foundation's `JSONDecoder` went through
/// `Decodable` for each value. It accepts exactly what that decoder accepted and parses to the
/// same values (a differential test holds it to that): an integral number that fits 64 bits is
/// `.int`, any other finite number `.double`; strings must be valid UTF-8 with no raw control
/// characters; nesting is limited. Deliberately stricter, as RFC 8259 reads: a key repeated in
/// one object is refused (the decoder kept the first value and never even checked the others,
/// so one body could mean two things to two readers), and so are a trailing comma and a NUL
/// byte outside a string, which the decoder let through.
struct JSONParser {
    /// How deep arrays and objects may nest.
    static let maximumDepth = 512

    /// How a repeated key is refused (the start of the message).
    static let repeatedKey = "a key repeated in one object"

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the value") }
        return value
    }

    private func error(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: position) }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of the text") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw error("unexpected end of the text") }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard matches else { throw error("unexpected character") }
        position += count
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= JSONParser.maximumDepth else { throw error("nested deeper than \(JSONParser.maximumDepth) levels") }
        position += 1
        skipWhitespace()
    }

    /// Whether the container ends here (at `close`, consumed); else a comma was consumed and
    /// another member follows. An empty container ends before its first member.
    private mutating func closes(_ close: UInt8, first: Bool = false) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end of the text") }
        if bytes[position] == close {
            position += 1
            depth -= 1
            return true
        }
        if first { return false }
        guard bytes[position] == UInt8(ascii: ",") else { throw error("expected , or \(Character(Unicode.Scalar(close)))") }
        position += 1
        skipWhitespace()
        return false
    }

    private mutating func array() throws(JSONParseError) -> JSONValue {
        try enter()
        var elements: [JSONValue] = []
        guard try !closes(UInt8(ascii: "]"), first: true) else { return .array(elements) }
        repeat {
            elements.append(try value())
        } while try !closes(UInt8(ascii: "]"))
        return .array(elements)
    }

    private mutating func object() throws(JSONParseError) -> JSONValue {
        try enter()
        var members: [String: JSONValue] = [:]
        guard try !closes(UInt8(ascii: "}"), first: true) else { return .object(members) }
        repeat {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a key") }
            let keyStart = position
            let key = try string()
            guard members[key] == nil else {
                position = keyStart
                throw error(JSONParser.repeatedKey + " (\(key.debugDescription))")
            }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected :") }
            position += 1
            skipWhitespace()
            members[key] = try value()
        } while try !closes(UInt8(ascii: "}"))
        return .object(members)
    }

    /// A string; `position` is at its opening quote.
    private mutating func string() throws(JSONParseError) -> String {
        position += 1
        let start = position
        // Most strings have no escape: decoded in one piece.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: bytes[start..<position], as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw error("a control character in a string") }
            position += 1
        }
        var buffer = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: buffer, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                position += 1
                return text
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw error("unexpected end of the text") }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escaped)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"): buffer.append(contentsOf: Array(String(try unicodeEscape()).utf8))
                default: throw error("an invalid escape in a string")
                }
            default:
                guard byte >= 0x20 else { throw error("a control character in a string") }
                buffer.append(byte)
                position += 1
            }
        }
        throw error("unexpected end of the text")
    }

    /// The scalar of `\uXXXX` (with its low surrogate when it is a high one); `position` is
    /// after the `u`.
    private mutating func unicodeEscape() throws(JSONParseError) -> Character {
        let first = try hexQuad()
        switch first {
        case 0xD800...0xDBFF:
            guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw error("a high surrogate without its low surrogate")
            }
            position += 2
            let second = try hexQuad()
            guard (0xDC00...0xDFFF).contains(second) else { throw error("a high surrogate without its low surrogate") }
            let scalar = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            return Character(Unicode.Scalar(scalar)!)
        case 0xDC00...0xDFFF:
            throw error("a low surrogate without its high surrogate")
        default:
            return Character(Unicode.Scalar(first)!)
        }
    }

    private mutating func hexQuad() throws(JSONParseError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw error("unexpected end of the text") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("an invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, read as Foundation's
    /// decoder read it: integer text is an `.int` when it fits 64 bits, else a `.double`; a zero
    /// fraction without exponent (`1.0`) is the integer; anything else is a `.double`, or an
    /// `.int` when that double is an integer exactly (`1e2`). Never infinite.
    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = position
        let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
        func isDigit(_ index: Int) -> Bool { index < bytes.count && bytes[index] >= zero && bytes[index] <= nine }
        func digits() -> Range<Int> {
            let first = position
            while isDigit(position) { position += 1 }
            return first..<position
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigit(position) else { throw error("a number without digits") }
        if bytes[position] == zero {
            position += 1
            guard !isDigit(position) else { throw error("a number with a leading zero") }
        } else {
            _ = digits()
        }
        let integerEnd = position
        var fraction: Range<Int>?
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            fraction = digits()
            guard fraction?.isEmpty == false else { throw error("a number without digits after its point") }
        }
        var hasExponent = false
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            hasExponent = true
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard !digits().isEmpty else { throw error("a number without digits in its exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        func double() throws(JSONParseError) -> Double {
            guard let number = Double(text), number.isFinite else { throw error("a number out of range") }
            return number
        }
        switch (fraction, hasExponent) {
        case (nil, false):
            if let exact = Int64(text) { return .int(exact) }
            return .double(try double())
        case (let fraction?, false) where bytes[fraction].allSatisfy({ $0 == zero }):
            if let exact = Int64(String(decoding: bytes[start..<integerEnd], as: UTF8.self)) { return .int(exact) }
            fallthrough
        default:
            let number = try double()
            if let exact = Int64(exactly: number) { return .int(exact) }
            return .double(number)
        }
    }
}

/// Why a text is not JSON, and where.
public struct JSONParseError: Error, CustomStringConvertible {
    public let message: String
    /// The byte offset where parsing stopped.
    public let offset: Int
    public var description: String { "not valid JSON at byte \(offset): \(message)" }
}
