import Crypto
import EnlaceModel

/// Secrets handed to a browser or a machine (session cookies, CSRF tokens, bearer tokens) and
/// the form they are stored in: only their hash, so a copy of the store opens nothing.
public enum WebToken {
    /// 32 random bytes, `enl_` and hex.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "enl_" + EntryChain.hex(bytes)
    }

    /// The stored form of a token: SHA-256, hex.
    public static func hash(_ token: String) -> String {
        EntryChain.hex(Array(SHA256.hash(data: Array(token.utf8))))
    }

    /// Compares two tokens in time that does not depend on where they differ.
    public static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
