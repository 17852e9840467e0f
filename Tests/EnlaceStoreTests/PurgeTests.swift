import EnlaceDemo
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// A node's purge of a case that left its department's scope (docs/domain.md, "Who holds a case (need to know)"), on a
/// real SQLite store: bodies become stubs, no readable trace stays, the node's own edits that
/// never reached the central server wait, and the case comes back whole when it re-enters.
@Suite("Purge on leaving scope")
struct PurgeTests {
    @Test("a purge waits for the node's own unpushed edits, then leaves only stubs; a re-entry brings the contents back")
    func purgeWaitsThenRestores() async throws {
        let fixture = try await NodeFixture(nodeID: "dif-01", department: "DIF")
        let store = fixture.store
        let c4 = TestOrigin("c4-01")
        let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RA")
        let created = c4.seal(c4.edit(key, [
            .set(field: "folio", value: "LEON-C4-01-2026-000001"), .set(field: "origin_department", value: "C4"),
            .set(field: "intake_channel", value: "presencial"), .set(field: "person.full_name", value: "Herminia Solís Ocampo"),
        ]))
        let told = c4.seal(c4.edit(key, [.set(field: "summary", value: "Relato que nadie más debe leer.")]))
        func pulled(_ entries: [ChainedEntry] = [], history: [ChainedEntry] = [], left: [String] = [], next: Int64) async throws -> AppendOutcome {
            try await store.applyPulled(entries, heads: [], next: FeedCursor(position: 2, entry: "c4-01:2"),
                                  scope: PulledScope(history: history, left: left, next: next),
                                  keys: (entries + history).testCaseKeys, storeID: "central-1")
        }
        _ = try await pulled([created, told], next: 1)
        _ = try await fixture.node.addAttention(caseID: key.id, ["kind": "trabajo_social", "note": "Nota propia del DIF."], author: "srv-prueba")
        let own = try await store.ownEntries(after: EntryID(origin: NodeID("dif-01")!, seq: 0), limit: 10)
        #expect(own.count == 1)
        // What the node holds of the case, sealed: its key and three bodies, all in its folder.
        let trace = try await CaseTrace.capture(store, caseID: key.id)
        #expect(trace.entries.count == 3 && trace.bodiesFound(in: fixture.folder.path) == 3)

        // Left the scope while the node's own attention has not reached the central server: kept.
        let waiting = try await pulled(left: [key.id], next: 2)
        #expect(waiting.casesPurged == 0)
        #expect(try await store.read { try await $0.documentText(key) } != nil)
        #expect(try await trace.remains(in: store).count == 5, "key, record and three bodies wait")
        #expect(try await store.syncState().scopePosition == 2)

        // Once it is pushed, the next page purges it.
        try await store.recordPushed(through: own[0].id, storeID: "central-1")
        let purged = try await pulled(next: 2)
        #expect(purged.casesPurged == 1 && purged.bodiesPurged == 3)
        #expect(try await store.read { try await $0.documentText(key) } == nil)
        #expect(try await store.read { try await $0.entries(of: key) }.isEmpty)
        #expect(try await store.read { try await $0.entryCount() } == 3)
        #expect(try await store.verify().isSound)
        // Encrypted everywhere, so the proof is the key gone, every body a stub, and not one
        // sealed byte of them left in any file of the folder.
        let remains = try await trace.remains(in: store)
        #expect(remains.isEmpty, "\(remains)")
        #expect(trace.files(in: fixture.folder.path).isEmpty, "sealed bodies still in \(trace.files(in: fixture.folder.path))")
        for secret in ["Herminia Solís Ocampo", "Relato que nadie más debe leer.", "Nota propia del DIF."] {
            #expect(DataFolderScan.files(in: fixture.folder.path, containing: secret).isEmpty, "«\(secret)» is still readable")
        }
        // A write to the case it no longer holds is refused as for an unknown case.
        await #expect(throws: Refusal.self) { try await fixture.node.patchCase(id: key.id, ["risk_level": "alto"], author: "srv-prueba") }

        // Re-entering: the history (its own entry too) fills the stubs; nothing else is accepted as history.
        let back = try await pulled(history: [created, told, own[0]], next: 3)
        #expect(back.records[key] != nil)
        let document = try #require(try await store.read { try await $0.documentText(key) })
        #expect(document.contains("Herminia Solís Ocampo") && document.contains("Nota propia del DIF."))
        let stranger = c4.seal(c4.edit(RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RB"), [.set(field: "summary", value: "x")]))
        await #expect(throws: StoreError.self) { try await pulled(history: [stranger], next: 4) }
        #expect(try await store.verify().isSound)
    }

    @Test("a case waiting to be purged that comes back into scope is kept, even when the node already held every body")
    func pendingPurgeCancelledByReentry() async throws {
        let fixture = try await NodeFixture(nodeID: "dif-01", department: "DIF")
        let store = fixture.store
        let c4 = TestOrigin("c4-01")
        let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RC")
        let created = c4.seal(c4.edit(key, [
            .set(field: "folio", value: "LEON-C4-01-2026-000002"), .set(field: "origin_department", value: "C4"),
            .set(field: "intake_channel", value: "presencial"),
        ]))
        func pulled(history: [ChainedEntry] = [], left: [String] = [], next: Int64) async throws -> AppendOutcome {
            try await store.applyPulled([], heads: [], next: FeedCursor(position: 1, entry: "c4-01:1"),
                                  scope: PulledScope(history: history, left: left, next: next), keys: history.testCaseKeys,
                                  storeID: "central-1")
        }
        _ = try await store.applyPulled([created], heads: [], next: FeedCursor(position: 1, entry: "c4-01:1"),
                                  scope: PulledScope(history: [], left: [], next: 1), keys: [created].testCaseKeys,
                                  storeID: "central-1")
        _ = try await fixture.node.addAttention(caseID: key.id, ["kind": "seguimiento"], author: "srv-prueba")
        #expect(try await pulled(left: [key.id], next: 2).casesPurged == 0)
        // Its attention reached the central server: DIF worked on the case, which is in scope again.
        let own = try await store.ownEntries(after: EntryID(origin: NodeID("dif-01")!, seq: 0), limit: 10)
        try await store.recordPushed(through: own[0].id, storeID: "central-1")
        #expect(try await pulled(history: [created, own[0]], next: 3).casesPurged == 0)
        #expect(try await pulled(next: 3).casesPurged == 0)
        #expect(try await store.read { try await $0.documentText(key) } != nil)
    }
}
