import Crypto
import EnlaceModel
import EnlaceReplica

extension PostgresStore {
    // MARK: The change feed

    /// A page of the change feed (`Feed.page`), read in one snapshot. Positions were taken
    /// under the append lock, so every position below the highest visible one is visible too.
    public func feed(after cursor: FeedCursor, excluding replica: ReplicaID?, limit: Int, scope: FeedScope?) async throws -> FeedPage {
        try await snapshot { journal in try await Feed.page(after: cursor, excluding: replica, limit: limit, scope: scope, in: journal) }
    }

    /// `VACUUM FULL` rewrites the key tables into new files: the dead rows of destroyed keys
    /// go with the old ones (a plain `DELETE` leaves them readable in the heap until vacuumed).
    ///
    /// A rewrite keeps a dead row that a transaction older than its deletion may still read: a
    /// snapshot taken in this database, or any write transaction of the server, in any
    /// database. So it waits first, two minutes at most, until none of them is left.
    public func reclaimErasedSpace() async throws {
        try await connections.withConnection { session in
            let after = try await session.value("SELECT txid_current()::text", as: String.self) ?? "0"
            let older = """
                SELECT count(*) FROM pg_stat_activity, (SELECT age(($1::bigint % 4294967296)::text::xid) AS deletion) AS d
                WHERE pid <> pg_backend_pid()
                    AND ((backend_xid IS NOT NULL AND age(backend_xid) >= d.deletion)
                        OR (datname = current_database() AND backend_xmin IS NOT NULL AND age(backend_xmin) >= d.deletion))
                """
            let deadline = ContinuousClock.now + PostgresStore.reclaimPatience
            while try await session.value(older, [after], as: Int64.self) ?? 0 > 0 {
                guard ContinuousClock.now < deadline else {
                    throw StoreError.unavailable("an older transaction may still read the erased case's key: its space is not reclaimed yet; "
                        + "the erasure stands, and the next erasure rewrites the key tables again")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await session.execute("VACUUM FULL case_keys")
            try await session.execute("VACUUM FULL location_keys")
        }
    }

    /// How long an erasure's rewrite waits for older transactions to end.
    static let reclaimPatience = Duration.seconds(120)

    public func feedHas(_ cursor: FeedCursor) async throws -> Bool {
        guard cursor.position > 0 else { return true }
        return try await connections.withConnection { session in
            guard let row = try await session.row("SELECT origin, epoch, seq FROM journal WHERE position = $1", [cursor.position]) else { return false }
            return try PostgresJournal.entryName(row) == cursor.entry
        }
    }

    // MARK: Credentials, audit, ARCO

    public func principal(tokenHash: String) async throws -> Principal? {
        try await connections.withConnection { session in
            guard let row = try await session.row("SELECT * FROM credentials WHERE token_hash = $1 AND revoked_at IS NULL", [tokenHash]) else { return nil }
            return Principal(
                kind: Principal.Kind(rawValue: try row.text("kind")) ?? .user, subject: try row.text("subject"),
                department: try row.optionalText("department"), role: try row.optionalText("role").flatMap(Principal.Role.init(rawValue:)))
        }
    }

    public func nodeCredential(_ node: NodeID) async throws -> NodeCredential? {
        try await connections.withConnection { try await PostgresJournal(session: $0, cache: nil, vault: nil).nodeCredential(node) }
    }

    public func auditRows() async throws -> [AuditRow] {
        try await connections.withConnection { try await $0.rows("SELECT * FROM audit_log ORDER BY position").map(PostgresStore.auditRow) }
    }

    public func auditRows(subject: String) async throws -> [AuditRow] {
        try await connections.withConnection { try await $0.rows("SELECT * FROM audit_log WHERE subject = $1 ORDER BY position", [subject]).map(PostgresStore.auditRow) }
    }

    public func auditRows(after position: Int64, limit: Int) async throws -> [AuditRow] {
        try await connections.withConnection {
            try await $0.rows("SELECT * FROM audit_log WHERE position > $1 ORDER BY position LIMIT $2", [position, Int64(limit)]).map(PostgresStore.auditRow)
        }
    }

    public func auditRows(_ filter: AuditFilter, before position: Int64?, limit: Int) async throws -> [AuditRow] {
        try await connections.withConnection { session in
            try await session.rows("""
                SELECT * FROM audit_log
                WHERE position < $1 AND ($2::text IS NULL OR actor = $2)
                  AND ($3::text IS NULL OR action = $3 OR action LIKE replace($3, '_', '\\_') || '.%')
                  AND ($4::text IS NULL OR at >= $4) AND ($5::text IS NULL OR at < $5)
                ORDER BY position DESC LIMIT $6
                """, [position ?? Int64.max, filter.actor, filter.action, filter.from, filter.until, Int64(limit)]).map(PostgresStore.auditRow)
        }
    }

    static func auditRow(_ row: PostgresRecord) throws -> AuditRow {
        AuditRow(position: try row.int("position"), at: try row.text("at"), actor: try row.text("actor"), action: try row.text("action"),
                 subject: try row.text("subject"), detail: try row.text("detail"), previousHash: try row.text("prev_hash"), hash: try row.text("hash"))
    }

    public func cases(ofPerson ref: String) async throws -> [String] {
        guard let vault else { throw StoreError.locked(location.description) }
        return try await connections.withConnection { session in
            try await session.rows("SELECT record_id FROM records WHERE record_type = 'case' AND person_tag = $1 ORDER BY record_id",
                             [vault.tag(ref, context: "person_ref")]).map { try $0.text("record_id") }
        }
    }

    /// Accepts a signed request's nonce once, whichever central process it reaches: the row is
    /// the claim. Nonces older than the window are pruned as new ones arrive.
    public func claimNonce(_ nonce: String, at millis: Int64, window: Int64) async throws -> Bool {
        try await connections.withConnection { session in
            let claimed = try await session.execute("INSERT INTO request_nonces (nonce, at_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING", [nonce, millis]) == 1
            if claimed, millis % 64 == 0 {
                let (cutoff, overflow) = millis.subtractingReportingOverflow(window)
                if !overflow { try await session.execute("DELETE FROM request_nonces WHERE at_ms < $1", [cutoff]) }
            }
            return claimed
        }
    }

    /// The feed's head, the furthest-behind recent node, and how long the transaction holding
    /// the append lock has been open (from `pg_locks` and `pg_stat_activity`, whichever central
    /// process holds it).
    public func feedLag(at millis: Int64) async throws -> FeedLag {
        try await snapshot { journal in
            let session = journal.session
            let head = try await session.value("SELECT MAX(position) FROM journal", as: Int64.self) ?? 0
            let behind = try await session.value("SELECT MAX($1 - position) FROM node_contacts WHERE at_ms >= $2",
                                           [head, millis.subtractingReportingOverflow(FeedLag.recentWindow).partialValue], as: Int64.self) ?? 0
            let held = try await session.value("""
                SELECT EXTRACT(EPOCH FROM clock_timestamp() - MIN(a.xact_start))::float8 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, [PostgresStore.appendLock >> 32, PostgresStore.appendLock & 0xFFFF_FFFF], as: Double.self) ?? 0
            return FeedLag(head: head, entries: max(0, behind), heldSeconds: max(0, held))
        }
    }

    // MARK: Checks

    public func verify() async throws -> VerifyReport {
        guard vault != nil else { throw StoreError.locked(location.description) }
        return try await snapshot { try await Rematerializer.verify($0) }
    }

    public func rebuild() async throws -> RebuildReport {
        guard vault != nil else { throw StoreError.locked(location.description) }
        return try await access { journal in
            cache.removeAll()
            return try await Rematerializer.rebuild(journal)
        }
    }
}

extension PostgresJournal: MaterializedTables {
    func clearMaterialized() async throws {
        for table in ["records", "conflicts", "folio_counters", "directory", "directory_keys"] { try await session.execute("DELETE FROM \(table)") }
    }
}
