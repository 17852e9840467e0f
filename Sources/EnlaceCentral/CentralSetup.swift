import EnlaceModel
import EnlaceStore
import Foundation

/// `enlace central init` and opening a central store: the one place that decides which store
/// implementation serves the central server.
public enum CentralSetup {
    /// Creates a central store in `dataDirectory` and the central key in `keys` (default: the
    /// data folder).
    public static func initialize(dataDirectory: String, keys: KeyFolder? = nil) throws -> CentralServer {
        let keys = keys ?? KeyFolder(path: dataDirectory, isDataFolder: true)
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let path = JournalStore.file(in: dataDirectory)
        if FileManager.default.fileExists(atPath: path) { throw StoreError.alreadyInitialized(dataDirectory) }
        // The key first: an existing key file stops the init before anything is written.
        if !keys.isDataFolder { try keys.create() }
        let key = try ReplicaKey.create(at: keys.keyFile("central"))
        let store = try JournalStore(path: path, create: true, keys: [key])
        try store.initialize(ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: SystemClock.now))
        try store.setStoreID(String(Credentials.makeToken().dropFirst(4).prefix(32)))
        chmod(path, 0o600)
        try store.setAnchorKey(key.signingPublicKey)
        return CentralServer(storage: store, key: key)
    }

    /// Opens the central store in `dataDirectory`; `checked` (the daemon's start) runs SQLite's
    /// quick check first, so a damaged file stops the start and is left as it is.
    public static func open(dataDirectory: String, keys: KeyFolder? = nil, checked: Bool = false) throws -> CentralServer {
        let keys = keys ?? KeyFolder.resolve(explicit: nil, dataDirectory: dataDirectory, keyName: "central")
        let key = try ReplicaKey.load(from: keys.keyFile("central"))
        let store = try JournalStore(path: JournalStore.file(in: dataDirectory), checked: checked, keys: [key])
        guard try store.identity().nodeID == .central else {
            throw StoreError.notInitialized("\(dataDirectory) (not a central store: run `enlace central init`)")
        }
        _ = try store.storeID()
        let identity = try store.identity()
        let server = CentralServer(storage: store, key: key, replica: identity.replica)
        if checked { try server.indexScopesIfMissing() }
        return server
    }
}
