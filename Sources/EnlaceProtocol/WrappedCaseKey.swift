import EnlaceModel

/// The keys a push batch or a pull page carries for one recipient: one HPKE encapsulation to
/// the recipient's X25519 key, then each key sealed in that context, in order (RFC 9180's
/// multi-message mode: one key agreement per message, not per case). Wire layout
/// (`docs/JOURNAL-FORMAT.md`): `varint n`, and when n > 0 the 32-byte encapsulated key, then n
/// times `str case id, u8 0 | 1 + short key id, 48 bytes`.
public struct KeyBundle: Sendable, Hashable {
    /// The encapsulated key (32 bytes; empty when the bundle holds no key).
    public var encapsulated: [UInt8]
    /// The sealed keys, in the order they were sealed.
    public var items: [WrappedCaseKey]

    public init(encapsulated: [UInt8] = [], items: [WrappedCaseKey] = []) {
        self.encapsulated = encapsulated
        self.items = items
    }

    /// A bundle of what `KeyWrap.sealBundle` made.
    public init(encapsulated: [UInt8], sealed: [(caseID: String, keyID: String?, bytes: [UInt8])]) {
        self.init(encapsulated: encapsulated, items: sealed.map { WrappedCaseKey(caseID: $0.caseID, keyID: $0.keyID, wrapped: $0.bytes) })
    }

    /// The sealed keys, as `KeyWrap.openBundle` takes them.
    public var sealed: [(caseID: String, keyID: String?, bytes: [UInt8])] { items.map { ($0.caseID, $0.keyID, $0.wrapped) } }

    public static let empty = KeyBundle()

    func write(to writer: inout ByteWriter) {
        writer.varint(items.count)
        guard !items.isEmpty else { return }
        writer.raw(encapsulated)
        for item in items { item.write(to: &writer) }
    }

    static func read(_ reader: inout ByteReader) throws(FormatError) -> KeyBundle {
        let count = try reader.count("wrapped keys", minimumSize: 28 + WrappedCaseKey.length)
        guard count > 0 else { return .empty }
        let encapsulated = try reader.raw(32, "encapsulated key")
        var items: [WrappedCaseKey] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try WrappedCaseKey.read(&reader)) }
        return KeyBundle(encapsulated: encapsulated, items: items)
    }
}

/// One key of a bundle: a case's data key, or one of its location keys (`LocationSeal`), sealed
/// to the bundle's recipient and bound to what it is (HPKE associated data).
public struct WrappedCaseKey: Sendable, Hashable {
    /// Bytes of a sealed key: the 32-byte key and its 16-byte tag.
    public static let length = 48

    public var caseID: String
    /// The id of the location key this is (`DEPARTMENT:node`; nil: the case's data key).
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
        return WrappedCaseKey(caseID: caseID, keyID: keyID, wrapped: try reader.raw(length, "wrapped key"))
    }
}
