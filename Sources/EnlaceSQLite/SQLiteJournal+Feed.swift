import Crypto
import EnlaceModel
import EnlaceReplica
import GRDB

/// SQLite's statements for the change feed (`Feed`).
extension SQLiteJournal: FeedReading {
    func feedRows(after position: Int64, limit: Int, department: String?) throws -> [FeedRow] {
        // Whether a case's body goes out is one indexed lookup in `case_scope` per row, in the
        // same query (`+s.department` keeps the planner on the primary key); stubs never read
        // their body.
        let readable = department == nil ? "1" : """
            (record_type IS NOT 'case' OR EXISTS (SELECT 1 FROM case_scope s
             WHERE s.record_id = journal.record_id AND +s.department = :department AND s.in_scope = 1))
            """
        var arguments: StatementArguments = ["after": position, "limit": limit]
        if let department { arguments += ["department": department] }
        return try Row.fetchAll(db.cachedStatement(sql: """
            SELECT position, origin, epoch, seq, envelope, record_type, record_id,
                   CASE WHEN state = 'applied' AND \(readable) THEN body END AS body
            FROM journal WHERE position > :after ORDER BY position LIMIT :limit
            """), arguments: arguments).map { row in
            FeedRow(position: row["position"], origin: row["origin"], epoch: row["epoch"], seq: row["seq"], envelope: row["envelope"],
                    recordType: row["record_type"], recordID: row["record_id"], body: row["body"], knownHead: nil)
        }
    }

    func isHead(_ row: FeedRow) throws -> Bool {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM chain_heads WHERE origin = ? AND epoch = ? AND seq = ?"),
                         arguments: [row.origin, row.epoch, row.seq]) ?? 0 > 0
    }

    func feedHasRows(after position: Int64) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE position > ?", arguments: [position]) ?? 0 > 0
    }

    func heads(origin: String, epoch: Int64, from low: Int64, through high: Int64) throws -> [StoredHead] {
        try Row.fetchAll(db, sql: "SELECT * FROM chain_heads WHERE origin = ? AND epoch = ? AND seq BETWEEN ? AND ? ORDER BY seq",
                         arguments: [origin, epoch, low, high]).compactMap(SQLiteJournal.head)
    }

    func scopeChanges(department: String, after: Int64, limit: Int) throws -> [ScopeChanges.Change] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT record_id, in_scope, changed FROM case_scope WHERE department = ? AND changed > ? ORDER BY changed LIMIT ?"),
            arguments: [department, after, limit]
        ).map { ScopeChanges.Change(caseID: $0["record_id"], entering: ($0["in_scope"] as Int64) == 1, changed: $0["changed"]) }
    }

    func caseHistory(_ id: String, after: Int64, through: Int64, limit: Int) throws -> [(position: Int64, item: FeedItem)] {
        try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT position, envelope, body FROM journal
                WHERE record_type = 'case' AND record_id = ? AND position > ? AND position <= ? AND +state = 'applied'
                ORDER BY position LIMIT ?
                """),
            arguments: [id, after, through, limit]
        ).map { ($0["position"], FeedItem(envelope: $0["envelope"], body: $0["body"])) }
    }

    func caseKeys(_ cases: [String]) throws -> [String: SymmetricKey] {
        var keys: [String: SymmetricKey] = [:]
        for id in cases { keys[id] = try caseKey(id) }
        return keys
    }

    func locationKeys(_ cases: [String]) throws -> [String: [String: SymmetricKey]] {
        var keys: [String: [String: SymmetricKey]] = [:]
        for id in cases { keys[id] = try locationKeys(id) }
        return keys
    }
}
