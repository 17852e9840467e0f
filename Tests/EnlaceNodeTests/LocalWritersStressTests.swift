#if canImport(Glibc)
import Glibc
#endif
import EnlaceModel
import EnlaceNode
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// Many local writers at once on the same few records, beside two busy processes.
@Suite("Local writers under load", .serialized)
struct LocalWritersStressTests {
    @Test("many local writers on the same few records: every write sees the one before it, and the store equals a rebuild")
    func localWritersStaySound() async throws {
        let busy = try BusyProcesses(count: 2)
        defer { withExtendedLifetime(busy) {} }
        let fixture = try await NodeFixture()
        let node = fixture.node
        var ids: [String] = []
        for index in 0..<4 {
            let created = try await node.createCase(["intake_channel": "presencial", "summary": .string("caso \(index)")], author: "srv-0")
            ids.append(try JSONValue.parse(created.document)["id"]!.stringValue!)
        }
        let writers = 16
        let writes = ProcessInfo.processInfo.environment["ENLACE_STRESS_ROUNDS"].flatMap(Int.init) ?? 40
        let failures = FailureLog()
        await Workers.runTasks(writers) { [ids] worker in
            for round in 0..<writes {
                let id = ids[(worker + round) % ids.count]
                do {
                    let risk = Vocabulary.riskLevel.values[(worker + round) % Vocabulary.riskLevel.values.count]
                    _ = try await node.patchCase(id: id, ["summary": .string("\(worker)-\(round)"), "risk_level": .string(risk)], author: "srv-\(worker)")
                } catch {
                    failures.record("\(error)")
                }
            }
        }
        #expect(failures.messages.isEmpty, "\(failures.messages.prefix(3))")
        let report = try await fixture.store.verify()
        #expect(report.isSound, "\(report.problems.prefix(3))")
        // Every write wrote one entry (each summary is new), and the audit opened every one.
        let audit = try await ClockAudit.audit(fixture.store, replica: "c4-01")
        #expect(audit.ownEntries == ids.count + writers * writes && audit.entries == audit.ownEntries, "\(audit.ownEntries) audited")
        #expect(audit.dishonest.isEmpty, "\(audit.dishonest.prefix(3))")
    }
}

