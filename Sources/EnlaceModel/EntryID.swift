/// The identity of a journal entry: its origin replica and that origin's sequence number.
///
/// An (origin, seq) pair names one entry forever.
public struct EntryID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The replica that wrote the entry.
    public let origin: NodeID
    /// The origin's sequence number, from 1, without gaps.
    public let seq: UInt64

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
