import Crypto

/// An entry's body as stored and sent: a per-entry random salt and the body's canonical bytes.
/// The envelope commits to both, so a replica that once held a case and purged it keeps only a
/// commitment it cannot test guesses against.
public struct EntryBody: Hashable, Sendable {
    /// Salt length in bytes.
    public static let saltLength = 16

    /// Random bytes chosen by the origin (passed in: the model makes no randomness).
    public let salt: [UInt8]
    /// The canonical body bytes (`JournalEntry.encodedBody` or a directory event).
    public let bytes: [UInt8]

    public init(salt: [UInt8], bytes: [UInt8]) {
        self.salt = salt
        self.bytes = bytes
    }

    /// SHA-256 over the domain tag, the salt and the bytes: what the envelope commits to.
    public var commitment: Hash256 { Hash256.of(EntryBody.tag, salt, bytes) }

    /// The salt and the bytes as one blob (how stores and the wire keep a body).
    public var blob: [UInt8] { salt + bytes }

    /// Splits a blob into salt and bytes.
    public init(blob: [UInt8]) throws(FormatError) {
        guard blob.count > EntryBody.saltLength else { throw FormatError("body: shorter than its salt") }
        salt = Array(blob[..<EntryBody.saltLength])
        bytes = Array(blob[EntryBody.saltLength...])
    }

    static let tag = Array("enlace-body-v2\u{0}".utf8)
}

/// One journal entry as replicas keep and send it: the envelope, and the body when the replica
/// may hold it (a stub otherwise).
public struct ChainedEntry: Hashable, Sendable {
    public let envelope: EntryEnvelope
    public let body: EntryBody?

    public init(envelope: EntryEnvelope, body: EntryBody?) {
        self.envelope = envelope
        self.body = body
    }

    /// The envelope alone.
    public var stub: ChainedEntry { ChainedEntry(envelope: envelope, body: nil) }
    /// Whether the body is absent.
    public var isStub: Bool { body == nil }
    public var id: EntryID { envelope.id }

    /// Whether the body is the one the envelope commits to.
    public var bodyMatches: Bool { body.map { $0.commitment == envelope.commitment } ?? true }
}

extension ChainedEntry {
    /// The entry `id` whose body is `bytes` under `salt`, following `prev` in its origin's chain.
    public init(id: EntryID, body bytes: [UInt8], prev: Hash256?, salt: [UInt8]) {
        let body = EntryBody(salt: salt, bytes: bytes)
        self.init(envelope: EntryEnvelope(id: id, prev: prev, commitment: body.commitment), body: body)
    }

    /// `edit` as its origin's entry after `prev`: its contents encrypted under the case key
    /// `key` when given (body kind 2, `SealedEdit`), in clear otherwise (kind 1).
    public init(sealing edit: JournalEntry, prev: Hash256?, salt: [UInt8], key: SymmetricKey? = nil) {
        let body = key.map { SealedEdit.seal(edit, key: $0, salt: salt) } ?? edit.encodedBody
        self.init(id: edit.id, body: body, prev: prev, salt: salt)
    }
}
