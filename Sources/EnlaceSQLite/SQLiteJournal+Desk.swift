import EnlaceModel
import EnlaceReplica
import GRDB

extension SQLiteJournal: DeskTransaction, DeskReading {
    func setPassword(user: String, hash: String, at time: String) throws -> Bool {
        guard try liveRole(user) != nil else { return false }
        try db.execute(sql: """
            INSERT INTO desk_passwords (username, hash, set_at) VALUES (?, ?, ?)
            ON CONFLICT (username) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at
            """, arguments: [user, hash, time])
        // A new password ends the sessions the old one opened.
        try db.execute(sql: "DELETE FROM desk_sessions WHERE username = ?", arguments: [user])
        return true
    }

    func recordSignInFailure(user: String, at millis: Int64, window: Int64, keep: Int) throws -> Int {
        let (since, overflow) = millis.subtractingReportingOverflow(window)
        try db.execute(sql: """
            INSERT INTO desk_failures (username, failures, last_ms) VALUES (?, 1, ?)
            ON CONFLICT (username) DO UPDATE
            SET failures = CASE WHEN desk_failures.last_ms < ? THEN 1 ELSE desk_failures.failures + 1 END, last_ms = excluded.last_ms
            """, arguments: [user, millis, overflow ? Int64.min : since])
        // Bounded: failures past their window are forgotten, and at most `maxSignInFailureRows`
        // names are remembered (the oldest go first), however many names are invented.
        try db.cachedStatement(sql: "DELETE FROM desk_failures WHERE last_ms < ?").execute(arguments: [overflow ? Int64.min : since])
        let rows = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM desk_failures")) ?? 0
        if rows > keep {
            try db.execute(sql: "DELETE FROM desk_failures WHERE username IN (SELECT username FROM desk_failures WHERE username != ? ORDER BY last_ms LIMIT ?)",
                           arguments: [user, rows - keep])
        }
        return try Int.fetchOne(db, sql: "SELECT failures FROM desk_failures WHERE username = ?", arguments: [user]) ?? 0
    }

    func clearSignInFailures(user: String) throws {
        try db.execute(sql: "DELETE FROM desk_failures WHERE username = ?", arguments: [user])
    }

    func createSession(_ session: DeskSession) throws {
        try db.execute(sql: "INSERT INTO desk_sessions (token_hash, username, csrf, expires_ms) VALUES (?, ?, ?, ?)",
                       arguments: [session.tokenHash, session.user, session.csrf, session.expiresAt])
    }

    func deleteSession(tokenHash: String) throws {
        try db.execute(sql: "DELETE FROM desk_sessions WHERE token_hash = ?", arguments: [tokenHash])
    }

    func deleteExpiredSessions(at millis: Int64) throws -> Int {
        try db.execute(sql: "DELETE FROM desk_sessions WHERE expires_ms <= ?", arguments: [millis])
        return db.changesCount
    }

    func recordNodeContact(_ node: String, position: Int64, at millis: Int64, version: String?, skew: Int64?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO node_contacts (node, position, at_ms, version, skew_ms) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (node) DO UPDATE
            SET position = MAX(node_contacts.position, excluded.position), at_ms = excluded.at_ms,
                version = COALESCE(excluded.version, node_contacts.version), skew_ms = COALESCE(excluded.skew_ms, node_contacts.skew_ms)
            """).execute(arguments: [node, position, millis, version, skew])
    }

    func recordClockOff(_ node: String, skew: Int64, at millis: Int64) throws {
        try db.execute(sql: """
            INSERT INTO clock_reports (node, skew_ms, at_ms) VALUES (?, ?, ?)
            ON CONFLICT (node) DO UPDATE SET skew_ms = excluded.skew_ms, at_ms = excluded.at_ms
            """, arguments: [node, skew, millis])
    }

    func clocksOff(since millis: Int64) throws -> [String: (skew: Int64, at: Int64)] {
        var reports: [String: (skew: Int64, at: Int64)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM clock_reports WHERE at_ms >= ?", arguments: [millis]) {
            reports[row["node"]] = (row["skew_ms"], row["at_ms"])
        }
        return reports
    }

    func deskLogin(user: String, at millis: Int64, window: Int64) throws -> DeskLogin? {
        guard let role = try liveRole(user) else { return nil }
        let hash = try String.fetchOne(db, sql: "SELECT hash FROM desk_passwords WHERE username = ?", arguments: [user])
        let (since, overflow) = millis.subtractingReportingOverflow(window)
        let failures = try Int.fetchOne(
            db, sql: "SELECT failures FROM desk_failures WHERE username = ? AND last_ms >= ?", arguments: [user, overflow ? Int64.min : since]) ?? 0
        return DeskLogin(user: user, role: role, passwordHash: hash, recentFailures: failures)
    }

    func recentSignInFailures(user: String, at millis: Int64, window: Int64) throws -> Int {
        let (since, overflow) = millis.subtractingReportingOverflow(window)
        return try Int.fetchOne(db.cachedStatement(sql: "SELECT failures FROM desk_failures WHERE username = ? AND last_ms >= ?"),
                                arguments: [user, overflow ? Int64.min : since]) ?? 0
    }

    func deskSession(tokenHash: String, at millis: Int64) throws -> DeskSession? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT s.username, s.csrf, s.expires_ms, c.role FROM desk_sessions s
            JOIN credentials c ON c.kind = 'user' AND c.subject = s.username AND c.revoked_at IS NULL
            WHERE s.token_hash = ? AND s.expires_ms > ?
            """), arguments: [tokenHash, millis]),
            let role = Principal.Role(rawValue: row["role"] ?? "")
        else { return nil }
        return DeskSession(tokenHash: tokenHash, user: row["username"], role: role, csrf: row["csrf"], expiresAt: row["expires_ms"])
    }

    func nodeContacts() throws -> [NodeContact] {
        try Row.fetchAll(db, sql: "SELECT * FROM node_contacts ORDER BY node").map(SQLiteJournal.contact)
    }

    func nodeContact(_ node: String) throws -> NodeContact? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM node_contacts WHERE node = ?"), arguments: [node]).map(SQLiteJournal.contact)
    }

    func quarantinedByOrigin() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, COUNT(*) AS n FROM journal WHERE state = 'quarantined' GROUP BY origin") {
            counts[row["origin"]] = row["n"]
        }
        return counts
    }

    static func contact(_ row: Row) -> NodeContact {
        NodeContact(node: row["node"], position: row["position"], at: row["at_ms"], version: row["version"], skew: row["skew_ms"])
    }

    func feedPosition(of id: EntryID) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT position FROM journal WHERE origin = ? AND epoch = ? AND seq = ?"),
                           arguments: [id.origin.rawValue, Int64(id.epoch), Int64(id.seq)])
    }

    /// A live office user's role.
    private func liveRole(_ user: String) throws -> Principal.Role? {
        try String.fetchOne(
            db, sql: "SELECT role FROM credentials WHERE kind = 'user' AND subject = ? AND revoked_at IS NULL", arguments: [user]
        ).flatMap(Principal.Role.init(rawValue:))
    }
}
