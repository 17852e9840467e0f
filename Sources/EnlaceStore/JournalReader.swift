import EnlaceModel
import Foundation
import GRDB

/// Read queries over one consistent snapshot of a store.
public struct JournalReader {
    let db: Database

    /// How many entries the journal holds.
    public func entryCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal") ?? 0
    }

    /// The highest sequence number stored for `origin` (0 when none).
    public func lastSeq(of origin: NodeID) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM journal WHERE origin = ?", arguments: [origin.rawValue]) ?? 0)
    }

    /// The latest timestamp of any stored entry: a new local timestamp must come after it.
    public func lastTimestamp() throws -> HybridTimestamp? {
        guard let row = try Row.fetchOne(db, sql: "SELECT at_ms, tick FROM journal ORDER BY at_ms DESC, tick DESC LIMIT 1")
        else { return nil }
        return HybridTimestamp(millis: row["at_ms"], counter: UInt32(row["tick"] as Int64))
    }

    /// The stored canonical text of the entry `id`, if any.
    public func entryText(_ id: EntryID) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM journal WHERE origin = ? AND seq = ?"),
                            arguments: [id.origin.rawValue, Int64(id.seq)])
    }

    /// The hash of the stored entry `id` (nil when not stored).
    public func entryHash(_ id: EntryID) throws -> String? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT hash, body FROM journal WHERE origin = ? AND seq = ?"),
                                         arguments: [id.origin.rawValue, Int64(id.seq)])
        else { return nil }
        return (row["hash"] as String?) ?? EntryChain.hash(row["body"])
    }

    /// The hash an origin's next entry must name as `prev` (nil before its first).
    public func chainTip(of origin: NodeID) throws -> String? {
        let seq = try lastSeq(of: origin)
        return seq == 0 ? nil : try entryHash(EntryID(origin: origin, seq: seq))
    }

    /// Every entry of one record, in arrival order.
    public func entries(of key: RecordKey) throws -> [JournalEntry] {
        try String.fetchAll(
            db, sql: "SELECT body FROM journal WHERE record_type = ? AND record_id = ? ORDER BY position",
            arguments: [key.type.rawValue, key.id]
        ).map(EntryCoding.decode)
    }

    /// A record's merge state, rebuilt from its entries.
    public func recordState(_ key: RecordKey) throws -> RecordState? {
        let entries = try entries(of: key)
        guard !entries.isEmpty else { return nil }
        var state = RecordState(key: key)
        for entry in entries { state.apply(entry) }
        return state
    }

    /// The record's canonical JSON (with its open conflicts), if stored.
    public func documentText(_ key: RecordKey) throws -> String? {
        try String.fetchOne(db, sql: "SELECT document FROM records WHERE record_type = ? AND record_id = ?",
                            arguments: [key.type.rawValue, key.id])
    }

    /// The record's JSON, if stored.
    public func document(_ key: RecordKey) throws -> JSONValue? {
        try documentText(key).map(JournalReader.parse)
    }

    /// One page of records of `type` ordered by id, after `after`; `next` is the cursor for the
    /// following page or nil at the end.
    public func records(of type: RecordType, after: String?, limit: Int) throws -> (items: [String], next: String?) {
        let rows = try Row.fetchAll(
            db, sql: "SELECT record_id, document FROM records WHERE record_type = ? AND record_id > ? ORDER BY record_id LIMIT ?",
            arguments: [type.rawValue, after ?? "", limit + 1])
        let page = rows.prefix(limit)
        return (page.map { $0["document"] }, rows.count > limit ? page.last.map { $0["record_id"] } : nil)
    }

    /// Every record key, ordered.
    public func recordKeys() throws -> [RecordKey] {
        try Row.fetchAll(db, sql: "SELECT record_type, record_id FROM records ORDER BY record_type, record_id").compactMap { row in
            RecordType(rawValue: row["record_type"]).map { RecordKey($0, row["record_id"]) }
        }
    }

    /// One page of conflicts with `status`, ordered by id.
    public func conflicts(status: Conflict.Status, after: String?, limit: Int) throws -> (items: [String], next: String?) {
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, body FROM conflicts WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
            arguments: [status.rawValue, after ?? "", limit + 1])
        let page = rows.prefix(limit)
        return (page.map { $0["body"] }, rows.count > limit ? page.last.map { $0["id"] } : nil)
    }

    /// One conflict's JSON text.
    public func conflictText(id: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT body FROM conflicts WHERE id = ?", arguments: [id])
    }

    /// How many conflicts are open.
    public func openConflictCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflicts WHERE status = 'open'") ?? 0
    }

    /// The last folio number a node used in a year (0 when none).
    public func lastFolioNumber(node: String, year: Int) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT last FROM folio_counters WHERE node = ? AND year = ?", arguments: [node, year]) ?? 0
    }

    /// Visits every entry in arrival order, with its stored text.
    public func forEachEntry(_ body: (_ position: Int64, _ text: String, _ row: Row) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM journal ORDER BY position")
        while let row = try cursor.next() {
            try body(row["position"], row["body"], row)
        }
    }

    /// Parses stored JSON text.
    public static func parse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
