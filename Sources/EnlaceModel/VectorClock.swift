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

/// A vector clock: for each replica, how many of its edits to one record have been seen.
///
/// Stored as a sorted array of (node, counter) pairs with no zero counters, so that equal clocks
/// have one representation and encode to the same bytes.
public struct VectorClock: Hashable, Sendable, CustomStringConvertible {
    /// One replica's counter.
    public struct Component: Hashable, Sendable {
        /// The replica.
        public let node: NodeID
        /// How many of its edits have been seen.
        public let counter: UInt64
    }

    /// The non-zero counters, sorted by node.
    public private(set) var components: [Component]

    /// The empty clock: nothing seen.
    public init() {
        components = []
    }

    /// A clock from per-node counters; zero counters are dropped.
    public init(_ counters: [NodeID: UInt64]) {
        components = counters.filter { $0.value > 0 }
            .map { Component(node: $0.key, counter: $0.value) }
            .sorted { $0.node < $1.node }
    }

    /// The counter of `node`, zero when absent.
    public subscript(node: NodeID) -> UInt64 {
        for component in components where component.node == node {
            return component.counter
        }
        return 0
    }

    /// How many replicas have a non-zero counter.
    public var width: Int { components.count }

    /// Whether no edit has been seen.
    public var isEmpty: Bool { components.isEmpty }

    /// This clock with `node`'s counter advanced by one: the clock of `node`'s next edit.
    public func incremented(for node: NodeID) -> VectorClock {
        var copy = self
        copy.increment(for: node)
        return copy
    }

    /// Advances `node`'s counter by one.
    public mutating func increment(for node: NodeID) {
        for index in components.indices where components[index].node == node {
            components[index] = Component(node: node, counter: components[index].counter + 1)
            return
        }
        let position = components.firstIndex { node < $0.node } ?? components.endIndex
        components.insert(Component(node: node, counter: 1), at: position)
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
            if j == b.count || (i < a.count && a[i].node < b[j].node) {
                result.append(a[i]); i += 1
            } else if i == a.count || b[j].node < a[i].node {
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
            if j == b.count || (i < a.count && a[i].node < b[j].node) {
                greater = true; i += 1
            } else if i == a.count || b[j].node < a[i].node {
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

    /// Compact, deterministic text: `c4-01:3,dif-01:1` (empty clock: empty text).
    public var description: String {
        components.map { "\($0.node.rawValue):\($0.counter)" }.joined(separator: ",")
    }

    /// Parses the compact text of `description`.
    public init?(compact text: String) {
        var counters: [NodeID: UInt64] = [:]
        if !text.isEmpty {
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
                guard pieces.count == 2, let node = NodeID(String(pieces[0])),
                      let counter = UInt64(pieces[1]), EntryID.isValidSeq(counter), counters[node] == nil
                else { return nil }
                counters[node] = counter
            }
        }
        self.init(counters)
    }
}

extension VectorClock: Codable {
    /// Encoded as a JSON object from node id to counter (keys sorted by sorted-key encoders).
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode([String: UInt64].self)
        var counters: [NodeID: UInt64] = [:]
        for (key, value) in raw {
            guard let node = NodeID(key) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "a vector clock names an invalid node id")
            }
            guard EntryID.isValidSeq(value) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "vector clock counters must be from 1 to \(EntryID.maxSeq)")
            }
            counters[node] = value
        }
        self.init(counters)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        var raw: [String: UInt64] = [:]
        for component in components { raw[component.node.rawValue] = component.counter }
        try container.encode(raw)
    }
}
