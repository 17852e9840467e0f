import Crypto
import EnlaceModel

/// The data keys of the cases a batch, a page or a replay opens, each read and opened once
/// however many entries use it. Records that are not sealed have none; a key that cannot be
/// read is remembered as missing (the entry then fails to open, as it would without the memo).
public final class CaseKeyMemo {
    private let reader: any JournalReading
    private var keys: [String: SymmetricKey?] = [:]

    public init(_ reader: any JournalReading) {
        self.reader = reader
    }

    /// `record`'s data key, read from the store the first time it is asked for.
    public func key(_ record: RecordKey) async -> SymmetricKey? {
        guard record.type == .caseFile else { return nil }
        if let known = keys[record.id] { return known }
        let key = (try? await reader.caseKey(record.id)) ?? nil
        keys[record.id] = key
        return key
    }

    /// The key lookup `JournalEntry.read(id:body:key:)` asks, with the key `body` needs (if any)
    /// read first.
    public func lookup(for body: EntryBody?) async -> (RecordKey) -> SymmetricKey? {
        if let body, let record = JournalEntry.recordKey(ofBody: body) { _ = await key(record) }
        let known = keys
        return { record in record.type == .caseFile ? (known[record.id] ?? nil) : nil }
    }

    /// The edit in entry `id`'s body, opened with its case's key when it is sealed.
    public func read(_ id: EntryID, body: EntryBody) async throws -> JournalEntry {
        try JournalEntry.read(id: id, body: body, key: await lookup(for: body))
    }
}
