/// How two vector clocks relate causally.
public enum CausalOrder: Sendable, Equatable {
    /// The left clock happened before the right one (the right has seen it).
    case before
    /// The left clock happened after the right one (it has seen it).
    case after
    /// Both clocks are the same.
    case equal
    /// Neither has seen the other.
    case concurrent
}

/// A vector clock: for each replica (node and epoch), how many of its edits to one record have
/// been seen.
///
/// Stored as a sorted array of (node, counter) pairs with no zero counters, so that equal clocks
/// have one representation and encode to the same bytes.
public struct VectorClock: Hashable, Sendable, CustomStringConvertible {
    /// One replica's counter.
    public struct Component: Hashable, Sendable {
        /// The replica.
        public let replica: ReplicaID
        /// How many of its edits have been seen.
        public let counter: UInt64
    }

    /// The non-zero counters, sorted by node.
    public private(set) var components: [Component]

    /// The empty clock: nothing seen.
    public init() {
        components = []
    }

    /// A clock from per-replica counters; zero counters are dropped.
    public init(_ counters: [ReplicaID: UInt64]) {
        components = counters.filter { $0.value > 0 }
            .map { Component(replica: $0.key, counter: $0.value) }
            .sorted { $0.replica < $1.replica }
    }

    /// A clock from the counters of first-epoch replicas.
    public init(_ counters: [NodeID: UInt64]) {
        self.init(Dictionary(uniqueKeysWithValues: counters.map { (ReplicaID($0.key), $0.value) }))
    }

    /// A clock from components already sorted by replica, without zeros or repeats (decoders check).
    init(sorted components: [Component]) {
        self.components = components
    }

    /// The counter of `replica`, zero when absent.
    public subscript(replica: ReplicaID) -> UInt64 {
        for component in components where component.replica == replica {
            return component.counter
        }
        return 0
    }

    /// How many replicas have a non-zero counter.
    public var width: Int { components.count }

    /// Whether no edit has been seen.
    public var isEmpty: Bool { components.isEmpty }

    /// This clock with `replica`'s counter advanced by one: the clock of `replica`'s next edit.
    public func incremented(for replica: ReplicaID) -> VectorClock {
        var copy = self
        copy.increment(for: replica)
        return copy
    }

    /// Advances `replica`'s counter by one (never past `EntryID.maxSeq`: decoders bound counters).
    public mutating func increment(for replica: ReplicaID) {
        for index in components.indices where components[index].replica == replica {
            components[index] = Component(replica: replica, counter: min(components[index].counter + 1, EntryID.maxSeq))
            return
        }
        let position = components.firstIndex { replica < $0.replica } ?? components.endIndex
        components.insert(Component(replica: replica, counter: 1), at: position)
    }

    /// The least clock that has seen both: the per-node maximum.
    public func merged(with other: VectorClock) -> VectorClock {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// Replaces this clock with the per-node maximum of both.
    public mutating func merge(_ other: VectorClock) {
        if other.components.isEmpty { return }
        if components.isEmpty { components = other.components; return }
        var result: [Component] = []
        result.reserveCapacity(max(components.count, other.components.count) + 1)
        var i = 0
        var j = 0
        let a = components
        let b = other.components
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].replica < b[j].replica) {
                result.append(a[i]); i += 1
            } else if i == a.count || b[j].replica < a[i].replica {
                result.append(b[j]); j += 1
            } else {
                result.append(a[i].counter >= b[j].counter ? a[i] : b[j]); i += 1; j += 1
            }
        }
        components = result
    }

    /// How this clock relates to `other`.
    public func compare(_ other: VectorClock) -> CausalOrder {
        var less = false
        var greater = false
        var i = 0
        var j = 0
        let a = components
        let b = other.components
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].replica < b[j].replica) {
                greater = true; i += 1
            } else if i == a.count || b[j].replica < a[i].replica {
                less = true; j += 1
            } else {
                if a[i].counter > b[j].counter { greater = true }
                if a[i].counter < b[j].counter { less = true }
                i += 1; j += 1
            }
            if less && greater { return .concurrent }
        }
        switch (less, greater) {
        case (false, false): return .equal
        case (true, false): return .before
        case (false, true): return .after
        case (true, true): return .concurrent
        }
    }

    /// Compact, deterministic text: `c4-01:3,dif-01:1,dif-01~2:1` (empty clock: empty text).
    public var description: String {
        components.map { "\($0.replica):\($0.counter)" }.joined(separator: ",")
    }

    /// Parses the compact text of `description`.
    public init?(compact text: String) {
        var counters: [ReplicaID: UInt64] = [:]
        if !text.isEmpty {
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
                guard pieces.count == 2, let replica = ReplicaID(String(pieces[0])),
                      let counter = UInt64(pieces[1]), EntryID.isValidSeq(counter), counters[replica] == nil
                else { return nil }
                counters[replica] = counter
            }
        }
        self.init(counters)
    }
}
