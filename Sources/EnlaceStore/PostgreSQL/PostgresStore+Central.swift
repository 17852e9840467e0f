import Crypto
import EnlaceModel

extension PostgresStore {
    // MARK: The change feed

    /// As `JournalStore.feed`: a page of at least `limit` rows when that many follow, ending at a
    /// signed chain head, read in one snapshot. Positions were taken under the append lock, so
    /// every position below the highest visible one is visible too: the cursor skips nothing.
    public func feed(after cursor: FeedCursor, excluding replica: ReplicaID?, limit: Int, scope: FeedScope?) throws -> FeedPage {
        try snapshot { journal in
            let session = journal.session
            let readable = scope == nil ? "TRUE" : """
                (record_type IS DISTINCT FROM 'case' OR EXISTS (SELECT 1 FROM case_scope s
                 WHERE s.record_id = journal.record_id AND s.department = $3 AND s.in_scope = 1))
                """
            let select = """
                SELECT position, origin, epoch, seq, envelope, record_type, record_id,
                       CASE WHEN state = 'applied' AND \(readable) THEN body END AS body,
                       EXISTS (SELECT 1 FROM chain_heads h WHERE h.origin = journal.origin AND h.epoch = journal.epoch AND h.seq = journal.seq) AS is_head
                FROM journal WHERE position > $1 ORDER BY position LIMIT $2
                """
            func fetch(after position: Int64, limit: Int) throws -> [PostgresRecord] {
                var arguments: [any PostgresArgument] = [position, limit]
                if let scope { arguments.append(scope.department) }
                return try session.rows(select, arguments)
            }
            var rows = try fetch(after: cursor.position, limit: limit)
            // The page ends at a signed head: every entry it carries is covered by a signature.
            extend: while let last = rows.last, !(try last["is_head", as: Bool.self]) {
                let next = try fetch(after: try last.int("position"), limit: 64)
                if next.isEmpty { break }
                for row in next {
                    rows.append(row)
                    if try row["is_head", as: Bool.self] { break extend }
                }
            }
            let last = rows.last
            let more = try session.value("SELECT EXISTS (SELECT 1 FROM journal WHERE position > $1)",
                                         [try last?.int("position") ?? cursor.position], as: Bool.self) ?? false
            let kept = try rows.filter { row in
                guard let replica else { return true }
                return try row.text("origin") != replica.node.rawValue || row.int("epoch") != Int64(replica.epoch)
            }
            var ranges: [String: (origin: String, epoch: Int64, low: Int64, high: Int64)] = [:]
            for row in kept {
                let origin = try row.text("origin"), epoch = try row.int("epoch"), seq = try row.int("seq")
                let key = "\(origin)\u{0}\(epoch)"
                let range = ranges[key] ?? (origin, epoch, seq, seq)
                ranges[key] = (origin, epoch, min(range.low, seq), max(range.high, seq))
            }
            var heads: [StoredHead] = []
            for (_, range) in ranges.sorted(by: { $0.key < $1.key }) {
                heads += try session.rows(
                    "SELECT * FROM chain_heads WHERE origin = $1 AND epoch = $2 AND seq BETWEEN $3 AND $4 ORDER BY seq",
                    [range.origin, range.epoch, range.low, range.high]
                ).compactMap(PostgresJournal.head)
            }
            let items = try kept.map { FeedItem(envelope: try $0.bytes("envelope"), body: try $0.optionalBytes("body")) }
            let next = try last.map { FeedCursor(position: try $0.int("position"), entry: try PostgresJournal.entryName($0)) } ?? cursor
            let delivery = try scope.map { try scopeChanges($0, through: cursor.position, limit: limit, in: session) }
            var cases = Set(try kept.compactMap { row -> String? in
                try row.optionalBytes("body") != nil && row.optionalText("record_type") == RecordType.caseFile.rawValue
                    ? try row.optionalText("record_id") : nil
            })
            cases.formUnion(delivery?.cases ?? [])
            return FeedPage(entries: items, heads: heads, next: next, more: more, scope: delivery,
                            caseKeys: try caseKeys(cases, leadDepartment: scope?.department, in: journal))
        }
    }

    /// The keys of the cases a page carries bodies of, read in two statements: data keys, and
    /// the location keys of the cases `leadDepartment` leads (all of them, so a new lead reads
    /// what earlier leads wrote).
    func caseKeys(_ cases: Set<String>, leadDepartment: String?, in journal: PostgresJournal) throws -> CaseKeySet {
        var keys = CaseKeySet()
        guard !cases.isEmpty else { return keys }
        let ids = PostgresTextArray(cases.sorted())
        let vault = try journal.openVault()
        for row in try journal.session.rows("SELECT record_id, sealed FROM case_keys WHERE record_id = ANY($1)", [ids]) {
            let id = try row.text("record_id")
            keys.data[id] = SymmetricKey(data: try vault.open(try row.bytes("sealed"), context: "case key \(id)"))
        }
        guard let leadDepartment else { return keys }
        var held: [String: [String: SymmetricKey]] = [:]
        for row in try journal.session.rows("SELECT record_id, key_id, sealed FROM location_keys WHERE record_id = ANY($1)", [ids]) {
            let id = try row.text("record_id"), keyID = try row.text("key_id")
            held[id, default: [:]][keyID] = SymmetricKey(data: try vault.open(try row.bytes("sealed"), context: "location key \(id) \(keyID)"))
        }
        for (id, location) in held {
            if let document = try journal.documentText(RecordKey(.caseFile, id)).map(JSONValue.parse),
               LeadRule.currentLeads(of: document).contains(leadDepartment) {
                keys.location[id] = location
            }
        }
        return keys
    }

    /// As `JournalStore.scopeChanges`: a department's scope changes after `scope.after`.
    func scopeChanges(_ scope: FeedScope, through position: Int64, limit: Int, in session: PostgresSession) throws -> ScopeDelivery {
        try ScopeChanges.deliver(scope, limit: limit, changes: { after, limit in
            try session.rows(
                "SELECT record_id, in_scope, changed FROM case_scope WHERE department = $1 AND changed > $2 ORDER BY changed LIMIT $3",
                [scope.department, after, limit]
            ).map { ScopeChanges.Change(caseID: try $0.text("record_id"), entering: try $0.int("in_scope") == 1, changed: try $0.int("changed")) }
        }, history: { id, after, limit in
            try session.rows("""
                SELECT position, envelope, body FROM journal
                WHERE record_type = 'case' AND record_id = $1 AND position > $2 AND position <= $3 AND state = 'applied'
                ORDER BY position LIMIT $4
                """, [id, after, position, limit]
            ).map { (try $0.int("position"), FeedItem(envelope: try $0.bytes("envelope"), body: try $0.optionalBytes("body"))) }
        })
    }

    /// `VACUUM FULL` rewrites the key tables into new files: the dead rows of destroyed keys
    /// go with the old ones (a plain `DELETE` leaves them readable in the heap until vacuumed).
    public func reclaimErasedSpace() throws {
        try pool.withConnection { session in
            try session.execute("VACUUM FULL case_keys")
            try session.execute("VACUUM FULL location_keys")
        }
    }

    public func feedHas(_ cursor: FeedCursor) throws -> Bool {
        guard cursor.position > 0 else { return true }
        return try pool.withConnection { session in
            guard let row = try session.row("SELECT origin, epoch, seq FROM journal WHERE position = $1", [cursor.position]) else { return false }
            return try PostgresJournal.entryName(row) == cursor.entry
        }
    }

    // MARK: Credentials, audit, ARCO

    public func principal(tokenHash: String) throws -> Principal? {
        try pool.withConnection { session in
            guard let row = try session.row("SELECT * FROM credentials WHERE token_hash = $1 AND revoked_at IS NULL", [tokenHash]) else { return nil }
            return Principal(
                kind: Principal.Kind(rawValue: try row.text("kind")) ?? .user, subject: try row.text("subject"),
                department: try row.optionalText("department"), role: try row.optionalText("role").flatMap(Principal.Role.init(rawValue:)))
        }
    }

    public func nodeCredential(_ node: NodeID) throws -> NodeCredential? {
        try pool.withConnection { try PostgresJournal(session: $0, cache: nil, vault: nil).nodeCredential(node) }
    }

    public func auditRows() throws -> [AuditRow] {
        try pool.withConnection { try $0.rows("SELECT * FROM audit_log ORDER BY position").map(PostgresStore.auditRow) }
    }

    public func auditRows(subject: String) throws -> [AuditRow] {
        try pool.withConnection { try $0.rows("SELECT * FROM audit_log WHERE subject = $1 ORDER BY position", [subject]).map(PostgresStore.auditRow) }
    }

    public func auditRows(after position: Int64, limit: Int) throws -> [AuditRow] {
        try pool.withConnection {
            try $0.rows("SELECT * FROM audit_log WHERE position > $1 ORDER BY position LIMIT $2", [position, Int64(limit)]).map(PostgresStore.auditRow)
        }
    }

    public func auditRows(_ filter: AuditFilter, before position: Int64?, limit: Int) throws -> [AuditRow] {
        try pool.withConnection { session in
            try session.rows("""
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

    public func cases(ofPerson ref: String) throws -> [String] {
        guard let vault else { throw StoreError.locked(location.description) }
        return try pool.withConnection { session in
            try session.rows("SELECT record_id FROM records WHERE record_type = 'case' AND person_tag = $1 ORDER BY record_id",
                             [vault.tag(ref, context: "person_ref")]).map { try $0.text("record_id") }
        }
    }

    /// Accepts a signed request's nonce once, whichever central process it reaches: the row is
    /// the claim. Nonces older than the window are pruned as new ones arrive.
    public func claimNonce(_ nonce: String, at millis: Int64, window: Int64) throws -> Bool {
        try pool.withConnection { session in
            let claimed = try session.execute("INSERT INTO request_nonces (nonce, at_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING", [nonce, millis]) == 1
            if claimed, millis % 64 == 0 {
                let (cutoff, overflow) = millis.subtractingReportingOverflow(window)
                if !overflow { try session.execute("DELETE FROM request_nonces WHERE at_ms < $1", [cutoff]) }
            }
            return claimed
        }
    }

    /// The feed's head, the furthest-behind recent node, and how long the transaction holding
    /// the append lock has been open (from `pg_locks` and `pg_stat_activity`, whichever central
    /// process holds it).
    public func feedLag(at millis: Int64) throws -> FeedLag {
        try snapshot { journal in
            let session = journal.session
            let head = try session.value("SELECT MAX(position) FROM journal", as: Int64.self) ?? 0
            let behind = try session.value("SELECT MAX($1 - position) FROM node_contacts WHERE at_ms >= $2",
                                           [head, millis.subtractingReportingOverflow(FeedLag.recentWindow).partialValue], as: Int64.self) ?? 0
            let held = try session.value("""
                SELECT EXTRACT(EPOCH FROM clock_timestamp() - MIN(a.xact_start))::float8 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, [PostgresStore.appendLock >> 32, PostgresStore.appendLock & 0xFFFF_FFFF], as: Double.self) ?? 0
            return FeedLag(head: head, entries: max(0, behind), heldSeconds: max(0, held))
        }
    }

    // MARK: Checks

    public func verify() throws -> VerifyReport {
        guard vault != nil else { throw StoreError.locked(location.description) }
        return try snapshot { try Rematerializer.verify($0) }
    }

    public func rebuild() throws -> RebuildReport {
        guard vault != nil else { throw StoreError.locked(location.description) }
        return try access { journal in
            cache.removeAll()
            return try Rematerializer.rebuild(journal)
        }
    }
}

extension PostgresJournal: MaterializedTables {
    func clearMaterialized() throws {
        for table in ["records", "conflicts", "folio_counters", "directory", "directory_keys"] { try session.execute("DELETE FROM \(table)") }
    }
}
