import EnlaceModel
import EnlaceStore
import Foundation
import Testing

@Suite("Journal store")
struct StoreTests {
    /// Entry `seq` of origin dif-01, chained to entry `seq - 1` as written by `entry(seq: seq - 1)`.
    func entry(seq: UInt64, risk: String, clock: Int = 1, previousRisk: String = "alto") -> JournalEntry {
        let prev = seq == 1 ? nil : EntryChain.hash(EntryCoding.encode(entry(seq: seq - 1, risk: previousRisk, clock: clock - 1)))
        return JournalEntry(
            id: EntryID(origin: NodeID("dif-01")!, seq: seq), recordType: .caseFile, recordID: "01JDQ8Z6N4W2C4X9V3K5M7P8RA",
            clock: VectorClock([NodeID("dif-01")!: UInt64(clock)]), timestamp: HybridTimestamp(millis: 1_764_000_000_000 + Int64(seq)),
            operations: [.set(field: "risk_level", value: .string(risk))], prev: prev)
    }

    @Test("an identical resend changes nothing; a different entry at a stored id is refused and stores nothing")
    func idempotentAppend() throws {
        let fixture = try NodeFixture()
        let first = try fixture.store.append([entry(seq: 1, risk: "alto")])
        #expect(first.applied.count == 1)
        let again = try fixture.store.append([entry(seq: 1, risk: "alto")])
        #expect(again.applied.isEmpty && again.duplicates == 1)
        #expect(throws: StoreError.conflictingEntry(EntryID(origin: NodeID("dif-01")!, seq: 1))) {
            try fixture.store.append([entry(seq: 2, risk: "medio", clock: 2), entry(seq: 1, risk: "bajo")])
        }
        // An entry whose predecessor was altered (or that skips ahead) breaks the chain: refused.
        #expect(throws: StoreError.self) { try fixture.store.append([entry(seq: 2, risk: "medio", clock: 2, previousRisk: "bajo")]) }
        #expect(throws: StoreError.self) { try fixture.store.append([entry(seq: 3, risk: "medio", clock: 3)]) }
        #expect(try fixture.store.read { try $0.entryCount() } == 1)
        #expect(try fixture.store.read { try $0.lastSeq(of: NodeID("dif-01")!) } == 1)
        // A rolled-back batch leaves nothing behind, not even in the in-memory record cache.
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try fixture.store.write { transaction in
                _ = try transaction.append([entry(seq: 2, risk: "extremo", clock: 2)])
                throw Abort()
            }
        }
        try fixture.store.append([entry(seq: 2, risk: "medio", clock: 2)])
        #expect(try fixture.store.read { try $0.document(RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RA")) }?["risk_level"] == "medio")
        #expect(try fixture.store.verify().isSound)
    }

    @Test("within one batch, an entry must continue the chain of the entry before it")
    func chainWithinBatch() throws {
        let fixture = try NodeFixture()
        #expect(throws: StoreError.self) {
            try fixture.store.append([entry(seq: 1, risk: "alto"), entry(seq: 2, risk: "medio", clock: 2, previousRisk: "bajo")])
        }
        #expect(try fixture.store.read { try $0.entryCount() } == 0)
        try fixture.store.append([entry(seq: 1, risk: "alto"), entry(seq: 2, risk: "medio", clock: 2), entry(seq: 3, risk: "bajo", clock: 3, previousRisk: "medio")])
        #expect(try fixture.store.verify().isSound)
    }

    @Test("the journal table refuses UPDATE and DELETE")
    func appendOnly() throws {
        let fixture = try NodeFixture()
        try fixture.store.append([entry(seq: 1, risk: "alto")])
        let sqlite = try JournalStoreSQL(path: fixture.store.path)
        #expect(throws: (any Error).self) { try sqlite.execute("UPDATE journal SET body = '{}'") }
        #expect(throws: (any Error).self) { try sqlite.execute("DELETE FROM journal") }
        #expect(try fixture.store.verify().isSound)
    }

    @Test("verify names the first bad entry when a body is edited behind the triggers")
    func verifyDetectsTampering() throws {
        let fixture = try NodeFixture()
        try fixture.store.append([entry(seq: 1, risk: "alto"), entry(seq: 2, risk: "bajo", clock: 2)])
        let sqlite = try JournalStoreSQL(path: fixture.store.path)
        try sqlite.execute("DROP TRIGGER journal_refuses_update")
        try sqlite.execute("UPDATE journal SET body = replace(body, '\"seq\":2', '\"seq\":3') WHERE seq = 2")
        let report = try fixture.store.verify()
        #expect(!report.isSound)
        #expect(report.problems.first?.contains("dif-01:2") == true)
        // An edited value (still well-formed) no longer matches its hash nor the materialised record.
        try sqlite.execute("UPDATE journal SET body = replace(replace(body, '\"seq\":3', '\"seq\":2'), '\"bajo\"', '\"extremo\"') WHERE seq = 2")
        let edited = try fixture.store.verify()
        #expect(edited.problems.first?.contains("dif-01:2") == true && edited.problems.first?.contains("edited") == true)
        #expect(edited.problems.contains { $0.contains("stored record differs from the journal") })
    }

    @Test("after random writes, rebuild reproduces the materialised state exactly")
    func rebuildReproduces() throws {
        let fixture = try NodeFixture()
        var rng = SystemRandomNumberGenerator()
        var ids: [String] = []
        for _ in 0..<40 {
            if ids.isEmpty || Int.random(in: 0..<4, using: &rng) == 0 {
                let body: JSONValue = ["intake_channel": "presencial", "summary": .string("caso \(ids.count)")]
                ids.append(try JournalStoreSQL.parse(fixture.node.createCase(body, author: "srv-1").document)["id"]!.stringValue!)
            } else {
                let id = ids.randomElement(using: &rng)!
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: _ = try fixture.node.patchCase(id: id, ["risk_level": .string(Vocabulary.riskLevel.values.randomElement(using: &rng)!)], author: nil)
                case 1: _ = try fixture.node.addAttention(caseID: id, ["kind": "seguimiento", "note": "nota"], author: "srv-2")
                default: _ = try fixture.node.patchCase(id: id, ["violence_types": ["fisica", "sexual"]], author: nil)
                }
            }
        }
        let before = try fixture.store.read { reader in try reader.recordKeys().map { try reader.documentText($0)! } }
        let report = try fixture.store.rebuild()
        #expect(report.differences.isEmpty)
        #expect(report.records == ids.count)
        let after = try fixture.store.read { reader in try reader.recordKeys().map { try reader.documentText($0)! } }
        #expect(before == after)
        #expect(try fixture.store.verify().isSound)

        // A materialised row changed behind the store's back is reported and repaired.
        let sqlite = try JournalStoreSQL(path: fixture.store.path)
        try sqlite.execute("UPDATE records SET document = '{}' WHERE record_id = '\(ids[0])'")
        #expect(try !fixture.store.verify().isSound)
        #expect(try fixture.store.rebuild().differences.count == 1)
        #expect(try fixture.store.verify().isSound)
    }

    @Test("folio counters are materialised from the journal and survive a rebuild")
    func folioCounters() throws {
        let fixture = try NodeFixture()
        for _ in 0..<3 { _ = try fixture.node.createCase(["intake_channel": "telefonica"], author: nil) }
        #expect(try fixture.store.read { try $0.lastFolioNumber(node: "C4-01", year: 2025) } == 3)
        _ = try fixture.store.rebuild()
        #expect(try fixture.store.read { try $0.lastFolioNumber(node: "C4-01", year: 2025) } == 3)
        let next = try fixture.node.createCase(["intake_channel": "telefonica"], author: nil)
        #expect(try JournalStoreSQL.parse(next.document)["folio"] == "LEON-C4-01-2025-000004")
    }
}
