import EnlaceModel

/// The answer to `GET /v1/sync/holdings`: every chain the central server holds and the last seq
/// it holds of each, what a node relays after the central store was restored.
public struct HoldingsAnswer: Sendable, Equatable {
    public var chains: [ReplicaID: UInt64]

    public init(chains: [ReplicaID: UInt64]) {
        self.chains = chains
    }

    /// The answer's JSON text, chains in the order of their node and epoch.
    public var json: String {
        let items = chains.sorted { ($0.key.node.rawValue, $0.key.epoch) < ($1.key.node.rawValue, $1.key.epoch) }
            .map { replica, last -> JSONValue in ["replica": .string(replica.description), "last_seq": .int(Int64(clamping: last))] }
        return JSONValue.object(["chains": .array(items)]).canonicalText
    }

    /// Decodes an answer; a chain named twice, a replica that is no replica or a seq that is no
    /// seq makes it not understood.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> HoldingsAnswer {
        let failure = WireError("the central server's holdings are not understood")
        guard let items = (try? JSONValue.parse(bytes))?["chains"]?.arrayValue else { throw failure }
        var chains: [ReplicaID: UInt64] = [:]
        for item in items {
            guard let text = item["replica"]?.stringValue, let replica = ReplicaID(text),
                  let last = item["last_seq"]?.intValue, let seq = UInt64(exactly: last),
                  chains.updateValue(seq, forKey: replica) == nil
            else { throw failure }
        }
        return HoldingsAnswer(chains: chains)
    }
}
