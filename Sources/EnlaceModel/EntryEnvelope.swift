/// What every replica holds of every entry, whether or not it may read the entry: its identity,
/// its link in its origin's hash chain, and a commitment to its body. Chains and signed heads
/// cover envelopes, so a replica verifies every origin's chain with stubs (envelopes alone) in
/// place of bodies it does not hold. Byte layout: `docs/JOURNAL-FORMAT.md`.
public struct EntryEnvelope: Hashable, Sendable {
    /// The format version envelopes carry.
    public static let version: UInt8 = 2

    /// Origin, epoch and seq.
    public let id: EntryID
    /// The hash of the origin's previous envelope in this epoch (nil for seq 1).
    public let prev: Hash256?
    /// SHA-256 over the body's salt and bytes (`EntryBody.commitment`).
    public let commitment: Hash256

    public init(id: EntryID, prev: Hash256?, commitment: Hash256) {
        self.id = id
        self.prev = prev
        self.commitment = commitment
    }

    /// The canonical bytes.
    public var bytes: [UInt8] {
        var writer = ByteWriter(capacity: 112)
        writer.u8(EntryEnvelope.version)
        writer.shortString(id.origin.rawValue)
        writer.u32(id.epoch)
        writer.u64(id.seq)
        writer.raw(prev?.bytes ?? EntryEnvelope.noPrev)
        writer.raw(commitment.bytes)
        return writer.bytes
    }

    /// The envelope's hash: what the next envelope's `prev` and a signed head name.
    public var hash: Hash256 { Hash256.of(bytes) }

    /// 32 zero bytes: the `prev` of an epoch's first entry.
    static let noPrev = [UInt8](repeating: 0, count: 32)

    /// Decodes canonical envelope bytes.
    public init(bytes: [UInt8]) throws(FormatError) {
        var reader = ByteReader(bytes)
        self = try EntryEnvelope.read(&reader)
        guard reader.isAtEnd else { throw FormatError("envelope: bytes after its end") }
    }

    static func read(_ reader: inout ByteReader) throws(FormatError) -> EntryEnvelope {
        guard try reader.u8("envelope version") == version else { throw FormatError("envelope: not format version 2") }
        guard let origin = NodeID(try reader.shortString("envelope origin")) else { throw FormatError("envelope: origin is not a node id") }
        let epoch = try reader.u32("envelope epoch")
        guard epoch >= 1, epoch <= ReplicaID.maxEpoch else { throw FormatError("envelope: epoch out of range") }
        let seq = try reader.u64("envelope seq")
        guard EntryID.isValidSeq(seq) else { throw FormatError("envelope: seq must be from 1 to \(EntryID.maxSeq)") }
        let prevBytes = try reader.raw(32, "envelope prev")
        let commitment = Hash256(unchecked: try reader.raw(32, "envelope commitment"))
        let prev: Hash256?
        if seq == 1 {
            guard prevBytes == noPrev else { throw FormatError("envelope: an epoch's first entry names a predecessor") }
            prev = nil
        } else {
            guard prevBytes != noPrev else { throw FormatError("envelope: missing the previous entry's hash") }
            prev = Hash256(unchecked: prevBytes)
        }
        return EntryEnvelope(id: EntryID(replica: ReplicaID(origin, epoch: epoch), seq: seq), prev: prev, commitment: commitment)
    }
}
