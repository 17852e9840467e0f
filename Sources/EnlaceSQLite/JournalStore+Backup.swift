import EnlaceModel
import EnlaceReplica
import Foundation
import GRDB

extension JournalStore {
    // MARK: Central side: backup and restore

    /// Writes a consistent copy of the store to `path` while it is in use (SQLite's
    /// `VACUUM INTO`: one read transaction, so the copy is the store as of one commit).
    /// The file is created empty and owner-only first (SQLite's `VACUUM INTO` fills an empty
    /// file), so no byte of the copy is ever readable by anyone else, whatever the umask.
    public func backup(to path: String) async throws {
        try await backup(toFile: path)
    }

    /// The store's file.
    public var place: String { self.path }

    private func backup(toFile path: String) async throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw StoreError.alreadyInitialized(path) }
            throw StoreError.unavailable("cannot create the backup file \(path): \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o600)
        Glibc.close(fd)
        do {
            try await writingWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
        } catch {
            unlink(path)
            throw error
        }
    }

    /// The highest epoch this replica's node has written in or been (the replica's own).
    public func highestOwnEpoch() async throws -> UInt32 {
        try await reading { db in
            let own = try Row.fetchOne(db, sql: "SELECT node_id, epoch FROM replica")
            guard let own else { throw StoreError.notInitialized(path) }
            let journal = try Int64.fetchOne(db, sql: "SELECT MAX(epoch) FROM journal WHERE origin = ?", arguments: [own["node_id"] as String]) ?? 0
            return UInt32(clamping: max(own["epoch"] as Int64, journal))
        }
    }

    /// A restored copy goes on as a new replica: a new epoch (so none of its identities is ever
    /// reused) and a new store id (so every node resets its checkpoints and sends again what
    /// the copy lacks).
    public func beginRestoredEpoch(_ epoch: UInt32, storeID: String) async throws {
        guard epoch >= 1, epoch <= ReplicaID.maxEpoch else { throw StoreError.corrupt("epoch \(epoch) out of range") }
        try await writing { db in
            try db.execute(sql: "UPDATE replica SET epoch = ?, store_id = ?", arguments: [Int64(epoch), storeID])
        }
    }

    /// Keeps in force the credentials of `newer` (the store a restore replaces): every token,
    /// revocation, key binding and rotation it holds replaces this copy's; tokens this copy
    /// holds that `newer` does not are kept. Returns how many rows changed.
    public func carryCredentials(from newer: JournalStore) async throws -> Int {
        let rows = try await newer.reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM credentials ORDER BY created_at, token_hash").map { row in
                row.columnNames.map { ($0, row[$0] as DatabaseValue) }
            }
        }
        return try await writing { db in
            var changed = 0
            for values in rows {
                let columns = values.map(\.0)
                let token = values.first { $0.0 == "token_hash" }?.1 ?? .null
                let existing = try Row.fetchOne(db, sql: "SELECT * FROM credentials WHERE token_hash = ?", arguments: [token])
                if let existing, existing.columnNames.map({ $0 }) == columns, values.allSatisfy({ existing[$0.0] as DatabaseValue == $0.1 }) { continue }
                try db.execute(
                    sql: "INSERT OR REPLACE INTO credentials (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                    arguments: StatementArguments(values.map(\.1)))
                changed += 1
            }
            return changed
        }
    }
}
