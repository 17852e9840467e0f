import EnlaceModel
import EnlaceReplica
import GRDB

extension SQLiteJournal: CredentialTransaction {
    func addCredential(tokenHash: String, principal: Principal, enrollmentKey: [UInt8]?, createdAt: String) throws {
        let live = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM credentials WHERE kind = ? AND subject = ? AND revoked_at IS NULL",
            arguments: [principal.kind.rawValue, principal.subject]) ?? 0
        if live > 0 {
            throw StoreError.duplicateCredential(principal.kind == .node
                ? "node \(principal.subject) is already enrolled; revoke it first to enroll it again"
                : "user \(principal.subject) already exists")
        }
        try db.execute(
            sql: """
                INSERT INTO credentials (token_hash, kind, subject, department, role, enrollment_key, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [tokenHash, principal.kind.rawValue, principal.subject, principal.department, principal.role?.rawValue,
                        enrollmentKey, createdAt])
    }

    func nodeCredential(_ node: NodeID) throws -> NodeCredential? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT * FROM credentials WHERE kind = 'node' AND subject = ? AND revoked_at IS NULL", arguments: [node.rawValue])
        else { return nil }
        return NodeCredential(node: node, department: row["department"] ?? "", enrollmentKey: row["enrollment_key"],
                              signingKey: row["signing_key"], agreementKey: row["agreement_key"])
    }

    func bindKeys(of node: NodeID, signing: [UInt8], agreement: [UInt8], at time: String) throws {
        try db.execute(
            sql: """
                UPDATE credentials SET signing_key = ?, agreement_key = ?, bound_at = ?
                WHERE kind = 'node' AND subject = ? AND revoked_at IS NULL
                """,
            arguments: [signing, agreement, time, node.rawValue])
    }

    func revokeCredentials(kind: Principal.Kind, subject: String, at time: String) throws -> Int {
        try db.execute(
            sql: "UPDATE credentials SET revoked_at = ? WHERE kind = ? AND subject = ? AND revoked_at IS NULL",
            arguments: [time, kind.rawValue, subject])
        let count = db.changesCount
        // A revoked user's desk sessions and password end with the token.
        if kind == .user, count > 0 {
            try db.execute(sql: "DELETE FROM desk_sessions WHERE username = ?", arguments: [subject])
            try db.execute(sql: "DELETE FROM desk_passwords WHERE username = ?", arguments: [subject])
        }
        return count
    }

    func applyRelayed(_ event: DirectoryEvent, at time: String) throws -> Bool {
        let node = event.node.rawValue
        switch event.kind {
        case .revocation:
            try db.execute(
                sql: "UPDATE credentials SET revoked_at = ? WHERE kind = 'node' AND subject = ? AND revoked_at IS NULL AND created_at < ?",
                arguments: [time, node, time])
        case .keys:
            guard let signing = event.signingKey, let agreement = event.agreementKey else { return false }
            try db.execute(
                sql: """
                    UPDATE credentials SET signing_key = ?, agreement_key = ?, bound_at = ?
                    WHERE kind = 'node' AND subject = ? AND revoked_at IS NULL AND created_at <= ? AND (bound_at IS NULL OR bound_at < ?)
                    """,
                arguments: [signing, agreement, time, node, time, time])
        case .enrollment:
            return false
        }
        return db.changesCount > 0
    }

    func lastAuditHash() throws -> String? {
        try String.fetchOne(db, sql: "SELECT hash FROM audit_log ORDER BY position DESC LIMIT 1")
    }

    func appendAudit(_ row: AuditRow) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [row.at, row.actor, row.action, row.subject, row.detail, row.previousHash, row.hash])
    }
}
