import EnlaceModel
import EnlaceStore
import Foundation

/// `enlace node init`: a node's state folder, made once and never contacting the central server.
public enum NodeSetup {
    /// Creates the node's key (first: an existing key file stops the init before anything is
    /// written) and its store with its identity, in `dataDirectory`.
    public static func initialize(dataDirectory: String, identity: ReplicaIdentity) throws {
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let path = JournalStore.file(in: dataDirectory)
        if FileManager.default.fileExists(atPath: path) { throw StoreError.alreadyInitialized(dataDirectory) }
        // The node's Ed25519 key: it signs the head of every batch it pushes.
        let key = try ReplicaKey.create(at: ReplicaKey.file(in: dataDirectory, name: "node"))
        let store = try JournalStore(path: path, create: true)
        try store.initialize(identity)
        chmod(path, 0o600)
        try store.pinKeys([identity.nodeID.rawValue: key.publicKey], at: identity.createdAt)
    }
}
