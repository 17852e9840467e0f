import EnlaceModel
import EnlaceReplica

extension PostgresJournal: CredentialTransaction {
    func addCredential(tokenHash: String, principal: Principal, enrollmentKey: [UInt8]?, createdAt: String) async throws {
        if try await session.row("SELECT 1 AS live FROM credentials WHERE kind = $1 AND subject = $2 AND revoked_at IS NULL",
                           [principal.kind.rawValue, principal.subject]) != nil {
            throw StoreError.duplicateCredential(principal.kind == .node
                ? "node \(principal.subject) is already enrolled; revoke it first to enroll it again"
                : "user \(principal.subject) already exists")
        }
        try await session.execute("""
            INSERT INTO credentials (token_hash, kind, subject, department, role, enrollment_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [tokenHash, principal.kind.rawValue, principal.subject, principal.department, principal.role?.rawValue, enrollmentKey, createdAt])
    }

    func nodeCredential(_ node: NodeID) async throws -> NodeCredential? {
        guard let row = try await session.row("SELECT * FROM credentials WHERE kind = 'node' AND subject = $1 AND revoked_at IS NULL", [node.rawValue])
        else { return nil }
        return NodeCredential(node: node, department: try row.optionalText("department") ?? "", enrollmentKey: try row.optionalBytes("enrollment_key"),
                              signingKey: try row.optionalBytes("signing_key"), agreementKey: try row.optionalBytes("agreement_key"))
    }

    func bindKeys(of node: NodeID, signing: [UInt8], agreement: [UInt8], at time: String) async throws {
        try await session.execute("""
            UPDATE credentials SET signing_key = $1, agreement_key = $2, bound_at = $3
            WHERE kind = 'node' AND subject = $4 AND revoked_at IS NULL
            """, [signing, agreement, time, node.rawValue])
    }

    func revokeCredentials(kind: Principal.Kind, subject: String, at time: String) async throws -> Int {
        let count = try await session.execute("UPDATE credentials SET revoked_at = $1 WHERE kind = $2 AND subject = $3 AND revoked_at IS NULL",
                                        [time, kind.rawValue, subject])
        if kind == .user, count > 0 {
            try await session.execute("DELETE FROM desk_sessions WHERE username = $1", [subject])
            try await session.execute("DELETE FROM desk_passwords WHERE username = $1", [subject])
        }
        return count
    }

    func applyRelayed(_ event: DirectoryEvent, at time: String) async throws -> Bool {
        let node = event.node.rawValue
        switch event.kind {
        case .revocation:
            return try await session.execute(
                "UPDATE credentials SET revoked_at = $1 WHERE kind = 'node' AND subject = $2 AND revoked_at IS NULL AND created_at < $1",
                [time, node]) > 0
        case .keys:
            guard let signing = event.signingKey, let agreement = event.agreementKey else { return false }
            return try await session.execute("""
                UPDATE credentials SET signing_key = $1, agreement_key = $2, bound_at = $3
                WHERE kind = 'node' AND subject = $4 AND revoked_at IS NULL AND created_at <= $3 AND (bound_at IS NULL OR bound_at < $3)
                """, [signing, agreement, time, node]) > 0
        case .enrollment:
            return false
        }
    }

    func lastAuditHash() async throws -> String? {
        try await session.value("SELECT hash FROM audit_log ORDER BY position DESC LIMIT 1", as: String.self)
    }

    func appendAudit(_ row: AuditRow) async throws {
        try session.send("INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                            [row.at, row.actor, row.action, row.subject, row.detail, row.previousHash, row.hash])
    }
}

extension PostgresJournal: DeskTransaction, DeskReading {
    func setPassword(user: String, hash: String, at time: String) async throws -> Bool {
        guard try await liveRole(user) != nil else { return false }
        try await session.execute("""
            INSERT INTO desk_passwords (username, hash, set_at) VALUES ($1, $2, $3)
            ON CONFLICT (username) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at
            """, [user, hash, time])
        try await session.execute("DELETE FROM desk_sessions WHERE username = $1", [user])
        return true
    }

    func recordSignInFailure(user: String, at millis: Int64, window: Int64, keep: Int) async throws -> Int {
        let (since, overflow) = millis.subtractingReportingOverflow(window)
        let failures = Int(try await session.value("""
            INSERT INTO desk_failures (username, failures, last_ms) VALUES ($1, 1, $2)
            ON CONFLICT (username) DO UPDATE
            SET failures = CASE WHEN desk_failures.last_ms < $3 THEN 1 ELSE desk_failures.failures + 1 END, last_ms = excluded.last_ms
            RETURNING failures
            """, [user, millis, overflow ? Int64.min : since], as: Int64.self) ?? 0)
        // Bounded as on SQLite: expired failures forgotten, the oldest names first past `keep`.
        try session.send("DELETE FROM desk_failures WHERE last_ms < $1", [overflow ? Int64.min : since])
        try session.send("""
            DELETE FROM desk_failures WHERE username IN (
                SELECT username FROM desk_failures WHERE username != $1 ORDER BY last_ms LIMIT GREATEST(0, (SELECT COUNT(*) FROM desk_failures) - $2))
            """, [user, Int64(keep)])
        return failures
    }

    func clearSignInFailures(user: String) async throws {
        try await session.execute("DELETE FROM desk_failures WHERE username = $1", [user])
    }

    func createSession(_ session: DeskSession) async throws {
        try await self.session.execute("INSERT INTO desk_sessions (token_hash, username, csrf, expires_ms) VALUES ($1, $2, $3, $4)",
                                 [session.tokenHash, session.user, session.csrf, session.expiresAt])
    }

    func deleteSession(tokenHash: String) async throws {
        try await session.execute("DELETE FROM desk_sessions WHERE token_hash = $1", [tokenHash])
    }

    func deleteExpiredSessions(at millis: Int64) async throws -> Int {
        try await session.execute("DELETE FROM desk_sessions WHERE expires_ms <= $1", [millis])
    }

    func recordNodeContact(_ node: String, position: Int64, at millis: Int64, version: String?, skew: Int64?) async throws {
        try session.send("""
            INSERT INTO node_contacts (node, position, at_ms, version, skew_ms) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (node) DO UPDATE
            SET position = GREATEST(node_contacts.position, excluded.position), at_ms = excluded.at_ms,
                version = COALESCE(excluded.version, node_contacts.version), skew_ms = COALESCE(excluded.skew_ms, node_contacts.skew_ms)
            """, [node, position, millis, version, skew])
    }

    func recordClockOff(_ node: String, skew: Int64, at millis: Int64) async throws {
        try await session.execute("""
            INSERT INTO clock_reports (node, skew_ms, at_ms) VALUES ($1, $2, $3)
            ON CONFLICT (node) DO UPDATE SET skew_ms = excluded.skew_ms, at_ms = excluded.at_ms
            """, [node, skew, millis])
    }

    func clocksOff(since millis: Int64) async throws -> [String: (skew: Int64, at: Int64)] {
        var reports: [String: (skew: Int64, at: Int64)] = [:]
        for row in try await session.rows("SELECT * FROM clock_reports WHERE at_ms >= $1", [millis]) {
            reports[try row.text("node")] = (try row.int("skew_ms"), try row.int("at_ms"))
        }
        return reports
    }

    func deskLogin(user: String, at millis: Int64, window: Int64) async throws -> DeskLogin? {
        guard let role = try await liveRole(user) else { return nil }
        let hash = try await session.value("SELECT hash FROM desk_passwords WHERE username = $1", [user], as: String.self)
        let (since, overflow) = millis.subtractingReportingOverflow(window)
        let failures = try await session.value("SELECT failures FROM desk_failures WHERE username = $1 AND last_ms >= $2",
                                         [user, overflow ? Int64.min : since], as: Int64.self) ?? 0
        return DeskLogin(user: user, role: role, passwordHash: hash, recentFailures: Int(failures))
    }

    func recentSignInFailures(user: String, at millis: Int64, window: Int64) async throws -> Int {
        let (since, overflow) = millis.subtractingReportingOverflow(window)
        return Int(try await session.value("SELECT failures FROM desk_failures WHERE username = $1 AND last_ms >= $2",
                                     [user, overflow ? Int64.min : since], as: Int64.self) ?? 0)
    }

    func deskSession(tokenHash: String, at millis: Int64) async throws -> DeskSession? {
        guard let row = try await session.row("""
            SELECT s.username, s.csrf, s.expires_ms, c.role FROM desk_sessions s
            JOIN credentials c ON c.kind = 'user' AND c.subject = s.username AND c.revoked_at IS NULL
            WHERE s.token_hash = $1 AND s.expires_ms > $2
            """, [tokenHash, millis]),
            let role = Principal.Role(rawValue: try row.optionalText("role") ?? "")
        else { return nil }
        return DeskSession(tokenHash: tokenHash, user: try row.text("username"), role: role, csrf: try row.text("csrf"),
                           expiresAt: try row.int("expires_ms"))
    }

    func nodeContacts() async throws -> [NodeContact] {
        try await session.rows("SELECT * FROM node_contacts ORDER BY node").map(PostgresJournal.contact)
    }

    func nodeContact(_ node: String) async throws -> NodeContact? {
        try await session.row("SELECT * FROM node_contacts WHERE node = $1", [node]).map(PostgresJournal.contact)
    }

    func quarantinedByOrigin() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await session.rows("SELECT origin, COUNT(*) AS n FROM journal WHERE state = 'quarantined' GROUP BY origin") {
            counts[try row.text("origin")] = Int(try row.int("n"))
        }
        return counts
    }

    static func contact(_ row: PostgresRecord) throws -> NodeContact {
        NodeContact(node: try row.text("node"), position: try row.int("position"), at: try row.int("at_ms"), version: try row.optionalText("version"),
                    skew: try row.optionalInt("skew_ms"))
    }

    func feedPosition(of id: EntryID) async throws -> Int64? {
        try await session.value("SELECT position FROM journal WHERE origin = $1 AND epoch = $2 AND seq = $3",
                          [id.origin.rawValue, Int64(id.epoch), Int64(id.seq)], as: Int64.self)
    }

    private func liveRole(_ user: String) async throws -> Principal.Role? {
        try await session.value("SELECT role FROM credentials WHERE kind = 'user' AND subject = $1 AND revoked_at IS NULL", [user], as: String.self)
            .flatMap(Principal.Role.init(rawValue:))
    }
}
