/// A hybrid logical timestamp: physical milliseconds plus a logical counter.
///
/// It orders entries for display and breaks ties deterministically; it never decides causality
/// (vector clocks do). The physical time is always passed in, never read here.
public struct HybridTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch, as the issuing replica believed.
    public let millis: Int64
    /// Distinguishes timestamps issued within the same millisecond.
    public let counter: UInt32

    /// How far ahead of a replica's own clock a stored timestamp may be and still be followed
    /// by its next local one (five minutes, the signed-request window).
    public static let maxLead: Int64 = 300_000

    /// A timestamp from its parts.
    public init(millis: Int64, counter: UInt32 = 0) {
        self.millis = millis
        self.counter = counter
    }

    /// The timestamp for a local event: later than `last` and not behind `physicalMillis`.
    public static func next(after last: HybridTimestamp?, physicalMillis: Int64) -> HybridTimestamp {
        guard let last, last.millis >= physicalMillis else {
            return HybridTimestamp(millis: physicalMillis, counter: 0)
        }
        if last.counter == UInt32.max { return HybridTimestamp(millis: last.millis + 1, counter: 0) }
        return HybridTimestamp(millis: last.millis, counter: last.counter + 1)
    }

    /// The local timestamp after receiving `remote`: later than both and not behind `physicalMillis`.
    public static func receiving(
        _ remote: HybridTimestamp, after last: HybridTimestamp?, physicalMillis: Int64
    ) -> HybridTimestamp {
        let latest = max(remote, last ?? remote)
        return next(after: latest, physicalMillis: physicalMillis)
    }

    public static func < (lhs: HybridTimestamp, rhs: HybridTimestamp) -> Bool {
        (lhs.millis, lhs.counter) < (rhs.millis, rhs.counter)
    }

    /// The physical part as RFC 3339 UTC with milliseconds, e.g. `2026-11-29T17:46:02.123Z`.
    public var rfc3339: String { RFC3339.format(millis: millis) }

    /// `rfc3339` followed by `#counter` when the counter is not zero.
    public var description: String { counter == 0 ? rfc3339 : "\(rfc3339)#\(counter)" }
}
