import EnlaceReplica
import Foundation
import GRDB

/// The nonces of signed requests a central server claimed, in a SQLite file of their own beside
/// its store (`<store>-nonces`), kept within the signature window and across restarts: a
/// captured request is accepted once, even by the next process.
///
/// Claimed on the store's writer, a request waited for every write transaction before it:
/// a push's next batch, sent while the one before was stored, was neither verified nor opened
/// until that batch committed. Here claims wait only for each other (one small transaction:
/// about a fsync). Opened at the first claim, once per process (the data folder's lock keeps one
/// central process per store).
final class NonceLedger: Sendable {
    /// The ledger's file.
    let path: String
    let pool: DatabasePool
    private let writer: SQLiteConnection

    /// Opens the ledger beside the store at `storePath`, making it (readable by its owner only)
    /// the first time, with the nonces `store` still holds from before the ledger existed
    /// (claimed by an earlier release within the window).
    init(besideStore storePath: String, carryingFrom store: DatabasePool) throws {
        path = storePath + "-nonces"
        // Its owner's alone before SQLite opens it: its write-ahead log and index take its mode.
        let made = !FileManager.default.fileExists(atPath: path)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.unavailable("the central server cannot open its nonce ledger \(path): \(String(cString: strerror(errno)))")
        }
        fchmod(descriptor, 0o600)
        Glibc.close(descriptor)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.allowsUnsafeTransactions = true
        pool = try DatabasePool(path: path, configuration: configuration)
        // After the pool's own set-up, which leaves a WAL writer at NORMAL: a claim is durable
        // when it returns, power cut included.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS request_nonces (nonce TEXT PRIMARY KEY, at_ms INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS request_nonces_by_time ON request_nonces (at_ms);
                """)
        }
        if made {
            let earlier = try store.read { db in try Row.fetchAll(db, sql: "SELECT nonce, at_ms FROM request_nonces") }
            try pool.write { db in
                for row in earlier {
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO request_nonces (nonce, at_ms) VALUES (?, ?)")
                        .execute(arguments: [row["nonce"] as String, row["at_ms"] as Int64])
                }
            }
        }
        writer = SQLiteConnection(pool)
    }

    /// `PRAGMA synchronous` on the ledger's writer (2: FULL).
    func synchronousMode() async throws -> Int {
        try await writer.transaction(.deferred) { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Claims `nonce` at `millis`: false when it was claimed before. Now and then forgets the
    /// nonces older than `window`, which no signature check accepts any more.
    func claim(_ nonce: String, at millis: Int64, window: Int64) async throws -> Bool {
        try await writer.transaction(.immediate) { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO request_nonces (nonce, at_ms) VALUES (?, ?)").execute(arguments: [nonce, millis])
            let claimed = db.changesCount == 1
            if claimed, millis % 64 == 0 {
                let (cutoff, overflow) = millis.subtractingReportingOverflow(window)
                if !overflow { try db.cachedStatement(sql: "DELETE FROM request_nonces WHERE at_ms < ?").execute(arguments: [cutoff]) }
            }
            return claimed
        }
    }

    func close() {
        try? pool.close()
    }
}
