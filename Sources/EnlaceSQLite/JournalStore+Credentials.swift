import EnlaceModel
import EnlaceReplica
import GRDB

extension JournalStore {
    /// A node's live credential, on a reader (signed requests do not wait for the writer).
    public func nodeCredential(_ node: NodeID) async throws -> NodeCredential? {
        try await reading { db in try SQLiteJournal(db: db).nodeCredential(node) }
    }

    /// The live (not revoked) principal holding the token with this hash.
    public func principal(tokenHash: String) async throws -> Principal? {
        try await reading { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM credentials WHERE token_hash = ? AND revoked_at IS NULL", arguments: [tokenHash])
            else { return nil }
            return Principal(
                kind: Principal.Kind(rawValue: row["kind"]) ?? .user, subject: row["subject"], department: row["department"],
                role: (row["role"] as String?).flatMap(Principal.Role.init(rawValue:)))
        }
    }

    /// The audit log, oldest first.
    public func auditRows() async throws -> [AuditRow] {
        try await reading { db in try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY position").map(JournalStore.auditRow) }
    }

    public func auditRows(subject: String) async throws -> [AuditRow] {
        try await reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE subject = ? ORDER BY position", arguments: [subject])
                .map(JournalStore.auditRow)
        }
    }

    public func auditRows(after position: Int64, limit: Int) async throws -> [AuditRow] {
        try await reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE position > ? ORDER BY position LIMIT ?", arguments: [position, limit])
                .map(JournalStore.auditRow)
        }
    }

    public func auditRows(_ filter: AuditFilter, before position: Int64?, limit: Int) async throws -> [AuditRow] {
        var clauses = ["position < ?"]
        var arguments: StatementArguments = [position ?? Int64.max]
        if let actor = filter.actor { clauses.append("actor = ?"); arguments += [actor] }
        if let action = filter.action { clauses.append("(action = ? OR action LIKE ? ESCAPE '\\')"); arguments += [action, action.replacingOccurrences(of: "_", with: "\\_") + ".%"] }
        if let from = filter.from { clauses.append("at >= ?"); arguments += [from] }
        if let until = filter.until { clauses.append("at < ?"); arguments += [until] }
        arguments += [limit]
        return try await reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE \(clauses.joined(separator: " AND ")) ORDER BY position DESC LIMIT ?",
                             arguments: arguments).map(JournalStore.auditRow)
        }
    }

    public func deskRead<T: Sendable>(_ body: sending (any DeskReading) async throws -> T) async throws -> T {
        try await reading { [vault] db in try await body(SQLiteJournal(db: db, vault: vault)) }
    }

    public func deskWrite<T: Sendable>(_ body: sending (any DeskTransaction) async throws -> T) async throws -> T {
        try await writing { [vault] db in try await body(SQLiteJournal(db: db, vault: vault)) }
    }

    static func auditRow(_ row: Row) -> AuditRow {
        AuditRow(position: row["position"], at: row["at"], actor: row["actor"], action: row["action"],
                 subject: row["subject"], detail: row["detail"], previousHash: row["prev_hash"], hash: row["hash"])
    }

    public func cases(ofPerson ref: String) async throws -> [String] {
        try await reading { db in
            let journal = SQLiteJournal(db: db, vault: vault)
            return try String.fetchAll(db, sql: """
                SELECT record_id FROM records WHERE record_type = 'case' AND person_tag = ? ORDER BY record_id
                """, arguments: [try journal.personTag(ref)])
        }
    }

    /// Claimed in the store's nonce ledger (`NonceLedger`), so a captured request is not
    /// accepted again after a restart, without waiting for the store's write transactions.
    public func claimNonce(_ nonce: String, at millis: Int64, window: Int64) async throws -> Bool {
        do {
            return try await nonceLedger().claim(nonce, at: millis, window: window)
        } catch let error as DatabaseError {
            // The ledger's own trouble, not the store's: a damaged ledger is moved aside, not
            // restored (the next request makes a new one).
            throw StoreError.unavailable("""
                the central server's nonce ledger \(path)-nonces fails (\(error.message ?? "\(error)")): with the server stopped, \
                move it aside; a new one is made at the next request
                """)
        }
    }

    public func feedLag(at millis: Int64) async throws -> FeedLag {
        try await reading { db in
            let head = try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM journal") ?? 0
            let behind = try Int64.fetchOne(db, sql: "SELECT MAX(? - position) FROM node_contacts WHERE at_ms >= ?",
                                            arguments: [head, millis.subtractingReportingOverflow(FeedLag.recentWindow).partialValue]) ?? 0
            return FeedLag(head: head, entries: max(0, behind), heldSeconds: 0)
        }
    }
}
