import EnlaceModel

/// A signed head of an origin's hash chain: the origin vouches for every entry of one epoch up
/// to `id`, whose envelope hashes to `hash`.
public struct ChainHead: Sendable, Equatable {
    public var id: EntryID
    public var hash: Hash256
    /// The origin's Ed25519 signature of `EntryChain.headMessage(id, hash:)`.
    public var signature: [UInt8]

    public init(id: EntryID, hash: Hash256, signature: [UInt8]) {
        self.id = id
        self.hash = hash
        self.signature = signature
    }

    func write(to writer: inout ByteWriter) {
        writer.shortString(id.origin.rawValue)
        writer.u32(id.epoch)
        writer.u64(id.seq)
        writer.raw(hash.bytes)
        writer.raw(signature)
    }

    static func read(_ reader: inout ByteReader) throws(FormatError) -> ChainHead {
        guard let origin = NodeID(try reader.shortString("head origin")) else { throw FormatError("head: origin is not a node id") }
        let epoch = try reader.u32("head epoch")
        let seq = try reader.u64("head seq")
        guard epoch >= 1, epoch <= ReplicaID.maxEpoch, EntryID.isValidSeq(seq) else { throw FormatError("head: position out of range") }
        guard let hash = Hash256(bytes: try reader.raw(32, "head hash")) else { throw FormatError("head: hash") }
        let signature = try reader.raw(64, "head signature")
        return ChainHead(id: EntryID(replica: ReplicaID(origin, epoch: epoch), seq: seq), hash: hash, signature: signature)
    }
}

extension ByteWriter {
    /// An entry as the wire carries it: its envelope, then its body blob (empty for a stub).
    mutating func entry(envelope: [UInt8], body: [UInt8]?) {
        varint(envelope.count)
        raw(envelope)
        varint(body?.count ?? 0)
        if let body { raw(body) }
    }
}

extension ByteReader {
    /// An entry as the wire carries it; a stub when its body is empty.
    mutating func entry() throws(FormatError) -> ChainedEntry {
        let envelopeLength = try count("envelope length")
        let envelope = try EntryEnvelope(bytes: try raw(envelopeLength, "envelope"))
        let bodyLength = try count("body length")
        guard bodyLength > 0 else { return ChainedEntry(envelope: envelope, body: nil) }
        return ChainedEntry(envelope: envelope, body: try EntryBody(blob: try raw(bodyLength, "body")))
    }
}
