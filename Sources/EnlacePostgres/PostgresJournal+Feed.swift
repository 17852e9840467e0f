import Crypto
import EnlaceModel
import EnlaceReplica

/// PostgreSQL's statements for the change feed (`Feed`): whether a row is a signed head is read
/// with the row, and keys in one statement per table, so a page costs few round trips.
extension PostgresJournal: FeedReading {
    func feedRows(after position: Int64, limit: Int, department: String?) async throws -> [FeedRow] {
        let readable = department == nil ? "TRUE" : """
            (record_type IS DISTINCT FROM 'case' OR EXISTS (SELECT 1 FROM case_scope s
             WHERE s.record_id = journal.record_id AND s.department = $3 AND s.in_scope = 1))
            """
        var arguments: [any PostgresArgument] = [position, limit]
        if let department { arguments.append(department) }
        return try await session.rows("""
            SELECT position, origin, epoch, seq, envelope, record_type, record_id,
                   CASE WHEN state = 'applied' AND \(readable) THEN body END AS body,
                   EXISTS (SELECT 1 FROM chain_heads h WHERE h.origin = journal.origin AND h.epoch = journal.epoch AND h.seq = journal.seq) AS is_head
            FROM journal WHERE position > $1 ORDER BY position LIMIT $2
            """, arguments).map { row in
            FeedRow(position: try row.int("position"), origin: try row.text("origin"), epoch: try row.int("epoch"), seq: try row.int("seq"),
                    envelope: try row.bytes("envelope"), recordType: try row.optionalText("record_type"),
                    recordID: try row.optionalText("record_id"), body: try row.optionalBytes("body"),
                    knownHead: try row["is_head", as: Bool.self])
        }
    }

    func isHead(_ row: FeedRow) async throws -> Bool {
        if let known = row.knownHead { return known }
        return try await session.value("SELECT EXISTS (SELECT 1 FROM chain_heads WHERE origin = $1 AND epoch = $2 AND seq = $3)",
                                 [row.origin, row.epoch, row.seq], as: Bool.self) ?? false
    }

    func feedHasRows(after position: Int64) async throws -> Bool {
        // Ordered by position, so that the planner walks the key's index: with fresh statistics
        // it may otherwise scan the whole journal to learn that nothing follows.
        try await session.value("SELECT position FROM journal WHERE position > $1 ORDER BY position LIMIT 1", [position], as: Int64.self) != nil
    }

    func heads(origin: String, epoch: Int64, from low: Int64, through high: Int64) async throws -> [StoredHead] {
        try await session.rows("SELECT * FROM chain_heads WHERE origin = $1 AND epoch = $2 AND seq BETWEEN $3 AND $4 ORDER BY seq",
                         [origin, epoch, low, high]).compactMap(PostgresJournal.head)
    }

    func scopeChanges(department: String, after: Int64, limit: Int) async throws -> [ScopeChanges.Change] {
        try await session.rows(
            "SELECT record_id, in_scope, changed FROM case_scope WHERE department = $1 AND changed > $2 ORDER BY changed LIMIT $3",
            [department, after, limit]
        ).map { ScopeChanges.Change(caseID: try $0.text("record_id"), entering: try $0.int("in_scope") == 1, changed: try $0.int("changed")) }
    }

    func caseHistory(_ id: String, after: Int64, through: Int64, limit: Int) async throws -> [(position: Int64, item: FeedItem)] {
        try await session.rows("""
            SELECT position, envelope, body FROM journal
            WHERE record_type = 'case' AND record_id = $1 AND position > $2 AND position <= $3 AND state = 'applied'
            ORDER BY position LIMIT $4
            """, [id, after, through, limit]
        ).map { (try $0.int("position"), FeedItem(envelope: try $0.bytes("envelope"), body: try $0.optionalBytes("body"))) }
    }

    /// A statement for every 16 cases, each case's first entries read through its index — at
    /// most what is left of `limit` of a case, and in all — until `limit` rows are read: the
    /// planner sorts what the lateral reads return, so a group bounds what one statement reads.
    func caseHistories(_ ids: [String], through: Int64, limit: Int) async throws
        -> [(id: String, rows: [(position: Int64, item: FeedItem)])]
    {
        var histories: [(id: String, rows: [(position: Int64, item: FeedItem)])] = []
        var left = limit
        var start = 0
        while left > 0, start < ids.count {
            let group = Array(ids[start..<min(ids.count, start + 16)])
            start += group.count
            for row in try await session.rows("""
            SELECT c.id, h.position, h.envelope, h.body FROM unnest($1::text[]) WITH ORDINALITY AS c(id, ordinal)
            CROSS JOIN LATERAL (
                SELECT position, envelope, body FROM journal
                WHERE record_type = 'case' AND record_id = c.id AND position <= $2 AND state = 'applied'
                ORDER BY position LIMIT $3
            ) AS h
            ORDER BY c.ordinal, h.position LIMIT $3
            """, [PostgresTextArray(group), through, Int64(left)]) {
                let id = try row.text("id")
                let entry = (position: try row.int("position"), item: FeedItem(envelope: try row.bytes("envelope"), body: try row.optionalBytes("body")))
                if histories.last?.id == id { histories[histories.count - 1].rows.append(entry) } else { histories.append((id, [entry])) }
                left -= 1
            }
        }
        return histories
    }

    func caseKeys(_ cases: [String]) async throws -> [String: SymmetricKey] {
        let vault = try openVault()
        var keys: [String: SymmetricKey] = [:]
        for row in try await session.rows("SELECT record_id, sealed FROM case_keys WHERE record_id = ANY($1)", [PostgresTextArray(cases)]) {
            let id = try row.text("record_id")
            keys[id] = SymmetricKey(data: try vault.open(try row.bytes("sealed"), context: "case key \(id)"))
        }
        return keys
    }

    func locationKeys(_ cases: [String]) async throws -> [String: [String: SymmetricKey]] {
        let vault = try openVault()
        var held: [String: [String: SymmetricKey]] = [:]
        for row in try await session.rows("SELECT record_id, key_id, sealed FROM location_keys WHERE record_id = ANY($1)", [PostgresTextArray(cases)]) {
            let id = try row.text("record_id"), keyID = try row.text("key_id")
            held[id, default: [:]][keyID] = SymmetricKey(data: try vault.open(try row.bytes("sealed"), context: "location key \(id) \(keyID)"))
        }
        return held
    }
}
