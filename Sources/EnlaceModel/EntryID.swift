/// The identity of a journal entry: its origin replica and that origin's sequence number.
///
/// An (origin, seq) pair names one entry forever.
public struct EntryID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The replica that wrote the entry.
    public let origin: NodeID
    /// The origin's sequence number, from 1, without gaps.
    public let seq: UInt64

    /// The largest sequence number (and vector-clock counter) a replica may use: 2^53 - 1, exact
    /// in every JSON reader and far from the trap of `UInt64` or `Int64` arithmetic. Decoders
    /// refuse anything larger, so that arithmetic on a decoded value cannot overflow.
    public static let maxSeq: UInt64 = (1 << 53) - 1

    /// Whether `value` is a usable sequence number or clock counter (1 through `maxSeq`).
    public static func isValidSeq(_ value: UInt64) -> Bool { value >= 1 && value <= maxSeq }

    /// An entry id from its parts.
    public init(origin: NodeID, seq: UInt64) {
        self.origin = origin
        self.seq = seq
    }

    public static func < (lhs: EntryID, rhs: EntryID) -> Bool {
        lhs.origin == rhs.origin ? lhs.seq < rhs.seq : lhs.origin < rhs.origin
    }

    /// `origin:seq`.
    public var description: String { "\(origin.rawValue):\(seq)" }
}
