import Foundation

/// Where a replica's secrets live: its private keys (`node.key`, `node.key.next`,
/// `central.key`) and a node's bearer token (`node.token`). Kept outside the data folder, a
/// copy of the data folder does not let its holder act as the node or the central server.
///
/// Resolution: a folder named by `--credentials` or the `credentials` setting; else systemd's
/// `$CREDENTIALS_DIRECTORY` (`LoadCredential=`/`LoadCredentialEncrypted=`) when it holds the
/// key; else the data folder itself (the embedded default).
public struct KeyFolder: Sendable, Equatable {
    public let path: String
    /// Whether this is the data folder (the token then stays in the store, as before).
    public let isDataFolder: Bool

    public init(path: String, isDataFolder: Bool) {
        self.path = path
        self.isDataFolder = isDataFolder
    }

    /// The key folder for `dataDirectory`, given an explicit choice and the environment;
    /// `keyName` (`node`, `central`) is what a systemd credentials directory must hold to be used.
    public static func resolve(explicit: String?, dataDirectory: String, keyName: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> KeyFolder {
        if let explicit, !explicit.isEmpty { return KeyFolder(path: explicit, isDataFolder: explicit == dataDirectory) }
        if let systemd = environment["CREDENTIALS_DIRECTORY"], !systemd.isEmpty,
           FileManager.default.fileExists(atPath: ReplicaKey.file(in: systemd, name: keyName)) {
            return KeyFolder(path: systemd, isDataFolder: false)
        }
        return KeyFolder(path: dataDirectory, isDataFolder: true)
    }

    /// The private keys of the replica whose data folder is `dataDirectory` — a node's
    /// (`node.key`, and `node.key.next` while a rotation waits) or the central server's — which
    /// open its store's vault. None when no key file is found.
    public static func replicaKeys(explicit: String?, dataDirectory: String) throws -> [ReplicaKey] {
        let node = resolve(explicit: explicit, dataDirectory: dataDirectory, keyName: "node")
        if FileManager.default.fileExists(atPath: node.keyFile("node")) {
            let next = node.keyFile("node") + ".next"
            return [try ReplicaKey.load(from: node.keyFile("node"))]
                + (FileManager.default.fileExists(atPath: next) ? [try ReplicaKey.load(from: next)] : [])
        }
        let central = resolve(explicit: explicit, dataDirectory: dataDirectory, keyName: "central")
        if FileManager.default.fileExists(atPath: central.keyFile("central")) {
            return [try ReplicaKey.load(from: central.keyFile("central"))]
        }
        return []
    }

    /// The key file `name.key` in this folder.
    public func keyFile(_ name: String) -> String { ReplicaKey.file(in: path, name: name) }

    /// The node's bearer token file.
    public var tokenFile: String { (path as NSString).appendingPathComponent("node.token") }

    /// Creates the folder (owner only) if it does not exist.
    public func create() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Writes the node's token, readable by its owner only; never overwrites one.
    public func writeToken(_ token: String) throws {
        let descriptor = open(tokenFile, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw KeyError("cannot create \(tokenFile): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(token.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw KeyError("cannot write \(tokenFile): \(String(cString: strerror(errno)))")
        }
    }

    /// Reads the node's token.
    public func readToken() throws -> String {
        guard let data = FileManager.default.contents(atPath: tokenFile),
              let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty
        else { throw KeyError("no node token in \(tokenFile): the node's credentials are kept there (see `enlace node init --credentials`)") }
        return token
    }
}
