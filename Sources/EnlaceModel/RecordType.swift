/// The kinds of record a journal holds.
public enum RecordType: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// A case: one incident of violence attended by the municipality.
    case caseFile = "case"
    /// A public servant's competence certificate.
    case certification = "certification"

    public static func < (lhs: RecordType, rhs: RecordType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The record type's schema.
    public var schema: Schema {
        switch self {
        case .caseFile: Schema.caseFile
        case .certification: Schema.certification
        }
    }
}

/// A record's identity across all replicas.
public struct RecordKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// What kind of record.
    public let type: RecordType
    /// Its ULID.
    public let id: String

    /// A key from its parts.
    public init(_ type: RecordType, _ id: String) {
        self.type = type
        self.id = id
    }

    public static func < (lhs: RecordKey, rhs: RecordKey) -> Bool {
        (lhs.type.rawValue, lhs.id) < (rhs.type.rawValue, rhs.id)
    }

    public var description: String { "\(type.rawValue)/\(id)" }
}

/// ULIDs: 26 characters of Crockford base 32, upper case.
public enum ULID {
    /// Crockford's base-32 alphabet.
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let allowed: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in alphabet { table[Int(byte)] = true }
        return table
    }()

    /// Whether `text` is a well-formed ULID.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        let bytes = text.utf8
        guard bytes.count == 26, let first = bytes.first, first <= UInt8(ascii: "7") else { return false }
        return bytes.allSatisfy { allowed[Int($0)] }
    }

    /// The ULID for a 48-bit millisecond time and 80 random bits (both supplied by the caller).
    public static func make(millis: UInt64, random: (UInt64, UInt16)) -> String {
        var bytes = [UInt8](repeating: 0, count: 26)
        var time = millis & 0xFFFF_FFFF_FFFF
        for index in stride(from: 9, through: 0, by: -1) {
            bytes[index] = alphabet[Int(time & 31)]
            time >>= 5
        }
        // 80 bits of randomness: 16 high bits then 64 low bits, 5 bits per character.
        var high = UInt64(random.1)
        var low = random.0
        for index in stride(from: 25, through: 10, by: -1) {
            bytes[index] = alphabet[Int(low & 31)]
            low = (low >> 5) | ((high & 31) << 59)
            high >>= 5
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
