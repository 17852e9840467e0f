import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

@Suite("A batch opened before its transaction")
struct OpenedBatchTests {
    static let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RB")
    static let origin = NodeID("dif-01")!

    func edit(_ seq: UInt64, _ operations: [FieldOperation]) -> JournalEntry {
        JournalEntry(id: EntryID(origin: Self.origin, seq: seq), recordType: .caseFile, recordID: Self.key.id,
                     clock: VectorClock([Self.origin: seq]), timestamp: HybridTimestamp(millis: 1_764_000_000_000 + Int64(seq)),
                     operations: operations)
    }

    @Test("a case edit in clear or an invalid one is left to the transaction, which quarantines it naming why; the others apply as opened",
          arguments: StoreKind.all)
    func leftToTheTransaction(kind: StoreKind) async throws {
        let store = try await kind.make()
        let first = ChainedEntry(testSealing: edit(1, [.set(field: "risk_level", value: "alto")]), prev: nil, salt: SystemClock.salt())
        // A case's contents travel sealed: this one is in clear.
        let clear = ChainedEntry(sealing: edit(2, [.set(field: "summary", value: "Relato.")]), prev: first.envelope.hash, salt: SystemClock.salt())
        let invalid = ChainedEntry(testSealing: edit(3, [.set(field: "risk_level", value: "altisimo")]), prev: clear.envelope.hash,
                                   salt: SystemClock.salt())
        let last = ChainedEntry(testSealing: edit(4, [.set(field: "risk_level", value: "medio")]), prev: invalid.envelope.hash,
                                salt: SystemClock.salt())
        let entries = [first, clear, invalid, last]
        let opened = OpenedBatch(entries, keys: [Self.key.id: TestOrigin.caseKey(Self.key.id)])
        #expect(opened.edits.map { $0 != nil } == [true, false, false, true])
        let outcome = try await store.write { transaction in
            try await transaction.takeTestKeys(of: entries)
            let (decoded, validated) = await opened.merged { index in
                try? await transaction.readEdit(entries[index].id, body: entries[index].body!)
            }
            return try await ReplicaWriter.append(entries, decoded: decoded, validated: validated, in: transaction)
        }
        #expect(outcome.applied.map(\.id.seq) == [1, 4])
        #expect(outcome.quarantined.map(\.id.seq) == [2, 3])
        #expect(outcome.quarantined.first?.reason.contains("must be sealed") == true)
        #expect(outcome.quarantined.last?.reason.contains("risk_level") == true)
        let document = try await store.read { try await $0.documentText(Self.key) }.map(JSONValue.parse)
        #expect(document?["risk_level"] == "medio" && document?["summary"] != "Relato.")
        #expect(try await store.verify().isSound)
    }
}
