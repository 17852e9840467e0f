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

    /// `record`'s data key, as `JournalEntry.read(id:body:key:)` asks for it.
    public func key(_ record: RecordKey) -> SymmetricKey? {
        guard record.type == .caseFile else { return nil }
        if let known = keys[record.id] { return known }
        let key = (try? reader.caseKey(record.id)) ?? nil
        keys[record.id] = key
        return key
    }
}
