/// The identity of a journal entry: its origin replica (node and epoch) and that replica's
/// sequence number. An (origin, epoch, seq) names one entry forever.
public struct EntryID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The replica that wrote the entry.
    public let replica: ReplicaID
    /// The replica's sequence number, from 1, without gaps.
    public let seq: UInt64

    /// The largest sequence number (and vector-clock counter) a replica may use: 2^53 - 1, exact
    /// in every JSON reader and far from the trap of `UInt64` or `Int64` arithmetic. Decoders
    /// refuse anything larger, so that arithmetic on a decoded value cannot overflow.
    public static let maxSeq: UInt64 = (1 << 53) - 1

    /// Whether `value` is a usable sequence number or clock counter (1 through `maxSeq`).
    public static func isValidSeq(_ value: UInt64) -> Bool { value >= 1 && value <= maxSeq }

    /// An entry id from its parts.
    public init(replica: ReplicaID, seq: UInt64) {
        self.replica = replica
        self.seq = seq
    }

    /// An entry id of `origin`'s first epoch.
    public init(origin: NodeID, seq: UInt64) {
        self.init(replica: ReplicaID(origin), seq: seq)
    }

    /// The node that wrote the entry.
    public var origin: NodeID { replica.node }
    /// The epoch it was written in.
    public var epoch: UInt32 { replica.epoch }

    public static func < (lhs: EntryID, rhs: EntryID) -> Bool {
        lhs.replica == rhs.replica ? lhs.seq < rhs.seq : lhs.replica < rhs.replica
    }

    /// `origin:seq`, or `origin~epoch:seq` from epoch 2 on.
    public var description: String { "\(replica):\(seq)" }

    /// Parses `description`; nil when malformed.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let replica = ReplicaID(String(text[..<colon])),
              let seq = UInt64(text[text.index(after: colon)...]), EntryID.isValidSeq(seq)
        else { return nil }
        self.init(replica: replica, seq: seq)
    }
}
