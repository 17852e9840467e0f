import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// The golden vectors of `docs/JOURNAL-FORMAT.md`: the exact bytes any implementation of journal
/// format v2 must produce, and the refusals of malformed input.
@Suite("Journal format v2")
struct JournalFormatTests {
    static let c4 = NodeID("c4-01")!
    static let edit = JournalEntry(
        id: EntryID(origin: c4, seq: 2), recordType: .caseFile, recordID: "01JDQ8Z6N4W2C4X9V3K5M7P8RA",
        clock: VectorClock([ReplicaID(c4): 2, ReplicaID(NodeID("dif-01")!, epoch: 2): 1]),
        timestamp: HybridTimestamp(millis: 1_764_400_000_000, counter: 3), author: "srv-c4-7", note: nil,
        operations: [
            .set(field: "risk_level", value: "alto"),
            .add(field: "violence_types", element: "fisica"),
            .set(field: "status", value: "en_atencion", prior: "abierto"),
            .set(field: "person.birth_year", value: .int(1990)),
        ])
    static let salt: [UInt8] = Array(0..<16)
    static let prev = Hash256.of(Array("previous".utf8))

    static func hex(_ bytes: [UInt8]) -> String { EntryChain.hex(bytes) }

    static let body = "0201011a30314a4451385a364e3457324334583956334b354d3750385241020563342d30310000000102066469662d3031000000020100"
        + "00019ace6f6c000301087372762d63342d370004010a7269736b5f6c6576656c0504616c746f030e76696f6c656e63655f7479706573066669"
        + "736963610206737461747573050b656e5f6174656e63696f6e05076162696572746f0111706572736f6e2e62697274685f79656172038c1f"
    static let commitment = "959cfdbf266bf375ca7fce82779a219d8b21147268c851555b58787511a2a6b7"
    static let envelope = "020563342d30310000000100000000000000026da0633528deaa0144e7b058315f0b753ec0b945163a72bf96a0d18180f9de0d"
        + "959cfdbf266bf375ca7fce82779a219d8b21147268c851555b58787511a2a6b7"
    static let hash = "23b86b49814ebcf446f6ab98d131a1a6669ca6b0dcbc3582f9c13eb611ab28ec"
    static let event = "0203010563342d3031010243340000010000000100000000000000010000019ace6f6c00"

    @Test("an edit's body, commitment, envelope, hash and head, and a directory event, are the golden bytes")
    func golden() throws {
        #expect(Self.hex(Self.edit.encodedBody) == Self.body)
        let entry = ChainedEntry(sealing: Self.edit, prev: Self.prev, salt: Self.salt)
        #expect(entry.envelope.commitment.hex == Self.commitment)
        #expect(Self.hex(entry.envelope.bytes) == Self.envelope)
        #expect(entry.envelope.hash.hex == Self.hash)
        #expect(EntryChain.headMessage(Self.edit.id, hash: entry.envelope.hash) == Array("enlace-head-v2\nc4-01\n1\n2\n\(Self.hash)".utf8))
        #expect(Self.hex(DirectoryEvent(kind: .enrollment, node: Self.c4, department: "C4", effectiveFrom: EntryID(origin: Self.c4, seq: 1), at: 1_764_400_000_000).encodedBody) == Self.event)
        // And back: the golden bytes decode to the same values.
        #expect(try JournalEntry(id: Self.edit.id, body: EntryChain.bytes(hex: Self.body)!) == Self.edit)
        #expect(try EntryEnvelope(bytes: EntryChain.bytes(hex: Self.envelope)!) == entry.envelope)
        #expect(try DirectoryEvent(body: EntryChain.bytes(hex: Self.event)!).department == "C4")
    }

    @Test("malformed bytes are refused with where, never trapping: truncation, trailing bytes, versions, ranges, order, varints, UTF-8")
    func refusals() {
        let body = EntryChain.bytes(hex: Self.body)!
        let envelope = EntryChain.bytes(hex: Self.envelope)!
        func refusesBody(_ bytes: [UInt8]) -> Bool { (try? JournalEntry(id: Self.edit.id, body: bytes)) == nil }
        func refusesEnvelope(_ bytes: [UInt8]) -> Bool { (try? EntryEnvelope(bytes: bytes)) == nil }
        for length in 0..<body.count { #expect(refusesBody(Array(body.prefix(length))), "truncated at \(length)") }
        #expect(refusesBody(body + [0]))
        var wrongVersion = body
        wrongVersion[0] = 1
        #expect(refusesBody(wrongVersion))
        // The clock's replicas out of order (dif-01~2 before c4-01).
        let unordered = JournalEntry(
            id: Self.edit.id, recordType: .caseFile, recordID: Self.edit.recordID, clock: Self.edit.clock,
            timestamp: Self.edit.timestamp, operations: [.set(field: "summary", value: "x")]).encodedBody
        var swapped = unordered
        let c4 = Array("\u{05}c4-01\u{00}\u{00}\u{00}\u{01}\u{02}".utf8)
        let dif = Array("\u{06}dif-01\u{00}\u{00}\u{00}\u{02}\u{01}".utf8)
        if let start = (0..<swapped.count).first(where: { Array(swapped[$0..<min(swapped.count, $0 + c4.count)]) == c4 }) {
            swapped.replaceSubrange(start..<(start + c4.count + dif.count), with: dif + c4)
        }
        #expect(swapped != unordered && refusesBody(swapped))
        // A non-minimal varint: the operation count 1 written as 0x81 0x00 (and, minimal, accepted).
        func handWritten(count: [UInt8]) -> [UInt8] {
            var writer = ByteWriter()
            writer.raw([2, 1, 1])
            writer.shortString(Self.edit.recordID)
            writer.raw([1])
            writer.shortString("c4-01")
            writer.u32(1)
            writer.raw([2])
            writer.i64(1_764_400_000_000)
            writer.raw([0, 0, 0])
            writer.raw(count)
            writer.raw([1])
            writer.string("summary")
            writer.raw([5])
            writer.string("x")
            return writer.bytes
        }
        #expect(!refusesBody(handWritten(count: [0x01])))
        #expect(refusesBody(handWritten(count: [0x81, 0x00])))
        // Invalid UTF-8 in a field name.
        var latin = body
        if let at = latin.firstIndex(of: UInt8(ascii: "r")) { latin[at] = 0xFF }
        #expect(refusesBody(latin))
        // Envelopes: truncation, seq 0, seq past 2^53 - 1, epoch 0, a first entry naming a predecessor.
        for length in 0..<envelope.count { #expect(refusesEnvelope(Array(envelope.prefix(length)))) }
        func withSeq(_ seq: UInt64) -> [UInt8] {
            var writer = ByteWriter()
            writer.u64(seq)
            var copy = envelope
            copy.replaceSubrange(11..<19, with: writer.bytes)
            return copy
        }
        #expect(refusesEnvelope(withSeq(0)))
        #expect(refusesEnvelope(withSeq(EntryID.maxSeq + 1)))
        #expect(refusesEnvelope(withSeq(.max)))
        #expect(refusesEnvelope(withSeq(1)))
        var epochZero = envelope
        epochZero.replaceSubrange(7..<11, with: [0, 0, 0, 0])
        #expect(refusesEnvelope(epochZero))
    }

    @Test("random bytes and mutated golden bytes never trap a decoder", arguments: [UInt64(1), 2, 3])
    func fuzz(seed: UInt64) {
        var mutator = Mutator(seed: seed ^ fuzzSeed())
        let body = EntryChain.bytes(hex: Self.body)!
        let envelope = EntryChain.bytes(hex: Self.envelope)!
        for _ in 0..<fuzzCases(2000) {
            _ = try? JournalEntry(id: Self.edit.id, body: mutator.mutate(bytes: body))
            _ = try? EntryEnvelope(bytes: mutator.mutate(bytes: envelope))
            _ = try? DirectoryEvent(body: mutator.mutate(bytes: EntryChain.bytes(hex: Self.event)!))
        }
    }
}
