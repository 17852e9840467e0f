#if canImport(Glibc)
import Glibc
#endif
import Crypto
import EnlaceModel
import Foundation

/// A replica's Ed25519 signing key, kept in a file readable only by its owner (mode 0600).
/// The origin signs the head of its hash chain once per batch.
public struct ReplicaKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// The file holding a data folder's key (`node.key` or `central.key`).
    public static func file(in dataDirectory: String, name: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("\(name).key")
    }

    /// Creates a new key and writes it to `path` (mode 0600); never replaces an existing file:
    /// a key is an identity, and overwriting it would strand every entry it signed.
    public static func create(at path: String) throws -> ReplicaKey {
        let key = Curve25519.Signing.PrivateKey()
        let text = Array((EntryChain.hex(Array(key.rawRepresentation)) + "\n").utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw KeyError("\(path) already holds a key; a key file is never overwritten") }
            throw KeyError("cannot write the private key to \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(fd) == 0 else {
            throw KeyError("cannot write the private key to \(path): \(String(cString: strerror(errno)))")
        }
        return ReplicaKey(key: key)
    }

    /// Reads the key at `path`.
    public static func load(from path: String) throws -> ReplicaKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyError("cannot read the private key \(path) (missing or not readable)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = EntryChain.bytes(hex: text), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
            throw KeyError("\(path) does not hold an Ed25519 private key")
        }
        return ReplicaKey(key: key)
    }

    /// The public key, in hex.
    public var publicKey: String { EntryChain.hex(Array(key.publicKey.rawRepresentation)) }

    /// Signs the chain head (`origin`, `seq`, `hash`); the signature in hex.
    public func signHead(origin: NodeID, seq: UInt64, hash: String) throws -> String {
        EntryChain.hex(Array(try key.signature(for: EntryChain.headMessage(origin: origin, seq: seq, hash: hash))))
    }

}

/// A key file problem.
public struct KeyError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
