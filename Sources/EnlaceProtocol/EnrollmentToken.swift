import EnlaceModel

/// What `enlace central enroll` prints and `enlace node init --token` takes: a secret from which
/// the node's enrollment key derives (it signs the node's first contact and nothing else), the
/// central server's public signing key (the anchor the node verifies everything under), its
/// public agreement key (case keys are sealed to it), and the epoch the node writes in (1 at its
/// first enrollment; a node enrolled again starts a new one, so that an (origin, epoch, seq) is
/// never reused).
///
///     enl3_<64 hex: the secret><64 hex: the central signing key><64 hex: its agreement key><8 hex: the epoch>
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
        guard (try? EnrollmentToken.parse(text)) != nil else { return nil }
        try! self.init(parsing: text)
    }

    /// Parses a token, saying what is wrong with one that is not acceptable: not a token, an
    /// all-zero secret, or central keys no one may trust (small-order or non-canonical points).
    public static func parse(_ text: String) throws(WireError) -> EnrollmentToken {
        try EnrollmentToken(parsing: text)
    }

    private init(parsing text: String) throws(WireError) {
        guard text.hasPrefix(EnrollmentToken.prefix), let bytes = EntryChain.bytes(hex: String(text.dropFirst(EnrollmentToken.prefix.count))),
              bytes.count == 100
        else { throw WireError("the token is not an Enlace enrollment token (\(EnrollmentToken.shape))") }
        let epoch = bytes[96...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard epoch >= 1, epoch <= ReplicaID.maxEpoch else { throw WireError("the token's epoch \(epoch) is out of range") }
        let (secret, central, agreement) = (Array(bytes[..<32]), Array(bytes[32..<64]), Array(bytes[64..<96]))
        guard !PublicKeyCheck.isAllZero(secret) else { throw WireError("the token's secret is all zero: it is not one `enlace central enroll` made") }
        guard PublicKeyCheck.isAcceptableSigningKey(central) else {
            throw WireError("the token's central signing key is not an acceptable Ed25519 key (small order or non-canonical)")
        }
        guard PublicKeyCheck.isAcceptableAgreementKey(agreement) else {
            throw WireError("the token's central X25519 key is of small order: every secret agreed with it is zero")
        }
        self.init(secret: secret, centralKey: central, centralAgreementKey: agreement, epoch: epoch)
    }

    /// The token's text.
    public var text: String {
        EnrollmentToken.prefix
            + EntryChain.hex(secret + centralKey + centralAgreementKey + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: epoch >> $0) })
    }
}
