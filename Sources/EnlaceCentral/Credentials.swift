import EnlaceWeb
import Foundation

/// Bearer tokens: random, shown once, stored only as SHA-256 hashes.
public enum Credentials {
    /// A new random token (`enl_` and 64 hex digits).
    public static func makeToken() -> String { WebToken.make() }

    /// The stored form of a token.
    public static func hash(_ token: String) -> String { WebToken.hash(token) }
}
