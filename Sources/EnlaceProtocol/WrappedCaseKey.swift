import EnlaceModel

/// A case's data key sealed to one replica (HPKE to its X25519 key, bound to the case id): how a
/// node gives the central server the keys of the cases it writes, and how the central server
/// gives each node the keys of the cases in its department's scope. Wire layout:
/// `str case id, u8 0 | 1 + short key id, varint length, bytes` (`docs/JOURNAL-FORMAT.md`).
/// With a key id (`DEPARTMENT:node`), the key is one of the case's location keys (`LocationSeal`).
public struct WrappedCaseKey: Sendable, Hashable {
    /// Bytes of a wrap: encapsulated key, sealed key, tag.
    public static let length = 80

    public var caseID: String
    /// The id of the location key this is (nil: the case's data key).
    public var keyID: String?
    public var wrapped: [UInt8]

    public init(caseID: String, keyID: String? = nil, wrapped: [UInt8]) {
        self.caseID = caseID
        self.keyID = keyID
        self.wrapped = wrapped
    }

    func write(to writer: inout ByteWriter) {
        writer.string(caseID)
        if let keyID {
            writer.u8(1)
            writer.shortString(keyID)
        } else {
            writer.u8(0)
        }
        writer.varint(wrapped.count)
        writer.raw(wrapped)
    }

    static func read(_ reader: inout ByteReader) throws(FormatError) -> WrappedCaseKey {
        let caseID = try reader.string("key case id")
        guard ULID.isValid(caseID) else { throw FormatError("a wrapped key names no case id") }
        var keyID: String?
        switch try reader.u8("key kind") {
        case 0: keyID = nil
        case 1:
            keyID = try reader.shortString("location key id")
            guard LocationSeal.isKeyID(keyID!) else { throw FormatError("a location key id is not DEPARTMENT:node") }
        default: throw FormatError("a wrapped key of unknown kind")
        }
        let length = try reader.count("wrapped key")
        guard length == WrappedCaseKey.length else { throw FormatError("a wrapped key is not \(WrappedCaseKey.length) bytes") }
        return WrappedCaseKey(caseID: caseID, keyID: keyID, wrapped: try reader.raw(length, "wrapped key"))
    }

    static func writeAll(_ keys: [WrappedCaseKey], to writer: inout ByteWriter) {
        writer.varint(keys.count)
        for key in keys { key.write(to: &writer) }
    }

    static func readAll(_ reader: inout ByteReader) throws(FormatError) -> [WrappedCaseKey] {
        let count = try reader.count("wrapped keys", minimumSize: 29 + WrappedCaseKey.length)
        var keys: [WrappedCaseKey] = []
        keys.reserveCapacity(count)
        for _ in 0..<count { keys.append(try read(&reader)) }
        return keys
    }
}
