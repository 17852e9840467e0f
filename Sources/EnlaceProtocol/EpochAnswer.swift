import EnlaceModel

/// The answer to `POST /v1/sync/epoch`: the new epoch a node restored from an older copy goes
/// on in.
public struct EpochAnswer: Sendable, Equatable {
    public var epoch: UInt32

    public init(epoch: UInt32) {
        self.epoch = epoch
    }

    /// The answer's JSON text.
    public var json: String {
        JSONValue.object(["epoch": .int(Int64(epoch))]).canonicalText
    }

    /// Decodes an answer: an epoch after the first and within what a replica id may carry.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> EpochAnswer {
        guard let value = (try? JSONValue.parse(bytes))?["epoch"]?.intValue, let epoch = UInt32(exactly: value),
              epoch >= 2, epoch <= ReplicaID.maxEpoch
        else { throw WireError("the central server's answer to a new epoch names no epoch") }
        return EpochAnswer(epoch: epoch)
    }
}
