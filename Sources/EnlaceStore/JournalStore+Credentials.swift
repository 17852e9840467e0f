import GRDB

extension JournalStore {
    /// Stores a credential by the hash of its token (the token itself is never stored).
    public func addCredential(tokenHash: String, principal: Principal, createdAt: String) throws {
        try pool.write { db in
            try JournalStore.addCredential(db, tokenHash: tokenHash, principal: principal, createdAt: createdAt)
        }
    }

    static func addCredential(_ db: Database, tokenHash: String, principal: Principal, createdAt: String) throws {
        let live = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM credentials WHERE kind = ? AND subject = ? AND revoked_at IS NULL",
            arguments: [principal.kind.rawValue, principal.subject]) ?? 0
        if live > 0 {
            throw StoreError.duplicateCredential(principal.kind == .node
                ? "node \(principal.subject) is already enrolled; revoke it first to enroll it again"
                : "user \(principal.subject) already exists")
        }
        try db.execute(
            sql: "INSERT INTO credentials (token_hash, kind, subject, department, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [tokenHash, principal.kind.rawValue, principal.subject, principal.department, principal.role?.rawValue, createdAt])
    }

    /// The live (not revoked) principal holding the token with this hash.
    public func principal(tokenHash: String) throws -> Principal? {
        try pool.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM credentials WHERE token_hash = ? AND revoked_at IS NULL", arguments: [tokenHash])
            else { return nil }
            return Principal(
                kind: Principal.Kind(rawValue: row["kind"]) ?? .user, subject: row["subject"], department: row["department"],
                role: (row["role"] as String?).flatMap(Principal.Role.init(rawValue:)))
        }
    }
}
