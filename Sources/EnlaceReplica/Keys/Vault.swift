import Crypto
import EnlaceModel
import Foundation

/// The key that encrypts a replica's data at rest: materialised records, conflicts and the case
/// keys the replica holds. A random 256-bit key, stored in the data folder only wrapped (HPKE)
/// to the replica's X25519 keys, whose private halves live outside it (`KeyFolder`): a copy of
/// the data folder without the key folder opens none of it. Rotating the replica's key re-wraps
/// the vault key; nothing it encrypted has to change.
public struct Vault: Sendable {
    package let key: SymmetricKey

    package init(key: SymmetricKey) { self.key = key }

    /// A new random vault key.
    package static func generate() -> Vault { Vault(key: SymmetricKey(size: .bits256)) }

    /// The vault key wrapped to the X25519 public key `recipient`.
    package func wrap(to recipient: [UInt8]) throws -> [UInt8] {
        try KeyWrap.seal(key, context: Vault.context, to: recipient)
    }

    /// The vault key `wrapped` holds, opened with `replicaKey`.
    package static func unwrap(_ wrapped: [UInt8], with replicaKey: ReplicaKey) throws -> Vault {
        Vault(key: try KeyWrap.open(wrapped, context: Vault.context, with: replicaKey))
    }

    /// The vault `wraps` (by recipient public key) hold, opened with the first of `keys` it is
    /// wrapped to — a new one when there are no wraps yet — and the wraps still to store: to
    /// each of `keys` it is not wrapped to (a rotation's next key). `store` names the store in
    /// the refusal when none of the keys opens it.
    package static func unlock(wraps: [[UInt8]: [UInt8]], keys: [ReplicaKey], store: String) throws -> (vault: Vault, newWraps: [([UInt8], [UInt8])]) {
        let vault: Vault
        if wraps.isEmpty {
            vault = .generate()
        } else if let key = keys.first(where: { wraps[$0.agreementPublicKey] != nil }) {
            vault = try Vault.unwrap(wraps[key.agreementPublicKey]!, with: key)
        } else {
            throw StoreError.locked("\(store) (none of the given keys opens it: is this the replica's own key?)")
        }
        let newWraps = try keys.filter { wraps[$0.agreementPublicKey] == nil }.map { ($0.agreementPublicKey, try vault.wrap(to: $0.agreementPublicKey)) }
        return (vault, newWraps)
    }

    /// A record's document as stored: encrypted, bound to the record.
    package func sealDocument(_ text: String, of key: RecordKey) -> [UInt8] {
        seal(Array(text.utf8), context: "record \(key.type.rawValue) \(key.id)")
    }

    /// The text of a document `sealDocument` made for `key`.
    package func openDocument(_ sealed: [UInt8], of key: RecordKey) throws -> String {
        String(decoding: try open(sealed, context: "record \(key.type.rawValue) \(key.id)"), as: UTF8.self)
    }

    /// Encrypts `plain` (ChaCha20-Poly1305, random nonce) bound to `context` (what it is and
    /// whose: a record's key), so a ciphertext moved to another row does not open.
    package func seal(_ plain: [UInt8], context: String) -> [UInt8] {
        // Sealing fails only for a malformed nonce, and the nonce here is random and well formed.
        Vault.marker + Array(try! ChaChaPoly.seal(plain, using: key, authenticating: Array(context.utf8)).combined)
    }

    /// Decrypts what `seal` made for `context`.
    package func open(_ sealed: [UInt8], context: String) throws -> [UInt8] {
        guard sealed.count > Vault.marker.count + 28, Array(sealed.prefix(Vault.marker.count)) == Vault.marker else {
            throw StoreError.corrupt("an encrypted column (\(context)) is not in the vault's format")
        }
        do {
            let box = try ChaChaPoly.SealedBox(combined: sealed.dropFirst(Vault.marker.count))
            return Array(try ChaChaPoly.open(box, using: key, authenticating: Array(context.utf8)))
        } catch {
            throw StoreError.corrupt("an encrypted column (\(context)) does not open with this replica's vault key (altered or moved)")
        }
    }

    /// A keyed tag of `text` (HMAC-SHA256): equal inputs give equal tags, so an index can find
    /// them, and the tag reveals nothing without the key.
    package func tag(_ text: String, context: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array((context + "\u{0}" + text).utf8), using: key))
    }

    /// The first bytes of every sealed column (version 1 of the vault's format).
    package static let marker: [UInt8] = [0x45, 0x56, 0x31]  // "EV1"
    package static let context = "enlace-vault-v1"
}

/// A store access that may hold the vault (nil: the store was opened without its private key).
package protocol VaultHolding {
    var vault: Vault? { get }
}

extension VaultHolding {
    /// The vault, or `StoreError.locked` when the store was opened without its key.
    package func openVault() throws -> Vault {
        guard let vault else { throw StoreError.locked("the store") }
        return vault
    }

    /// A record's document as stored: encrypted under the vault key, bound to the record.
    package func sealDocument(_ text: String, of key: RecordKey) throws -> [UInt8] {
        try openVault().sealDocument(text, of: key)
    }

    package func openDocument(_ sealed: [UInt8], of key: RecordKey) throws -> String {
        try openVault().openDocument(sealed, of: key)
    }
}

/// Keys sent to one recipient: HPKE (RFC 9180, X25519, HKDF-SHA256, ChaCha20-Poly1305), bound
/// to what the key is for (`context`: a case id, the vault), so a wrap cannot be replayed for
/// another case.
public enum KeyWrap {
    package static let suite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly

    /// `key` sealed to `recipient` (an X25519 public key): the encapsulated key, then the
    /// ciphertext and tag (32 + 32 + 16 bytes).
    public static func seal(_ key: SymmetricKey, context: String, to recipient: [UInt8]) throws -> [UInt8] {
        try refuseWeak(recipient: recipient)
        let publicKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient)
        var sender = try HPKE.Sender(recipientKey: publicKey, ciphersuite: suite, info: Data(info(context)))
        let sealed = try sender.seal(key.withUnsafeBytes { Array($0) })
        return Array(sender.encapsulatedKey) + Array(sealed)
    }

    /// Opens what `seal` made for `context`, with the recipient's `replicaKey`.
    public static func open(_ wrapped: [UInt8], context: String, with replicaKey: ReplicaKey) throws -> SymmetricKey {
        guard wrapped.count == 32 + 32 + 16 else { throw KeyError("a wrapped key (\(context)) is not 80 bytes") }
        try refuseWeak(encapsulated: Array(wrapped.prefix(32)))
        do {
            var recipient = try HPKE.Recipient(
                privateKey: replicaKey.agreement, ciphersuite: suite, info: Data(info(context)), encapsulatedKey: Data(wrapped.prefix(32)))
            return SymmetricKey(data: try recipient.open(Array(wrapped.dropFirst(32))))
        } catch {
            throw KeyError("a wrapped key (\(context)) does not open with this replica's key")
        }
    }

    /// `keys` sealed to `recipient` in one HPKE context: the encapsulated key, and each key's
    /// 48 sealed bytes in `keys.entries` order, bound to its case and key id (associated data).
    public static func sealBundle(_ keys: CaseKeySet, to recipient: [UInt8]) throws
        -> (encapsulated: [UInt8], sealed: [(caseID: String, keyID: String?, bytes: [UInt8])])
    {
        let entries = keys.entries
        guard !entries.isEmpty else { return ([], []) }
        try refuseWeak(recipient: recipient)
        let publicKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient)
        var sender = try HPKE.Sender(recipientKey: publicKey, ciphersuite: suite, info: Data(bundleInfo))
        var sealed: [(caseID: String, keyID: String?, bytes: [UInt8])] = []
        sealed.reserveCapacity(entries.count)
        for (caseID, keyID, key) in entries {
            let bytes = try sender.seal(key.withUnsafeBytes { Array($0) }, authenticating: Array(context(caseID, keyID: keyID).utf8))
            sealed.append((caseID, keyID, Array(bytes)))
        }
        return (Array(sender.encapsulatedKey), sealed)
    }

    /// Opens what `sealBundle` made, in the same order, with the recipient's `replicaKey`.
    public static func openBundle(encapsulated: [UInt8], _ sealed: [(caseID: String, keyID: String?, bytes: [UInt8])],
                                  with replicaKey: ReplicaKey) throws -> CaseKeySet {
        var keys = CaseKeySet()
        guard !sealed.isEmpty else { return keys }
        try refuseWeak(encapsulated: encapsulated)
        do {
            var recipient = try HPKE.Recipient(privateKey: replicaKey.agreement, ciphersuite: suite, info: Data(bundleInfo),
                                               encapsulatedKey: Data(encapsulated))
            for (caseID, keyID, bytes) in sealed {
                let key = SymmetricKey(data: try recipient.open(bytes, authenticating: Array(context(caseID, keyID: keyID).utf8)))
                keys.insert(key, caseID: caseID, keyID: keyID)
            }
        } catch {
            throw KeyError("the keys sent do not open with this replica's key")
        }
        return keys
    }

    package static let bundleInfo = Array("enlace-key-bundle-v1".utf8)

    /// Sealing to a small-order X25519 key agrees on an all-zero secret anyone can compute;
    /// swift-crypto lets that through, so it is refused here.
    package static func refuseWeak(recipient: [UInt8]) throws {
        guard PublicKeyCheck.isAcceptableAgreementKey(recipient) else {
            throw KeyError("the recipient's X25519 key is of small order: every secret agreed with it is zero; nothing is sealed to it")
        }
    }

    /// A wrap whose encapsulated key is of small order was sealed under an all-zero secret: anyone
    /// could have made it.
    package static func refuseWeak(encapsulated: [UInt8]) throws {
        guard PublicKeyCheck.isAcceptableAgreementKey(encapsulated) else {
            throw KeyError("the keys sent were sealed with a small-order X25519 key (an all-zero secret): refused")
        }
    }

    /// The context of case `id`'s data key.
    public static func caseContext(_ id: String) -> String { "case \(id)" }
    /// The context of case `id`'s location key `keyID` (its data key: nil).
    public static func context(_ id: String, keyID: String?) -> String {
        keyID.map { "location \(id) \($0)" } ?? caseContext(id)
    }

    package static func info(_ context: String) -> [UInt8] { Array("enlace-key-wrap-v1\u{0}\(context)".utf8) }
}
