import Crypto

/// Each origin's entries form a hash chain per epoch: an envelope names the hash of the
/// origin's previous envelope (`prev`), and the origin signs the chain's head (one signature
/// per batch) — over envelopes only, so stubs verify as well as whole entries.
public enum EntryChain {
    /// Whether `text` looks like a hash (64 lower-case hex digits).
    public static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// The bytes an origin signs to vouch for its chain up to `head` (whose envelope hashes to `hash`).
    public static func headMessage(_ head: EntryID, hash: Hash256) -> [UInt8] {
        Array("enlace-head-v2\n\(head.origin.rawValue)\n\(head.epoch)\n\(head.seq)\n\(hash.hex)".utf8)
    }

    /// Whether `signature` vouches for `head` (hashing to `hash`) under the Ed25519 `publicKey`.
    public static func verifyHead(_ head: EntryID, hash: Hash256, signature: [UInt8], publicKey: [UInt8]) -> Bool {
        guard PublicKeyCheck.isAcceptableSignature(signature, by: publicKey),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: headMessage(head, hash: hash))
    }

    /// Lower-case hex.
    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Bytes from hex, or nil.
    public static func bytes(hex: String) -> [UInt8]? {
        let characters = Array(hex.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(characters.count / 2)
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let byte = UInt8(String(decoding: characters[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            result.append(byte)
        }
        return result
    }
}
