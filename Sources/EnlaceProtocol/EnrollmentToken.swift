import EnlaceModel

/// What `enlace central enroll` prints and `enlace node init --token` takes: a secret from which
/// the node's enrollment key derives (it signs the node's first contact and nothing else), the
/// central server's public signing key (the anchor the node verifies everything under), and the
/// epoch the node writes in (1 at its first enrollment; a node enrolled again starts a new one,
/// so that an (origin, epoch, seq) is never reused).
///
///     enl2_<64 hex digits of the secret><64 hex digits of the central server's key><8 hex digits of the epoch>
///
/// The token is also the node's bearer credential (the central server keeps only its hash);
/// alone, after the first contact, it reads and writes nothing: every sync request must be
/// signed with the node's own key.
public struct EnrollmentToken: Sendable, Equatable {
    static let prefix = "enl3_"
    /// What `node init` says a token looks like.
    public static let shape = "enl3_ and 200 hex digits, as `enlace central enroll` prints"

    public let secret: [UInt8]
    /// The central server's Ed25519 signing key: the node's trust anchor.
    public let centralKey: [UInt8]
    /// The central server's X25519 key: what the node wraps case keys to.
    public let centralAgreementKey: [UInt8]
    public let epoch: UInt32

    public init(secret: [UInt8], centralKey: [UInt8], centralAgreementKey: [UInt8], epoch: UInt32 = 1) {
        precondition(epoch >= 1 && epoch <= ReplicaID.maxEpoch, "epoch \(epoch) out of range")
        self.secret = secret
        self.centralKey = centralKey
        self.centralAgreementKey = centralAgreementKey
        self.epoch = epoch
    }

    /// Parses a token; nil when it is not one.
    public init?(_ text: String) {
        guard text.hasPrefix(EnrollmentToken.prefix), let bytes = EntryChain.bytes(hex: String(text.dropFirst(EnrollmentToken.prefix.count))),
              bytes.count == 100
        else { return nil }
        let epoch = bytes[96...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard epoch >= 1, epoch <= ReplicaID.maxEpoch else { return nil }
        self.init(secret: Array(bytes[..<32]), centralKey: Array(bytes[32..<64]), centralAgreementKey: Array(bytes[64..<96]), epoch: epoch)
    }

    /// The token's text.
    public var text: String {
        EnrollmentToken.prefix
            + EntryChain.hex(secret + centralKey + centralAgreementKey + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: epoch >> $0) })
    }
}
