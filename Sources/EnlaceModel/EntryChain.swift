import Crypto

/// Each origin's entries form a hash chain: an entry names the hash of the origin's previous
/// entry (`prev`), and the origin signs the chain's head (one signature per batch).
public enum EntryChain {
    /// The SHA-256 of an entry's canonical text, in lower-case hex.
    public static func hash(_ canonicalText: String) -> String {
        hex(Array(SHA256.hash(data: Array(canonicalText.utf8))))
    }

    /// Whether `text` looks like a hash (64 lower-case hex digits).
    public static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// The bytes an origin signs to vouch for its chain up to (`seq`, `hash`).
    public static func headMessage(origin: NodeID, seq: UInt64, hash: String) -> [UInt8] {
        Array("enlace-head-v1\n\(origin.rawValue)\n\(seq)\n\(hash)".utf8)
    }

    /// Whether `signature` (hex) vouches for (`origin`, `seq`, `hash`) under the Ed25519
    /// `publicKey` (hex).
    public static func verifyHead(origin: NodeID, seq: UInt64, hash: String, signature: String, publicKey: String) -> Bool {
        guard let keyBytes = bytes(hex: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes),
              let signatureBytes = bytes(hex: signature)
        else { return false }
        return key.isValidSignature(signatureBytes, for: headMessage(origin: origin, seq: seq, hash: hash))
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
