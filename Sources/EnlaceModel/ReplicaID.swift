/// A replica's identity: its node id and its epoch. A node or central server that starts from
/// a restored copy, or is initialised again, begins a new epoch, so that an (origin, epoch, seq)
/// and a vector-clock counter are never reused.
///
/// Written `c4-01` for epoch 1 (what almost every replica is in) and `c4-01~2` from epoch 2 on,
/// so vector clocks and entry ids stay readable.
public struct ReplicaID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The node (or `central`).
    public let node: NodeID
    /// The epoch, from 1.
    public let epoch: UInt32

    /// The largest epoch (a restore a day for five million years).
    public static let maxEpoch: UInt32 = UInt32(Int32.max)

    /// A replica id; `epoch` must be 1 through `maxEpoch`.
    public init(_ node: NodeID, epoch: UInt32 = 1) {
        precondition(epoch >= 1 && epoch <= ReplicaID.maxEpoch, "epoch \(epoch) out of range")
        self.node = node
        self.epoch = epoch
    }

    /// Parses `node` or `node~epoch`; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: "~", omittingEmptySubsequences: false)
        guard let node = NodeID(String(parts[0])) else { return nil }
        switch parts.count {
        case 1: self.init(node)
        case 2:
            guard let epoch = UInt32(parts[1]), epoch >= 2, epoch <= ReplicaID.maxEpoch, String(epoch) == parts[1] else { return nil }
            self.init(node, epoch: epoch)
        default: return nil
        }
    }

    /// The central server in epoch 1.
    public static let central = ReplicaID(.central)

    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool {
        lhs.node == rhs.node ? lhs.epoch < rhs.epoch : lhs.node < rhs.node
    }

    public var description: String { epoch == 1 ? node.rawValue : "\(node.rawValue)~\(epoch)" }
}
