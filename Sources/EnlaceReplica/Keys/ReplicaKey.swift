#if canImport(Glibc)
import Glibc
#endif
import Crypto
import EnlaceModel
import Foundation

/// A replica's keys: Ed25519 to sign the heads of its chain and its requests, X25519 to receive
/// what is encrypted for it. Kept in a file readable only by its owner (mode 0600), never
/// overwritten.
public struct ReplicaKey: Sendable {
    let signing: Curve25519.Signing.PrivateKey
    let agreement: Curve25519.KeyAgreement.PrivateKey

    /// The file holding a data folder's keys (`node.key` or `central.key`).
    public static func file(in dataDirectory: String, name: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("\(name).key")
    }

    /// Fresh random keys.
    public static func generate() -> ReplicaKey {
        ReplicaKey(signing: Curve25519.Signing.PrivateKey(), agreement: Curve25519.KeyAgreement.PrivateKey())
    }

    /// The keys an enrollment token's secret derives (HKDF-SHA256): only the node holding the
    /// token can sign its first contact, and the central server stores only the public half.
    public static func enrollment(secret: [UInt8]) -> ReplicaKey {
        func derive(_ info: String) -> [UInt8] {
            Array(HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: secret), info: Array(info.utf8), outputByteCount: 32
            ).withUnsafeBytes { Array($0) })
        }
        // Any 32 bytes are a valid key of either kind.
        return ReplicaKey(
            signing: try! Curve25519.Signing.PrivateKey(rawRepresentation: derive("enlace-enrollment-signing-v1")),
            agreement: try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: derive("enlace-enrollment-agreement-v1")))
    }

    /// Creates new keys and writes them to `path` (mode 0600); never replaces an existing file:
    /// a key is an identity, and overwriting it would strand every entry it signed.
    public static func create(at path: String) throws -> ReplicaKey {
        let key = generate()
        try key.write(to: path)
        return key
    }

    /// Writes the keys to a new file at `path` (mode 0600), refusing an existing one.
    public func write(to path: String) throws {
        let text = Array(("ed25519 " + EntryChain.hex(Array(signing.rawRepresentation)) + "\n"
            + "x25519 " + EntryChain.hex(Array(agreement.rawRepresentation)) + "\n").utf8)
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
    }

    /// Reads the keys at `path`; a file its group or others may read is refused, as ssh refuses
    /// one (a key copied back from a backup with another mode is named, and how to fix it).
    public static func load(from path: String) throws -> ReplicaKey {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            throw KeyError("the private key \(path) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))): "
                + "a private key is its owner's alone; run `chmod 600 \(path)`")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyError("cannot read the private key \(path) (missing or not readable)")
        }
        var signing: Curve25519.Signing.PrivateKey?
        var agreement: Curve25519.KeyAgreement.PrivateKey?
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let bytes = EntryChain.bytes(hex: String(parts[1])) else { continue }
            switch parts[0] {
            case "ed25519": signing = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
            case "x25519": agreement = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: bytes)
            default: continue
            }
        }
        guard let signing, let agreement else { throw KeyError("\(path) does not hold an Ed25519 and an X25519 private key") }
        return ReplicaKey(signing: signing, agreement: agreement)
    }

    /// The Ed25519 public key.
    public var signingPublicKey: [UInt8] { Array(signing.publicKey.rawRepresentation) }
    /// The X25519 public key.
    public var agreementPublicKey: [UInt8] { Array(agreement.publicKey.rawRepresentation) }

    /// Signs the chain head `head` (whose envelope hashes to `hash`).
    public func signHead(_ head: EntryID, hash: Hash256) throws -> [UInt8] {
        Array(try signing.signature(for: EntryChain.headMessage(head, hash: hash)))
    }

    /// Signs arbitrary bytes (a request).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try signing.signature(for: message))
    }

    /// Whether `signature` is `publicKey`'s over `message`.
    public static func verify(_ signature: [UInt8], of message: [UInt8], by publicKey: [UInt8]) -> Bool {
        guard PublicKeyCheck.isAcceptableSignature(signature, by: publicKey),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// A key file problem.
public struct KeyError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
