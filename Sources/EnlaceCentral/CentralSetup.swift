import EnlaceConfig
import EnlaceModel
import EnlaceStore
import Foundation

/// `enlace central init` and opening a central store: the one place that decides which store
/// implementation serves the central server — SQLite in the data folder (the default), or the
/// PostgreSQL database a `database_url` names.
public enum CentralSetup {
    /// The file in a data folder recording the database of a PostgreSQL central store (written
    /// by `central init --database-url`, so that later commands on the folder find it).
    public static func databaseFile(in dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("central.conf")
    }

    /// The database URL in force: `explicit` (a flag, `ENLACE_DATABASE_URL` or a configuration
    /// file, resolved by the caller), else the one the data folder records; nil: SQLite.
    public static func databaseURL(explicit: String?, dataDirectory: String) throws -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let environment = ProcessInfo.processInfo.environment["ENLACE_DATABASE_URL"], !environment.isEmpty { return environment }
        let file = databaseFile(in: dataDirectory)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        do {
            return try ConfigFile(path: file, keys: ["database_url"]).entries["database_url"]?.value
        } catch {
            throw StoreError.unavailable("\(error)")
        }
    }

    /// Creates a central store — in `dataDirectory`, or in the PostgreSQL database `databaseURL`
    /// names (recorded in the data folder) — and the central key in `keys` (default: the data folder).
    public static func initialize(dataDirectory: String, keys: KeyFolder? = nil, databaseURL: String? = nil) async throws -> CentralServer {
        let keys = keys ?? KeyFolder(path: dataDirectory, isDataFolder: true)
        let databaseURL = try self.databaseURL(explicit: databaseURL, dataDirectory: dataDirectory)
        let location = try databaseURL.map(PostgresLocation.init(url:))
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let path = JournalStore.file(in: dataDirectory)
        if FileManager.default.fileExists(atPath: path) { throw StoreError.alreadyInitialized(dataDirectory) }
        if location != nil, FileManager.default.fileExists(atPath: databaseFile(in: dataDirectory)) {
            throw StoreError.alreadyInitialized(dataDirectory)
        }
        // The key first: an existing key file stops the init before anything is written.
        if !keys.isDataFolder { try keys.create() }
        let key = try ReplicaKey.create(at: keys.keyFile("central"))
        let storeID = String(Credentials.makeToken().dropFirst(4).prefix(32))
        let identity = ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: SystemClock.now)
        let storage: any CentralStore
        if let location, let databaseURL {
            let store = try await PostgresStore(location: location, create: true, keys: [key])
            try await store.initialize(identity)
            try await store.setStoreID(storeID)
            try await store.setAnchorKey(key.signingPublicKey)
            // Written last, owner-only (it may hold the database password).
            let text = "# The central store of this folder is in PostgreSQL (written by `enlace central init`).\ndatabase_url = \(databaseURL)\n"
            guard FileManager.default.createFile(atPath: databaseFile(in: dataDirectory), contents: Data(text.utf8),
                                                 attributes: [.posixPermissions: 0o600])
            else { throw StoreError.unavailable("cannot write \(databaseFile(in: dataDirectory))") }
            storage = store
        } else {
            let store = try JournalStore(path: path, create: true, keys: [key])
            try await store.initialize(identity)
            try await store.setStoreID(storeID)
            chmod(path, 0o600)
            try await store.setAnchorKey(key.signingPublicKey)
            storage = store
        }
        return CentralServer(storage: storage, key: key)
    }

    /// The store of `dataDirectory` — the PostgreSQL database `databaseURL` (or the folder's
    /// record) names, else the SQLite file in the folder — opened with `keys`, whatever replica
    /// it holds; `checked` runs SQLite's quick check first.
    public static func store(dataDirectory: String, keys: [ReplicaKey], databaseURL: String? = nil, checked: Bool = false) async throws
        -> any CentralStore
    {
        if let url = try self.databaseURL(explicit: databaseURL, dataDirectory: dataDirectory) {
            return try await PostgresStore(location: try PostgresLocation(url: url), keys: keys)
        }
        return try JournalStore(path: JournalStore.file(in: dataDirectory), checked: checked, keys: keys)
    }

    /// Opens the central store of `dataDirectory` (or the database `databaseURL` names);
    /// `checked` (the daemon's start) runs SQLite's quick check first, so a damaged file stops
    /// the start and is left as it is.
    public static func open(dataDirectory: String, keys: KeyFolder? = nil, checked: Bool = false, databaseURL: String? = nil) async throws -> CentralServer {
        let keys = keys ?? KeyFolder.resolve(explicit: nil, dataDirectory: dataDirectory, keyName: "central")
        let key = try ReplicaKey.load(from: keys.keyFile("central"))
        let storage = try await store(dataDirectory: dataDirectory, keys: [key], databaseURL: databaseURL, checked: checked)
        let identity = try await storage.identity()
        guard identity.nodeID == .central else {
            throw StoreError.notInitialized("\(dataDirectory) (not a central store: run `enlace central init`)")
        }
        _ = try await storage.storeID()
        let server = CentralServer(storage: storage, key: key, replica: identity.replica)
        if checked { try await server.indexScopesIfMissing() }
        return server
    }
}
