/// A central-signed entry saying who belongs where: a node's enrollment in a department, the
/// public keys it signs and receives with from a point of its chain on, its revocation. Every
/// replica holds every directory event, so who may sign what — and which department each node
/// belongs to — is a pure function of journalled data, verifiable offline.
public struct DirectoryEvent: Hashable, Sendable {
    /// What happened.
    public enum Kind: UInt8, Sendable {
        /// The node joined `department`, writing from `effectiveFrom` (its epoch's first entry) on:
        /// a node enrolled again starts a new epoch, so its identities are never reused.
        case enrollment = 1
        /// From `effectiveFrom` on, the node signs with `signingKey` and receives with `agreementKey`.
        case keys = 2
        /// The node's credentials and keys are revoked; what it wrote before stays valid history.
        case revocation = 3
    }

    public let kind: Kind
    /// The node the event is about.
    public let node: NodeID
    /// Its department (enrollment).
    public let department: String?
    /// Its Ed25519 public key (keys).
    public let signingKey: [UInt8]?
    /// Its X25519 public key (keys).
    public let agreementKey: [UInt8]?
    /// The first (epoch, seq) of the node's chain the keys sign (keys), or the epoch it writes
    /// in from its first entry (enrollment).
    public let effectiveFrom: EntryID?
    /// When (epoch milliseconds, the central server's clock).
    public let at: Int64

    public init(kind: Kind, node: NodeID, department: String? = nil, signingKey: [UInt8]? = nil, agreementKey: [UInt8]? = nil,
                effectiveFrom: EntryID? = nil, at: Int64) {
        self.kind = kind
        self.node = node
        self.department = department
        self.signingKey = signingKey
        self.agreementKey = agreementKey
        self.effectiveFrom = effectiveFrom
        self.at = at
    }

    /// The body's canonical bytes.
    public var encodedBody: [UInt8] {
        var writer = ByteWriter(capacity: 128)
        writer.u8(EntryEnvelope.version)
        writer.u8(BodyKind.directory.rawValue)
        writer.u8(kind.rawValue)
        writer.shortString(node.rawValue)
        if let department {
            writer.u8(1)
            writer.shortString(department)
        } else {
            writer.u8(0)
        }
        for key in [signingKey, agreementKey] {
            if let key {
                writer.u8(1)
                writer.raw(key)
            } else {
                writer.u8(0)
            }
        }
        if let effectiveFrom {
            writer.u8(1)
            writer.u32(effectiveFrom.epoch)
            writer.u64(effectiveFrom.seq)
        } else {
            writer.u8(0)
        }
        writer.i64(at)
        return writer.bytes
    }

    /// Decodes a directory body.
    public init(body: [UInt8]) throws(FormatError) {
        var reader = ByteReader(body)
        guard try reader.u8("body version") == EntryEnvelope.version else { throw FormatError("body: not format version 2") }
        guard try reader.u8("body kind") == BodyKind.directory.rawValue else { throw FormatError("body: not a directory event") }
        guard let kind = Kind(rawValue: try reader.u8("event")) else { throw FormatError("directory: unknown event") }
        guard let node = NodeID(try reader.shortString("directory node")) else { throw FormatError("directory: node is not a node id") }
        var department: String?
        switch try reader.u8("department flag") {
        case 0: break
        case 1:
            let text = try reader.shortString("department")
            guard Vocabulary.department.contains(text) else { throw FormatError("directory: unknown department") }
            department = text
        default: throw FormatError("directory: bad presence flag")
        }
        var keys: [[UInt8]?] = []
        for name in ["signing key", "agreement key"] {
            switch try reader.u8(name) {
            case 0: keys.append(nil)
            case 1: keys.append(try reader.raw(32, name))
            default: throw FormatError("directory: bad presence flag")
            }
        }
        var effectiveFrom: EntryID?
        switch try reader.u8("effective from") {
        case 0: break
        case 1:
            let epoch = try reader.u32("effective epoch")
            let seq = try reader.u64("effective seq")
            guard epoch >= 1, epoch <= ReplicaID.maxEpoch, seq <= EntryID.maxSeq else { throw FormatError("directory: position out of range") }
            effectiveFrom = EntryID(replica: ReplicaID(node, epoch: epoch), seq: seq)
        default: throw FormatError("directory: bad presence flag")
        }
        let at = try reader.i64("directory time")
        guard reader.isAtEnd else { throw FormatError("body: bytes after its end") }
        switch kind {
        case .enrollment:
            guard department != nil, effectiveFrom?.seq == 1 else { throw FormatError("directory: an enrollment names a department and its epoch") }
        case .keys: guard keys[0] != nil, keys[1] != nil, effectiveFrom != nil else { throw FormatError("directory: keys events carry both keys") }
        case .revocation: break
        }
        self.init(kind: kind, node: node, department: department, signingKey: keys[0], agreementKey: keys[1],
                  effectiveFrom: effectiveFrom, at: at)
    }
}

/// Who belongs where, derived from directory events in journal order (a pure function of the
/// central server's chain).
public struct Directory: Sendable, Equatable {
    /// One node as the directory knows it.
    public struct Member: Sendable, Equatable {
        public var department: String?
        /// The epoch its latest enrollment opened (0: never enrolled).
        public var epoch: UInt32 = 0
        /// Signing and agreement keys, each from a point of the node's chain on, in order.
        public var keys: [(from: EntryID, signing: [UInt8], agreement: [UInt8])] = []
        public var revoked = false

        public static func == (lhs: Member, rhs: Member) -> Bool {
            lhs.department == rhs.department && lhs.epoch == rhs.epoch && lhs.revoked == rhs.revoked && lhs.keys.count == rhs.keys.count
                && zip(lhs.keys, rhs.keys).allSatisfy { $0.from == $1.from && $0.signing == $1.signing && $0.agreement == $1.agreement }
        }
    }

    public private(set) var members: [NodeID: Member] = [:]

    public init() {}

    /// Applies one event.
    public mutating func apply(_ event: DirectoryEvent) {
        var member = members[event.node] ?? Member()
        switch event.kind {
        case .enrollment:
            member.department = event.department
            member.epoch = event.effectiveFrom?.epoch ?? member.epoch
            member.revoked = false
        case .keys:
            if let signing = event.signingKey, let agreement = event.agreementKey, let from = event.effectiveFrom {
                member.keys.append((from, signing, agreement))
                // Keys bound from a later epoch's first entry move the node there (a node that
                // recovered from a restore writes on in a new epoch with the same keys).
                member.epoch = max(member.epoch, from.epoch)
                member.keys.sort { ($0.from.epoch, $0.from.seq) < ($1.from.epoch, $1.from.seq) }
            }
        case .revocation:
            member.revoked = true
        }
        members[event.node] = member
    }

    /// The signing key that vouches for `node`'s chain at `head`: the last keys event whose
    /// starting point is at or before it.
    public func signingKey(for head: EntryID) -> [UInt8]? {
        members[head.origin]?.keys.last { ($0.from.epoch, $0.from.seq) <= (head.epoch, head.seq) }?.signing
    }

    /// The department a node belongs to.
    public func department(of node: NodeID) -> String? { members[node]?.department }
}
