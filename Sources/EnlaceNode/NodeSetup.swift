import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import EnlaceSync
import Foundation

/// `enlace node init`: a node's state folder, made once and never contacting the central server.
public enum NodeSetup {
    /// Creates the node's keys (first: an existing key file stops the init before anything is
    /// written) in `keys` (default: the data folder) and its store with its identity, in
    /// `dataDirectory`. The enrollment token gives the anchor (the central server's key) and the
    /// secret that signs the node's first contact; with a key folder outside the data folder the
    /// token is kept there too, not in the store.
    public static func initialize(dataDirectory: String, keys: KeyFolder? = nil, identity: ReplicaIdentity) async throws {
        let keys = keys ?? KeyFolder(path: dataDirectory, isDataFolder: true)
        let token: EnrollmentToken
        do { token = try EnrollmentToken.parse(identity.token) } catch { throw Refusal.malformed(error.description, field: "token") }
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let path = JournalStore.file(in: dataDirectory)
        if FileManager.default.fileExists(atPath: path) { throw StoreError.alreadyInitialized(dataDirectory) }
        // The node's own keys: bound at its first contact, they sign every request and batch.
        if !keys.isDataFolder {
            try keys.create()
            guard !FileManager.default.fileExists(atPath: keys.tokenFile) else { throw StoreError.alreadyInitialized(keys.path) }
        }
        let key = try ReplicaKey.create(at: keys.keyFile("node"))
        if !keys.isDataFolder { try keys.writeToken(identity.token) }
        let store = try JournalStore(path: path, create: true, keys: [key])
        // The node writes in the epoch its enrollment opened.
        try await store.initialize(ReplicaIdentity(
            nodeID: identity.nodeID, epoch: token.epoch, department: identity.department, centralURL: identity.centralURL,
            token: keys.isDataFolder ? identity.token : "", createdAt: identity.createdAt))
        chmod(path, 0o600)
        try await store.setAnchorKey(token.centralKey)
        try await store.setCentralAgreementKey(token.centralAgreementKey)
        try await store.storeEnrollment(seed: token.secret)
    }

    /// Opens an initialised node's store with its keys (`keys` default: resolved as `KeyFolder`
    /// says), as the daemon does and as the commands that administer the node do while it runs.
    public static func open(dataDirectory: String, keys: KeyFolder? = nil, centralURL: String? = nil) async throws -> (FieldNode, NodeKeys) {
        let keys = keys ?? KeyFolder.resolve(explicit: nil, dataDirectory: dataDirectory, keyName: "node")
        let path = JournalStore.file(in: dataDirectory)
        let nodeKeys = try NodeKeys(folder: keys.path)
        let store = try JournalStore(path: path, checked: true, keys: [nodeKeys.current] + (nodeKeys.next.map { [$0] } ?? []))
        let node = try await FieldNode(store: store, centralURL: centralURL,
                                       token: try store.identity().token.isEmpty ? try keys.readToken() : nil)
        return (node, nodeKeys)
    }
}
