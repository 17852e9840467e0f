import EnlaceModel
import EnlaceReplica
import GRDB

extension JournalStore: ServantStore {
    public func servants() async throws -> [Servant] {
        try await reading { db in try Row.fetchAll(db, sql: "SELECT * FROM servants ORDER BY servant_id").map(JournalStore.servant) }
    }

    public func servant(id: String) async throws -> Servant? {
        try await reading { db in try Row.fetchOne(db, sql: "SELECT * FROM servants WHERE servant_id = ?", arguments: [id]).map(JournalStore.servant) }
    }

    public func addServant(_ servant: Servant) async throws -> Bool {
        try await writing { db in
            try db.execute(sql: """
                INSERT INTO servants (servant_id, name, role, certification_folio, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (servant_id) DO NOTHING
                """, arguments: [servant.id, servant.name, servant.role.rawValue, servant.certificationFolio, servant.passwordHash, servant.createdAt])
            return db.changesCount == 1
        }
    }

    public func setServantPassword(id: String, hash: String) async throws -> Bool {
        try await writing { db in
            try db.execute(sql: "UPDATE servants SET hash = ? WHERE servant_id = ? AND revoked_at IS NULL", arguments: [hash, id])
            guard db.changesCount == 1 else { return false }
            // A new password ends the sessions the old one opened.
            try db.execute(sql: "DELETE FROM servant_sessions WHERE servant_id = ?", arguments: [id])
            return true
        }
    }

    public func revokeServant(id: String, at time: String) async throws -> Bool {
        try await writing { db in
            try db.execute(sql: "UPDATE servants SET revoked_at = ?, hash = NULL WHERE servant_id = ? AND revoked_at IS NULL", arguments: [time, id])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "DELETE FROM servant_sessions WHERE servant_id = ?", arguments: [id])
            return true
        }
    }

    public func servantSignIn(id: String, at millis: Int64, window: Int64) async throws -> (hash: String?, failures: Int) {
        let (since, overflow) = millis.subtractingReportingOverflow(window)
        return try await reading { db in
            let hash = try String.fetchOne(db, sql: "SELECT hash FROM servants WHERE servant_id = ? AND revoked_at IS NULL", arguments: [id])
            let failures = try Int.fetchOne(db, sql: "SELECT failures FROM servant_failures WHERE servant_id = ? AND last_ms >= ?",
                                            arguments: [id, overflow ? Int64.min : since]) ?? 0
            return (hash, failures)
        }
    }

    public func recordServantFailure(id: String, at millis: Int64, window: Int64, keep: Int) async throws -> Int {
        let (since, overflow) = millis.subtractingReportingOverflow(window)
        let floor = overflow ? Int64.min : since
        return try await writing { db in
            try db.execute(sql: """
                INSERT INTO servant_failures (servant_id, failures, last_ms) VALUES (?, 1, ?)
                ON CONFLICT (servant_id) DO UPDATE
                SET failures = CASE WHEN servant_failures.last_ms < ? THEN 1 ELSE servant_failures.failures + 1 END, last_ms = excluded.last_ms
                """, arguments: [id, millis, floor])
            // Bounded however many names are invented: past their window forgotten, the oldest first.
            try db.execute(sql: "DELETE FROM servant_failures WHERE last_ms < ?", arguments: [floor])
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM servant_failures") ?? 0
            if rows > keep {
                try db.execute(sql: """
                    DELETE FROM servant_failures WHERE servant_id IN
                    (SELECT servant_id FROM servant_failures WHERE servant_id != ? ORDER BY last_ms LIMIT ?)
                    """, arguments: [id, rows - keep])
            }
            return try Int.fetchOne(db, sql: "SELECT failures FROM servant_failures WHERE servant_id = ?", arguments: [id]) ?? 0
        }
    }

    public func openServantSession(_ session: ServantSession, at millis: Int64) async throws {
        try await writing { db in
            try db.execute(sql: "DELETE FROM servant_failures WHERE servant_id = ?", arguments: [session.servantID])
            try db.execute(sql: "DELETE FROM servant_sessions WHERE expires_ms <= ?", arguments: [millis])
            try db.execute(sql: "INSERT INTO servant_sessions (token_hash, servant_id, csrf, expires_ms) VALUES (?, ?, ?, ?)",
                           arguments: [session.tokenHash, session.servantID, session.csrf, session.expiresAt])
        }
    }

    public func useServantSession(tokenHash: String, at millis: Int64, idle: Int64) async throws -> (ServantSession, Servant)? {
        let (until, overflow) = millis.addingReportingOverflow(idle)
        guard !overflow else { return nil }
        return try await writing { db in
            try db.execute(sql: """
                UPDATE servant_sessions SET expires_ms = ? WHERE token_hash = ? AND expires_ms > ?
                AND servant_id IN (SELECT servant_id FROM servants WHERE revoked_at IS NULL)
                """, arguments: [until, tokenHash, millis])
            guard db.changesCount == 1,
                  let row = try Row.fetchOne(db, sql: """
                    SELECT s.csrf, s.expires_ms, v.* FROM servant_sessions s JOIN servants v USING (servant_id) WHERE s.token_hash = ?
                    """, arguments: [tokenHash])
            else { return nil }
            let session = ServantSession(tokenHash: tokenHash, servantID: row["servant_id"], csrf: row["csrf"], expiresAt: row["expires_ms"])
            return (session, JournalStore.servant(row))
        }
    }

    public func endServantSession(tokenHash: String) async throws {
        try await writing { db in try db.execute(sql: "DELETE FROM servant_sessions WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    private static func servant(_ row: Row) -> Servant {
        Servant(id: row["servant_id"], name: row["name"], role: Servant.Role(rawValue: row["role"]) ?? .consulta,
                certificationFolio: row["certification_folio"], passwordHash: row["hash"], createdAt: row["created_at"],
                revokedAt: row["revoked_at"])
    }
}
