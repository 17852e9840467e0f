import Crypto

/// A case edit whose contents are encrypted with the case's data key (body kind 2). Layout in
/// `docs/JOURNAL-FORMAT.md`:
///
/// - in clear: the record, its clock and timestamp, and copies of the operations on the fields
///   that stay readable without the key (`clearFields`: folio, origin department, dates), so a
///   replica that lost or never had the key still knows what an erased case leaves;
/// - sealed (ChaCha20-Poly1305): the whole edit as a kind-1 body, authenticated together with
///   the clear part. The nonce is derived from the body's salt, which the origin draws at random
///   for every entry, so the model needs no randomness and a nonce never repeats under a key.
///
/// Opening checks that the sealed edit and the clear part agree, so a clear copy cannot lie.
public enum SealedEdit {
    /// The case fields whose values stay in clear (docs/domain.md: what remains after an erasure).
    public static let clearFields: Set<String> = ["folio", "folio_alias", "origin_department", "incident_date", "first_contact_at"]

    /// Whether `type`'s edits are sealed: case contents are; certifications (public servants'
    /// public credentials) are not.
    public static func seals(_ type: RecordType) -> Bool { type == .caseFile }

    /// The kind-2 body of `edit` under the case key `key`, with the entry's `salt`.
    public static func seal(_ edit: JournalEntry, key: SymmetricKey, salt: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: 96 + edit.operations.count * 48)
        writer.u8(EntryEnvelope.version)
        writer.u8(BodyKind.sealedEdit.rawValue)
        edit.writeHead(to: &writer)
        JournalEntry.write(edit.operations.filter { clearFields.contains($0.field) }, to: &writer)
        let header = writer.bytes
        // ChaChaPoly.seal fails only for a nonce of the wrong size, which `nonce` never makes.
        let box = try! ChaChaPoly.seal(edit.encodedBody, using: key, nonce: nonce(salt), authenticating: header)
        let sealed = Array(box.ciphertext) + Array(box.tag)
        writer.varint(sealed.count)
        writer.raw(sealed)
        return writer.bytes
    }

    /// What a sealed body says in clear.
    public struct Clear: Sendable, Equatable {
        public var recordType: RecordType
        public var recordID: String
        public var clock: VectorClock
        public var timestamp: HybridTimestamp
        /// The operations on `clearFields`.
        public var operations: [FieldOperation]

        public var recordKey: RecordKey { RecordKey(recordType, recordID) }
    }

    /// Reads the clear part of a kind-2 body.
    public static func clear(_ body: [UInt8]) throws(FormatError) -> Clear {
        try parse(body).clear
    }

    /// Opens the kind-2 body of entry `id` with `key`.
    public static func open(id: EntryID, body: EntryBody, key: SymmetricKey) throws(FormatError) -> JournalEntry {
        let parts = try parse(body.bytes)
        guard parts.sealed.count >= 16 else { throw FormatError("sealed edit: shorter than its tag") }
        let plain: [UInt8]
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: nonce(body.salt), ciphertext: parts.sealed.dropLast(16), tag: parts.sealed.suffix(16))
            plain = Array(try ChaChaPoly.open(box, using: key, authenticating: Array(body.bytes[..<parts.headerEnd])))
        } catch {
            throw FormatError("sealed edit: does not open with the case's key (altered, or another key)")
        }
        let edit = try JournalEntry(id: id, body: plain)
        let clear = parts.clear
        guard edit.recordType == clear.recordType, edit.recordID == clear.recordID, edit.clock == clear.clock,
              edit.timestamp == clear.timestamp,
              edit.operations.filter({ clearFields.contains($0.field) }) == clear.operations
        else { throw FormatError("sealed edit: its clear part does not match its contents") }
        return edit
    }

    private static func parse(_ body: [UInt8]) throws(FormatError) -> (clear: Clear, headerEnd: Int, sealed: [UInt8]) {
        var reader = ByteReader(body)
        guard try reader.u8("body version") == EntryEnvelope.version else { throw FormatError("body: not format version 2") }
        guard try reader.u8("body kind") == BodyKind.sealedEdit.rawValue else { throw FormatError("body: not a sealed edit") }
        let head = try JournalEntry.readHead(&reader)
        let operations = try JournalEntry.readOperations(&reader)
        guard operations.allSatisfy({ clearFields.contains($0.field) }) else {
            throw FormatError("sealed edit: a field in clear that must be sealed")
        }
        let headerEnd = reader.index
        let sealed = try reader.raw(try reader.count("sealed contents"), "sealed contents")
        guard reader.isAtEnd else { throw FormatError("body: bytes after its end") }
        return (Clear(recordType: head.type, recordID: head.recordID, clock: head.clock, timestamp: head.timestamp,
                      operations: operations), headerEnd, sealed)
    }

    /// The 96-bit nonce of a body: the first bytes of SHA-256 over a tag and its salt.
    static func nonce(_ salt: [UInt8]) -> ChaChaPoly.Nonce {
        try! ChaChaPoly.Nonce(data: Array(Hash256.of(nonceTag, salt).bytes.prefix(12)))
    }

    static let nonceTag = Array("enlace-seal-nonce-v1\u{0}".utf8)
}

/// Why a body could not be read as an edit.
public enum EditReadError: Error, CustomStringConvertible, Sendable {
    /// The body is sealed and this replica holds no key for its case.
    case noKey(RecordKey)
    /// The body is malformed or does not open.
    case format(FormatError)

    public var description: String {
        switch self {
        case .noKey(let key): "the contents are encrypted and this replica holds no key for \(key)"
        case .format(let error): error.description
        }
    }
}

extension JournalEntry {
    /// Reads the edit in entry `id`'s body, opening a sealed one with its case's key
    /// (`key(record)` answers nil when the replica holds none).
    public static func read(id: EntryID, body: EntryBody, key: (RecordKey) -> SymmetricKey?) throws(EditReadError) -> JournalEntry {
        do {
            switch body.bytes.count >= 2 ? BodyKind(rawValue: body.bytes[1]) : nil {
            case .sealedEdit:
                let record = try SealedEdit.clear(body.bytes).recordKey
                guard let caseKey = key(record) else { throw EditReadError.noKey(record) }
                return try SealedEdit.open(id: id, body: body, key: caseKey)
            default:
                return try JournalEntry(id: id, body: body.bytes)
            }
        } catch let error as EditReadError {
            throw error
        } catch let error as FormatError {
            throw .format(error)
        } catch {
            throw .format(FormatError("\(error)"))
        }
    }

    /// The record an edit body (sealed or not) edits, read without any key; nil for other bodies.
    public static func recordKey(ofBody body: EntryBody) -> RecordKey? {
        var reader = ByteReader(body.bytes)
        guard (try? reader.u8("version")) == EntryEnvelope.version, let kind = try? reader.u8("kind"),
              kind == BodyKind.edit.rawValue || kind == BodyKind.sealedEdit.rawValue,
              let head = try? readHead(&reader)
        else { return nil }
        return RecordKey(head.type, head.recordID)
    }

    /// Whether the body is an edit, sealed or not.
    public static func isEdit(_ body: EntryBody) -> Bool {
        body.bytes.count >= 2 && (body.bytes[1] == BodyKind.edit.rawValue || body.bytes[1] == BodyKind.sealedEdit.rawValue)
    }
}
