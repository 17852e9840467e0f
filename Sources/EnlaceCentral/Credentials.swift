import Crypto
import Foundation

/// Bearer tokens: random, shown once, stored only as SHA-256 hashes.
public enum Credentials {
    /// A new random token (`enl_` and 64 hex digits).
    public static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "enl_" + hex(bytes)
    }

    /// The stored form of a token.
    public static func hash(_ token: String) -> String {
        hex(Array(SHA256.hash(data: Array(token.utf8))))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
