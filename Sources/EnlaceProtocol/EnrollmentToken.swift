import EnlaceModel

/// What `enlace central enroll` prints and `enlace node init --token` takes: a secret from which
/// the node's enrollment key derives (it signs the node's first contact and nothing else), and
/// the central server's public signing key, the anchor the node verifies everything under.
///
///     enl2_<64 hex digits of the secret><64 hex digits of the central server's key>
///
/// The token is also the node's bearer credential (the central server keeps only its hash);
/// alone, after the first contact, it reads and writes nothing: every sync request must be
/// signed with the node's own key.
public struct EnrollmentToken: Sendable, Equatable {
    static let prefix = "enl2_"

    public let secret: [UInt8]
    public let centralKey: [UInt8]

    public init(secret: [UInt8], centralKey: [UInt8]) {
        self.secret = secret
        self.centralKey = centralKey
    }

    /// Parses a token; nil when it is not one.
    public init?(_ text: String) {
        guard text.hasPrefix(EnrollmentToken.prefix), let bytes = EntryChain.bytes(hex: String(text.dropFirst(EnrollmentToken.prefix.count))),
              bytes.count == 64
        else { return nil }
        self.init(secret: Array(bytes[..<32]), centralKey: Array(bytes[32...]))
    }

    /// The token's text.
    public var text: String { EnrollmentToken.prefix + EntryChain.hex(secret + centralKey) }
}
