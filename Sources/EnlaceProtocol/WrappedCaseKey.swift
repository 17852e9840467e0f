import EnlaceModel

/// A case's data key sealed to one replica (HPKE to its X25519 key, bound to the case id): how a
/// node gives the central server the keys of the cases it writes, and how the central server
/// gives each node the keys of the cases in its department's scope. Wire layout:
/// `str case id, varint length, bytes` (`docs/JOURNAL-FORMAT.md`).
public struct WrappedCaseKey: Sendable, Hashable {
    /// Bytes of a wrap: encapsulated key, sealed key, tag.
    public static let length = 80

    public var caseID: String
    public var wrapped: [UInt8]

    public init(caseID: String, wrapped: [UInt8]) {
        self.caseID = caseID
        self.wrapped = wrapped
    }

    func write(to writer: inout ByteWriter) {
        writer.string(caseID)
        writer.varint(wrapped.count)
        writer.raw(wrapped)
    }

    static func read(_ reader: inout ByteReader) throws(FormatError) -> WrappedCaseKey {
        let caseID = try reader.string("key case id")
        guard ULID.isValid(caseID) else { throw FormatError("a wrapped key names no case id") }
        let length = try reader.count("wrapped key")
        guard length == WrappedCaseKey.length else { throw FormatError("a wrapped key is not \(WrappedCaseKey.length) bytes") }
        return WrappedCaseKey(caseID: caseID, wrapped: try reader.raw(length, "wrapped key"))
    }

    static func writeAll(_ keys: [WrappedCaseKey], to writer: inout ByteWriter) {
        writer.varint(keys.count)
        for key in keys { key.write(to: &writer) }
    }

    static func readAll(_ reader: inout ByteReader) throws(FormatError) -> [WrappedCaseKey] {
        let count = try reader.count("wrapped keys", minimumSize: 28 + WrappedCaseKey.length)
        var keys: [WrappedCaseKey] = []
        keys.reserveCapacity(count)
        for _ in 0..<count { keys.append(try read(&reader)) }
        return keys
    }
}
