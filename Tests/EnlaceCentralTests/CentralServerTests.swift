import EnlaceAPI
import EnlaceCentral
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

@Suite("Central server")
struct CentralServerTests {
    let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RA")

    func edit(_ node: String, seq: UInt64, clock: [String: UInt64], summary: String) -> JournalEntry {
        var counters: [NodeID: UInt64] = [:]
        for (name, value) in clock { counters[NodeID(name)!] = value }
        return JournalEntry(
            id: EntryID(origin: NodeID(node)!, seq: seq), recordType: .caseFile, recordID: key.id, clock: VectorClock(counters),
            timestamp: HybridTimestamp(millis: 1_764_000_000_000 + Int64(seq)), operations: [.set(field: "summary", value: .string(summary))])
    }

    /// Enrolls `origin` (binding its keys as its first contact would) and pushes its sealed entries.
    func push(_ server: CentralServer, _ edits: [JournalEntry], as origin: TestOrigin) async throws {
        if try await server.storage.transaction({ try await $0.nodeCredential(origin.node) }) == nil {
            _ = try await server.enroll(nodeID: origin.node, department: "C4", by: "test")
            try await server.bind(origin.binding, for: origin.node)
        }
        let entries = edits.map(origin.seal)
        _ = try await server.push(try origin.batch(entries, central: server.key.agreementPublicKey), from: origin.node, department: "C4")
    }

    @Test("resolving a superseded conflict id answers 409 naming the current one; values are validated")
    func supersededConflict() async throws {
        let folder = try TemporaryFolder()
        let server = try await CentralSetup.initialize(dataDirectory: folder.sub("c"))
        let store = try #require(server.storage as? JournalStore)
        try await push(server, [edit("a", seq: 1, clock: ["a": 1], summary: "A")], as: TestOrigin("a"))
        try await push(server, [edit("b", seq: 1, clock: ["b": 1], summary: "B")], as: TestOrigin("b"))
        let first = try #require(try await store.read { try await $0.conflicts(of: key).first { $0.field == "summary" && $0.status == .open }?.id })
        try await push(server, [edit("c", seq: 1, clock: ["c": 1], summary: "C")], as: TestOrigin("c"))
        let current = try #require(try await store.read { try await $0.conflicts(of: key).first { $0.field == "summary" && $0.status == .open }?.id })
        #expect(current != first)
        do {
            _ = try await server.resolve(conflictID: first, value: "A", note: nil, by: "lucia")
            Issue.record("a superseded id must be refused")
        } catch let refusal as Refusal {
            let error = APIError(refusal)
            #expect(error.status == 409)
            #expect(error.message.contains(current))
        }
        do {
            _ = try await server.resolve(conflictID: current, value: 42, note: nil, by: "lucia")
            Issue.record("a number is not a summary")
        } catch let refusal as Refusal {
            let error = APIError(refusal)
            #expect(error.status == 400)
        }
        let resolved = try await JSONDecoder().decode(JSONValue.self, from: Data(
            try server.resolve(conflictID: current, value: "C", note: "ok", by: "lucia").utf8))
        #expect(resolved["status"] == "resolved")
        #expect(resolved["resolution"]?["by"] == "lucia@central")
        #expect(try await store.verify().isSound)
    }
}

/// Writes from outside the scope (docs/domain.md), at the boundary: the head a node signed at the
/// pull that told it a case left its department's scope.
@Suite("Writes from outside the scope")
struct OutsideScopeTests {
    let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RC")
    let referral = "01JDQ90000000000000000000R"

    /// C4 opens the case and refers it to DIF; DIF (which wrote `difEdits` first) rejects it.
    func setUp(_ server: CentralServer, c4: TestOrigin, dif: TestOrigin) async throws {
        for (origin, department) in [(c4, "C4"), (dif, "DIF")] {
            _ = try await server.enroll(nodeID: origin.node, department: department, by: "test")
            try await server.bind(origin.binding, for: origin.node)
        }
        let opened = [
            c4.seal(c4.edit(key, [
                .set(field: "folio", value: "LEON-C4-01-2026-000001"), .set(field: "origin_department", value: "C4"),
                .set(field: "intake_channel", value: "presencial"), .set(field: "status", value: "abierto"),
                .set(field: "referrals.\(referral).from", value: "C4"), .set(field: "referrals.\(referral).to", value: "DIF"),
                .set(field: "referrals.\(referral).state", value: "enviada"),
            ])),
        ]
        _ = try await server.push(try c4.batch(opened, central: server.key.agreementPublicKey), from: c4.node, department: "C4")
        #expect(try await server.scope(ofCase: key.id).contains("DIF"))
    }

    /// DIF's edit of the case, after seeing C4's creation.
    func difEdit(_ dif: TestOrigin, _ operations: [FieldOperation]) -> ChainedEntry {
        let seq = UInt64(dif.sealed.count + 1)
        return dif.seal(dif.edit(key, operations, clock: VectorClock([NodeID("c4-01")!: 1, dif.node: seq])))
    }

    func pull(_ server: CentralServer, as dif: TestOrigin, head: ChainedEntry?) async throws {
        let signed = try head.map { ChainHead(id: $0.id, hash: $0.envelope.hash, signature: try dif.key.signHead($0.id, hash: $0.envelope.hash)) }
        _ = try await server.pull(after: .start, for: dif.node, department: "DIF", limit: 500, head: signed)
    }

    func push(_ server: CentralServer, _ entries: [ChainedEntry], as dif: TestOrigin) async throws -> PushResponse {
        try await server.push(try dif.batch(entries, central: server.key.agreementPublicKey), from: dif.node, department: "DIF")
    }

    @Test("an entry at or below the head the node signed when told is an offline edit and counts; one above it is quarantined and does not")
    func boundary() async throws {
        let folder = try TemporaryFolder()
        let server = try await CentralSetup.initialize(dataDirectory: folder.sub("c"))
        let (c4, dif) = (TestOrigin("c4-01"), TestOrigin("dif-01"))
        try await setUp(server, c4: c4, dif: dif)
        // DIF rejects; then, offline, writes an attention it has not pushed when it pulls.
        let rejected = difEdit(dif, [.set(field: "referrals.\(referral).state", value: "rechazada")])
        _ = try await push(server, [rejected], as: dif)
        #expect(try await !server.scope(ofCase: key.id).contains("DIF"))
        let offline = difEdit(dif, [.set(field: "risk_level", value: "alto")])
        try await pull(server, as: dif, head: offline)
        // Written before it could know (at its head): applied, and DIF worked on the case.
        let accepted = try await push(server, [offline], as: dif)
        #expect(accepted.quarantined.isEmpty, "\(accepted.quarantined)")
        #expect(try await server.scope(ofCase: key.id).contains("DIF"))
        #expect(try await server.storage.read { try await $0.documentText(key) }.map(JSONValue.parse)?["risk_level"] == "alto")
    }

    @Test("after the pull that told it, the node's next entry is quarantined; a head it signed binds its chain, and a different entry there is refused")
    func afterTelling() async throws {
        let folder = try TemporaryFolder()
        let server = try await CentralSetup.initialize(dataDirectory: folder.sub("c"))
        let (c4, dif) = (TestOrigin("c4-01"), TestOrigin("dif-01"))
        try await setUp(server, c4: c4, dif: dif)
        let rejected = difEdit(dif, [.set(field: "referrals.\(referral).state", value: "rechazada")])
        _ = try await push(server, [rejected], as: dif)
        try await pull(server, as: dif, head: rejected)
        let late = difEdit(dif, [.set(field: "risk_level", value: "alto")])
        let answer = try await push(server, [late], as: dif)
        #expect(answer.quarantined.map(\.0) == [late.id.description], "\(answer.quarantined)")
        #expect(try await !server.scope(ofCase: key.id).contains("DIF"))
        #expect(try await server.storage.read { try await $0.documentText(key) }.map(JSONValue.parse)?["risk_level"] != "alto")

        // A head claimed beyond what it pushed binds the entry there: another one is refused.
        let folder2 = try TemporaryFolder()
        let second = try await CentralSetup.initialize(dataDirectory: folder2.sub("c"))
        let (c4b, difb) = (TestOrigin("c4-01"), TestOrigin("dif-01"))
        try await setUp(second, c4: c4b, dif: difb)
        let rejectedB = difEdit(difb, [.set(field: "referrals.\(referral).state", value: "rechazada")])
        _ = try await push(second, [rejectedB], as: difb)
        let claimed = difEdit(difb, [.set(field: "risk_level", value: "medio")])
        try await pull(second, as: difb, head: claimed)
        // The node rewrites its history after the fact: the same seq, other content.
        let rewritten = JournalEntry(
            id: claimed.id, recordType: .caseFile, recordID: key.id, clock: VectorClock([NodeID("c4-01")!: 1, difb.node: 2]),
            timestamp: HybridTimestamp(millis: 1_764_000_000_009), operations: [.set(field: "risk_level", value: "extremo")])
        let forged = ChainedEntry(testSealing: rewritten, prev: rejectedB.envelope.hash, salt: SystemClock.salt())
        await #expect(throws: Refusal.self) { try await push(second, [forged], as: difb) }
        #expect(try await push(second, [claimed], as: difb).quarantined.isEmpty)
    }
}
