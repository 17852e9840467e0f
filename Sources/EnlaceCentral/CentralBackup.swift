import EnlaceModel
import EnlaceStore
import Foundation

/// `enlace central backup` and `enlace central restore`: a consistent copy of the central
/// store taken while the server runs, and a restore that never reuses an identity and keeps
/// credential changes made since the copy in force.
public enum CentralBackup {
    /// What a restore did.
    public struct RestoreReport: Sendable {
        /// The epoch the restored central server writes in from now on.
        public var epoch: UInt32
        /// The new store id (every node resets its checkpoints and sends again what it lacks).
        public var storeID: String
        /// Credential rows (tokens, revocations, key bindings) carried over from the replaced store.
        public var carriedCredentials: Int
        /// Where the replaced store was kept, if there was one.
        public var keptAt: String?
        /// What the restore could not carry over, for the operator to re-apply.
        public var warnings: [String]
        /// Erasures ordered after the copy was made, applied again from the register.
        public var reerased: Int = 0
    }

    /// The file recording the highest epoch a data folder's central server ever used: it
    /// survives restores, so that restoring the same copy twice still opens a new epoch.
    static func epochFile(in dataDirectory: String) -> String { (dataDirectory as NSString).appendingPathComponent("epoch") }

    /// Copies the central store in `dataDirectory` to `file` (the server may be running).
    public static func backup(dataDirectory: String, keys: KeyFolder? = nil, databaseURL: String? = nil, to file: String) async throws -> (entries: Int, bytes: Int) {
        if let url = try CentralSetup.databaseURL(explicit: databaseURL, dataDirectory: dataDirectory) {
            throw StoreError.unavailable("the central store is in PostgreSQL (\(try PostgresLocation(url: url))): back it up with PostgreSQL's "
                + "tools (pg_dump, or a base backup with WAL archiving; see the README), and keep the key folder safe too")
        }
        let server = try await CentralSetup.open(dataDirectory: dataDirectory, keys: keys)
        try await server.storage.backup(to: file)
        let entries = try await JournalStore(path: file).read { try await $0.entryCount() }
        let bytes = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        return (entries, bytes)
    }

    /// Puts the copy `file` back as the central store of `dataDirectory` (the server stopped).
    /// A PostgreSQL store is restored by PostgreSQL's own tools; then this, without `file`,
    /// readies the restored database the same way (a new epoch and store id, erasures again).
    public static func restore(dataDirectory: String, keys: KeyFolder? = nil, databaseURL: String? = nil, from file: String?,
                               actor: String) async throws -> RestoreReport {
        let keys = keys ?? KeyFolder.resolve(explicit: nil, dataDirectory: dataDirectory, keyName: "central")
        guard let lock = try DataDirectoryLock(dataDirectory: dataDirectory) else {
            throw StoreError.unavailable("the central server is running on \(dataDirectory): stop it before restoring")
        }
        defer { withExtendedLifetime(lock) {} }
        let key = try ReplicaKey.load(from: keys.keyFile("central"))
        if let url = try CentralSetup.databaseURL(explicit: databaseURL, dataDirectory: dataDirectory) {
            guard file == nil else {
                throw StoreError.unavailable("the central store is in PostgreSQL: restore the database with PostgreSQL's tools (pg_restore, "
                    + "or a base backup and its WAL), then run `enlace central restore` without --from")
            }
            return try await reopen(CentralSetup.store(dataDirectory: dataDirectory, keys: [key], databaseURL: url), key: key,
                              dataDirectory: dataDirectory, actor: actor)
        }
        guard let file else { throw StoreError.unavailable("--from: name the copy `enlace central backup` wrote") }
        let path = JournalStore.file(in: dataDirectory)
        let staging = path + ".restoring"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: staging + suffix) }
        try FileManager.default.copyItem(atPath: file, toPath: staging)
        let (epoch, storeID, carried, warnings, reerased) = try await prepare(staging: staging, replacing: path, copy: file, key: key,
                                                                         dataDirectory: dataDirectory, actor: actor)
        // Both stores are closed (their logs folded in) before the files move. The replaced
        // store is kept beside, never deleted.
        var keptAt: String?
        if FileManager.default.fileExists(atPath: path) {
            let kept = path + ".replaced-" + RFC3339.format(millis: SystemClock.millis()).replacingOccurrences(of: ":", with: "")
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: kept + suffix)
            }
            keptAt = kept
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: staging + suffix) {
            try FileManager.default.moveItem(atPath: staging + suffix, toPath: path + suffix)
        }
        chmod(path, 0o600)
        return RestoreReport(epoch: epoch, storeID: storeID, carriedCredentials: carried, keptAt: keptAt, warnings: warnings,
                             reerased: reerased)
    }

    /// Readies a PostgreSQL database restored by PostgreSQL's tools, with every central process
    /// stopped: the next epoch, a new store id, the erasures ordered since the copy again.
    /// Credential changes since the copy cannot be read from a replaced store here: they are
    /// reported to re-apply.
    static func reopen(_ store: any CentralStore, key: ReplicaKey, dataDirectory: String, actor: String) async throws -> RestoreReport {
        guard try await store.identity().nodeID == .central, try await store.read({ try await $0.anchorKey() }) == key.signingPublicKey else {
            throw StoreError.corrupt("\(store.place) does not hold this central server's store (another identity or key)")
        }
        let (epoch, storeID) = try await openNextEpoch(store, highest: try store.highestOwnEpoch(), dataDirectory: dataDirectory)
        try await store.beginRestoredEpoch(epoch, storeID: storeID)
        try await audit(store, copy: store.place, epoch: epoch, storeID: storeID, carried: 0, actor: actor)
        let reerased = try await CentralServer(storage: store, key: key, replica: ReplicaID(.central, epoch: epoch))
            .reapply(try ErasureRegister.read(in: dataDirectory))
        return RestoreReport(epoch: epoch, storeID: storeID, carriedCredentials: 0, keptAt: nil, warnings: [
            "tokens added, revoked or rotated after the point restored to must be re-applied (the audit log of the restored database shows where it ends)",
        ], reerased: reerased)
    }

    /// The epoch after every one this central server used (the store's, and the data folder's
    /// record, which survives restores), recorded before anything uses it, and a new store id.
    private static func openNextEpoch(_ store: any CentralStore, highest stored: UInt32, dataDirectory: String) throws -> (UInt32, String) {
        var highest = stored
        if let text = try? String(contentsOfFile: epochFile(in: dataDirectory), encoding: .utf8),
           let used = UInt32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            highest = max(highest, used)
        }
        guard highest < ReplicaID.maxEpoch else { throw StoreError.corrupt("the central server has used every epoch") }
        let epoch = highest + 1
        try Data("\(epoch)\n".utf8).write(to: URL(fileURLWithPath: epochFile(in: dataDirectory)), options: .atomic)
        return (epoch, String(Credentials.makeToken().dropFirst(4).prefix(32)))
    }

    private static func audit(_ store: any CentralStore, copy: String, epoch: UInt32, storeID: String, carried: Int, actor: String) async throws {
        let at = SystemClock.millis()
        try await store.transaction { transaction in
            try await AuditLog.append("central.restore", actor: actor, subject: "central", detail: [
                "from": .string(copy), "epoch": .int(Int64(epoch)), "store_id": .string(storeID), "carried_credentials": .int(Int64(carried)),
            ], at: at, in: transaction)
        }
    }

    /// Readies the staged copy: checks it is this central server's, opens the next epoch with a
    /// new store id, carries credentials over, audits. Every store it opens is closed on return.
    private static func prepare(staging: String, replacing path: String, copy file: String, key: ReplicaKey, dataDirectory: String,
                                actor: String) async throws -> (UInt32, String, Int, [String], Int) {
        let restored = try JournalStore(path: staging, checked: true, keys: [key])
        guard try await restored.identity().nodeID == .central, try await restored.read({ try await $0.anchorKey() }) == key.signingPublicKey else {
            throw StoreError.corrupt("\(file) is not a copy of this central server's store (another identity or key)")
        }

        // The replaced store, when it can still be read, says which epochs were used and which
        // credentials changed since the copy.
        var warnings: [String] = []
        var highest = try await restored.highestOwnEpoch()
        var carried = 0
        let replaced = FileManager.default.fileExists(atPath: path) ? (try? JournalStore(path: path, checked: true, keys: [key])) : nil
        if let replaced {
            highest = await max(highest, (try? replaced.highestOwnEpoch()) ?? 0)
            carried = try await restored.carryCredentials(from: replaced)
        } else {
            warnings.append("the replaced store could not be read: tokens added, revoked or rotated since the copy must be re-applied "
                + "(see the audit log of the copy for where it ends)")
        }
        let (epoch, storeID) = try openNextEpoch(restored, highest: highest, dataDirectory: dataDirectory)
        try await restored.beginRestoredEpoch(epoch, storeID: storeID)
        try await audit(restored, copy: (file as NSString).lastPathComponent, epoch: epoch, storeID: storeID, carried: carried, actor: actor)

        // Erasures ordered since the copy are applied again before the store serves anything:
        // the copy must not bring back what the office erased (the register is outside the store).
        let reerased = try await CentralServer(storage: restored, key: key, replica: ReplicaID(.central, epoch: epoch))
            .reapply(try ErasureRegister.read(in: dataDirectory))
        return (epoch, storeID, carried, warnings, reerased)
    }
}
