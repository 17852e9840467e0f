import EnlaceModel
import Foundation
import GRDB

/// One access to an SQLite store: a read snapshot (typed as `JournalReading & KeyReading`) or a
/// write transaction (`CentralTransaction`, see `SQLiteJournal+Writes`). Inside a write
/// transaction, reads see its own writes.
struct SQLiteJournal: JournalReading, KeyReading {
    let db: Database
    /// Committed record states (nil: read everything from the journal, as rebuild and verify do).
    var cache: RecordCache?
    /// States this transaction produced, published to the cache when it commits.
    var pending = PendingStates()

    func entryCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal") ?? 0
    }

    func lastSeq(of origin: NodeID) throws -> UInt64 {
        UInt64(try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT MAX(seq) FROM journal WHERE origin = ?"), arguments: [origin.rawValue]) ?? 0)
    }

    func entries(of key: RecordKey) throws -> [JournalEntry] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT body FROM journal WHERE record_type = ? AND record_id = ? ORDER BY position"),
            arguments: [key.type.rawValue, key.id]
        ).map(EntryCoding.decode)
    }

    func documentText(_ key: RecordKey) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT document FROM records WHERE record_type = ? AND record_id = ?"),
            arguments: [key.type.rawValue, key.id])
    }

    func records(of type: RecordType, after: String?, limit: Int) throws -> Page<String> {
        let rows = try Row.fetchAll(
            db, sql: "SELECT record_id, document FROM records WHERE record_type = ? AND record_id > ? ORDER BY record_id LIMIT ?",
            arguments: [type.rawValue, after ?? "", limit + 1])
        let page = rows.prefix(limit)
        return Page(items: page.map { $0["document"] }, next: rows.count > limit ? page.last.map { $0["record_id"] } : nil)
    }

    func recordKeys() throws -> [RecordKey] {
        try Row.fetchAll(db, sql: "SELECT record_type, record_id FROM records ORDER BY record_type, record_id").compactMap { row in
            RecordType(rawValue: row["record_type"]).map { RecordKey($0, row["record_id"]) }
        }
    }

    func conflicts(_ filter: ConflictFilter, after: String?, limit: Int) throws -> Page<StoredConflict> {
        var sql = "SELECT * FROM conflicts WHERE status = ? AND id > ?"
        var arguments: StatementArguments = [filter.status.rawValue, after ?? ""]
        if let department = filter.department {
            sql += " AND department = ?"
            _ = arguments.append(contentsOf: [department])
        }
        if let type = filter.recordType {
            sql += " AND record_type = ?"
            _ = arguments.append(contentsOf: [type.rawValue])
        }
        if let prefix = filter.fieldPrefix {
            sql += " AND substr(field, 1, ?) = ?"
            _ = arguments.append(contentsOf: [prefix.utf8.count, prefix])
        }
        if let cutoff = filter.firstAtOrBefore {
            sql += " AND first_at <= ?"
            _ = arguments.append(contentsOf: [RFC3339.format(millis: cutoff)])
        }
        sql += " ORDER BY id LIMIT ?"
        _ = arguments.append(contentsOf: [limit + 1])
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap(SQLiteJournal.conflict)
        let page = Array(rows.prefix(limit))
        return Page(items: page, next: rows.count > limit ? page.last?.id : nil)
    }

    func conflict(id: String) throws -> StoredConflict? {
        try Row.fetchOne(db, sql: "SELECT * FROM conflicts WHERE id = ?", arguments: [id]).flatMap(SQLiteJournal.conflict)
    }

    func conflicts(of key: RecordKey) throws -> [StoredConflict] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM conflicts WHERE record_type = ? AND record_id = ? ORDER BY id"),
            arguments: [key.type.rawValue, key.id]
        ).compactMap(SQLiteJournal.conflict)
    }

    func conflictLocation(id: String) throws -> ConflictLocation? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM conflict_ids WHERE id = ?", arguments: [id]),
              let type = RecordType(rawValue: row["record_type"])
        else { return nil }
        return ConflictLocation(key: RecordKey(type, row["record_id"]), field: row["field"])
    }

    func openConflictsByDepartment() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT department, COUNT(*) AS n FROM conflicts WHERE status = 'open' GROUP BY department") {
            counts[(row["department"] as String?) ?? "SIN_DEPARTAMENTO", default: 0] += row["n"] as Int
        }
        return counts
    }

    func lastFolioNumber(node: String, year: Int) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT last FROM folio_counters WHERE node = ? AND year = ?"), arguments: [node, year]) ?? 0
    }

    func forEachEntry(_ body: (StoredEntryRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM journal ORDER BY position")
        while let row = try cursor.next() {
            try body(StoredEntryRow(
                position: row["position"], origin: row["origin"], seq: row["seq"], recordType: row["record_type"],
                recordID: row["record_id"], atMillis: row["at_ms"], text: row["body"], hash: row["hash"]))
        }
    }

    func pinnedKeys() throws -> [String: String] {
        var keys: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, public_key FROM replica_keys") { keys[row["origin"]] = row["public_key"] }
        return keys
    }

    func heads() throws -> [StoredHead] {
        try Row.fetchAll(db, sql: "SELECT * FROM chain_heads ORDER BY origin, seq").map {
            StoredHead(origin: $0["origin"], seq: UInt64($0["seq"] as Int64), hash: $0["hash"], signature: $0["signature"])
        }
    }

    static func conflict(_ row: Row) -> StoredConflict? {
        guard let type = RecordType(rawValue: row["record_type"]), let status = Conflict.Status(rawValue: row["status"]) else { return nil }
        let firstAt = (row["first_at"] as String?).flatMap(RFC3339.parseTimestamp) ?? 0
        return StoredConflict(
            id: row["id"], key: RecordKey(type, row["record_id"]), field: row["field"], status: status,
            department: row["department"], firstAt: firstAt, json: row["body"])
    }
}
