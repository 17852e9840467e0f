import Crypto
import EnlaceModel
import Foundation

/// Bearer tokens: random, shown once, stored only as SHA-256 hashes.
public enum Credentials {
    /// A new random token (`enl_` and 64 hex digits).
    public static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "enl_" + EntryChain.hex(bytes)
    }

    /// The stored form of a token.
    public static func hash(_ token: String) -> String {
        EntryChain.hex(Array(SHA256.hash(data: Array(token.utf8))))
    }

}
