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
    func push(_ server: CentralServer, _ edits: [JournalEntry], as origin: TestOrigin) throws {
        if try server.storage.transaction({ try $0.nodeCredential(origin.node) }) == nil {
            _ = try server.enroll(nodeID: origin.node, department: "C4", by: "test")
            try server.bind(origin.binding, for: origin.node)
        }
        let entries = edits.map(origin.seal)
        _ = try server.push(try origin.batch(entries, central: server.key.agreementPublicKey), from: origin.node, department: "C4")
    }

    @Test("resolving a superseded conflict id answers 409 naming the current one; values are validated")
    func supersededConflict() throws {
        let folder = try TemporaryFolder()
        let server = try CentralSetup.initialize(dataDirectory: folder.sub("c"))
        let store = try #require(server.storage as? JournalStore)
        try push(server, [edit("a", seq: 1, clock: ["a": 1], summary: "A")], as: TestOrigin("a"))
        try push(server, [edit("b", seq: 1, clock: ["b": 1], summary: "B")], as: TestOrigin("b"))
        let first = try #require(try store.read { try $0.conflicts(of: key).first { $0.field == "summary" && $0.status == .open }?.id })
        try push(server, [edit("c", seq: 1, clock: ["c": 1], summary: "C")], as: TestOrigin("c"))
        let current = try #require(try store.read { try $0.conflicts(of: key).first { $0.field == "summary" && $0.status == .open }?.id })
        #expect(current != first)
        do {
            _ = try server.resolve(conflictID: first, value: "A", note: nil, by: "lucia")
            Issue.record("a superseded id must be refused")
        } catch let refusal as Refusal {
            let error = APIError(refusal)
            #expect(error.status == 409)
            #expect(error.message.contains(current))
        }
        do {
            _ = try server.resolve(conflictID: current, value: 42, note: nil, by: "lucia")
            Issue.record("a number is not a summary")
        } catch let refusal as Refusal {
            let error = APIError(refusal)
            #expect(error.status == 400)
        }
        let resolved = try JSONDecoder().decode(JSONValue.self, from: Data(
            try server.resolve(conflictID: current, value: "C", note: "ok", by: "lucia").utf8))
        #expect(resolved["status"] == "resolved")
        #expect(resolved["resolution"]?["by"] == "lucia@central")
        #expect(try store.verify().isSound)
    }
}
