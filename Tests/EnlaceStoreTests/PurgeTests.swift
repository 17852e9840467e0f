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
    func purgeWaitsThenRestores() throws {
        let fixture = try NodeFixture(nodeID: "dif-01", department: "DIF")
        let store = fixture.store
        let c4 = TestOrigin("c4-01")
        let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RA")
        let created = c4.seal(c4.edit(key, [
            .set(field: "folio", value: "LEON-C4-01-2026-000001"), .set(field: "origin_department", value: "C4"),
            .set(field: "intake_channel", value: "presencial"), .set(field: "person.full_name", value: "Herminia Solís Ocampo"),
        ]))
        let told = c4.seal(c4.edit(key, [.set(field: "summary", value: "Relato que nadie más debe leer.")]))
        func pulled(_ entries: [ChainedEntry] = [], history: [ChainedEntry] = [], left: [String] = [], next: Int64) throws -> AppendOutcome {
            try store.applyPulled(entries, heads: [], next: FeedCursor(position: 2, entry: "c4-01:2"),
                                  scope: PulledScope(history: history, left: left, next: next),
                                  keys: (entries + history).testCaseKeys, storeID: "central-1")
        }
        _ = try pulled([created, told], next: 1)
        _ = try fixture.node.addAttention(caseID: key.id, ["kind": "trabajo_social", "note": "Nota propia del DIF."], author: "srv-prueba")
        let own = try store.ownEntries(after: EntryID(origin: NodeID("dif-01")!, seq: 0), limit: 10)
        #expect(own.count == 1)
        // What the node holds of the case, sealed: its key and three bodies, all in its folder.
        let trace = try CaseTrace.capture(store, caseID: key.id)
        #expect(trace.entries.count == 3 && trace.bodiesFound(in: fixture.folder.path) == 3)

        // Left the scope while the node's own attention has not reached the central server: kept.
        let waiting = try pulled(left: [key.id], next: 2)
        #expect(waiting.casesPurged == 0)
        #expect(try store.read { try $0.documentText(key) } != nil)
        #expect(try trace.remains(in: store).count == 5, "key, record and three bodies wait")
        #expect(try store.syncState().scopePosition == 2)

        // Once it is pushed, the next page purges it.
        try store.recordPushed(through: own[0].id, storeID: "central-1")
        let purged = try pulled(next: 2)
        #expect(purged.casesPurged == 1 && purged.bodiesPurged == 3)
        #expect(try store.read { try $0.documentText(key) } == nil)
        #expect(try store.read { try $0.entries(of: key) }.isEmpty)
        #expect(try store.read { try $0.entryCount() } == 3)
        #expect(try store.verify().isSound)
        // Encrypted everywhere, so the proof is the key gone, every body a stub, and not one
        // sealed byte of them left in any file of the folder.
        let remains = try trace.remains(in: store)
        #expect(remains.isEmpty, "\(remains)")
        #expect(trace.files(in: fixture.folder.path).isEmpty, "sealed bodies still in \(trace.files(in: fixture.folder.path))")
        for secret in ["Herminia Solís Ocampo", "Relato que nadie más debe leer.", "Nota propia del DIF."] {
            #expect(DataFolderScan.files(in: fixture.folder.path, containing: secret).isEmpty, "«\(secret)» is still readable")
        }
        // A write to the case it no longer holds is refused as for an unknown case.
        #expect(throws: Refusal.self) { try fixture.node.patchCase(id: key.id, ["risk_level": "alto"], author: "srv-prueba") }

        // Re-entering: the history (its own entry too) fills the stubs; nothing else is accepted as history.
        let back = try pulled(history: [created, told, own[0]], next: 3)
        #expect(back.records[key] != nil)
        let document = try #require(try store.read { try $0.documentText(key) })
        #expect(document.contains("Herminia Solís Ocampo") && document.contains("Nota propia del DIF."))
        let stranger = c4.seal(c4.edit(RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RB"), [.set(field: "summary", value: "x")]))
        #expect(throws: StoreError.self) { try pulled(history: [stranger], next: 4) }
        #expect(try store.verify().isSound)
    }

    @Test("a case waiting to be purged that comes back into scope is kept, even when the node already held every body")
    func pendingPurgeCancelledByReentry() throws {
        let fixture = try NodeFixture(nodeID: "dif-01", department: "DIF")
        let store = fixture.store
        let c4 = TestOrigin("c4-01")
        let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RC")
        let created = c4.seal(c4.edit(key, [
            .set(field: "folio", value: "LEON-C4-01-2026-000002"), .set(field: "origin_department", value: "C4"),
            .set(field: "intake_channel", value: "presencial"),
        ]))
        func pulled(history: [ChainedEntry] = [], left: [String] = [], next: Int64) throws -> AppendOutcome {
            try store.applyPulled([], heads: [], next: FeedCursor(position: 1, entry: "c4-01:1"),
                                  scope: PulledScope(history: history, left: left, next: next), keys: history.testCaseKeys,
                                  storeID: "central-1")
        }
        _ = try store.applyPulled([created], heads: [], next: FeedCursor(position: 1, entry: "c4-01:1"),
                                  scope: PulledScope(history: [], left: [], next: 1), keys: [created].testCaseKeys,
                                  storeID: "central-1")
        _ = try fixture.node.addAttention(caseID: key.id, ["kind": "seguimiento"], author: "srv-prueba")
        #expect(try pulled(left: [key.id], next: 2).casesPurged == 0)
        // Its attention reached the central server: DIF worked on the case, which is in scope again.
        let own = try store.ownEntries(after: EntryID(origin: NodeID("dif-01")!, seq: 0), limit: 10)
        try store.recordPushed(through: own[0].id, storeID: "central-1")
        #expect(try pulled(history: [created, own[0]], next: 3).casesPurged == 0)
        #expect(try pulled(next: 3).casesPurged == 0)
        #expect(try store.read { try $0.documentText(key) } != nil)
    }
}
