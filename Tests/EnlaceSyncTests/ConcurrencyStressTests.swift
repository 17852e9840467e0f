#if canImport(Glibc)
import Glibc
#endif
import EnlaceDemo
import EnlaceTestSupport
import EnlaceModel
import EnlaceNode
import EnlaceStore
import EnlaceSync
import Foundation
import Testing

/// Many writers at once on the same few records — pushes from several nodes, pulls, local
/// writes and resolutions — beside two busy processes, against a real central server.
@Suite("Concurrency under load", .serialized)
struct ConcurrencyStressTests {
    @Test("concurrent pushes, pulls, local writes and resolutions leave every replica sound, equal to a rebuild, with honest clocks")
    func concurrentWritersStaySound() async throws {
        let busy = try BusyProcesses(count: 2)
        defer { withExtendedLifetime(busy) {} }
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "resolver")
        let departments = [("c4-01", "C4"), ("dif-01", "DIF"), ("imm-01", "IMMUJERES"), ("sal-01", "SALUD")]
        var nodes: [StressNode] = []
        for (id, department) in departments {
            await nodes.append(try StressNode(id: id, department: department, central: central, token: try central.enroll(id, department)))
        }
        // A few shared cases, opened at C4 and referred to the other three departments, so that
        // every node holds them (need to know) before the storm.
        var cases: [String] = []
        for index in 0..<3 {
            let created = try await nodes[0].node.createCase(
                ["intake_channel": "presencial", "person": ["full_name": .string("Persona \(index)")]], author: "srv-1")
            let id = try JSONValue.parse(created.document)["id"]!.stringValue!
            for target in ["DIF", "IMMUJERES", "SALUD"] {
                _ = try await nodes[0].node.addReferral(caseID: id, ["to": .string(target), "reason": "Atención"], author: "srv-1")
            }
            cases.append(id)
        }
        for _ in 0..<2 { for node in nodes { _ = try await node.sync.round() } }

        let rounds = ProcessInfo.processInfo.environment["ENLACE_STRESS_ROUNDS"].flatMap(Int.init) ?? 40
        let failures = FailureLog()
        let (workers, shared) = (nodes, cases)
        let written = nodes.map { _ in Counter() }
        let resolved = Counter()
        // Per node: one writer task and one sync task; plus one office resolver. Every
        // error is a failure but the one a storm makes honestly: a conflict that moved on (409).
        await Workers.runTasks(workers.count * 2 + 1) { worker in
            var random = SystemRandomNumberGenerator()
            if worker == workers.count * 2 {
                for round in 0..<rounds {
                    do {
                        let list = try central.request("GET", "/v1/conflicts", token: office)
                        guard list.status == 200, let items = list.json["items"]?.arrayValue else {
                            failures.record("conflicts list \(round): \(list.status) \(list.json)")
                            continue
                        }
                        for conflict in items.prefix(2) {
                            guard let id = conflict["id"]?.stringValue, let value = conflict["provisional_value"] else { continue }
                            let body = JSONValue.object(["value": value, "note": "revisado"]).canonicalText
                            let answer = try central.request("POST", "/v1/conflicts/\(id)/resolve", token: office, body: body)
                            switch answer.status {
                            case 200: _ = resolved.next()
                            case 409: break
                            default: failures.record("resolve \(id): \(answer.status) \(answer.json)")
                            }
                        }
                    } catch {
                        failures.record("office \(round): \(error)")
                    }
                    try? await Task.sleep(for: .milliseconds(20))
                }
                return
            }
            let index = worker / 2
            let node = workers[index]
            for round in 0..<rounds {
                do {
                    if worker % 2 == 1 {
                        _ = try await node.sync.round()
                        continue
                    }
                    // Each write carries a value the node never wrote before: exactly one entry.
                    let id = shared.randomElement(using: &random)!
                    let author = "srv-\(node.id)"
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0:
                        _ = try await node.node.patchCase(
                            id: id, ["risk_level": .string(Vocabulary.riskLevel.values.randomElement(using: &random)!),
                                     "person": ["colonia": .string("\(node.id) colonia \(round)")]], author: author)
                    case 1:
                        _ = try await node.node.addAttention(caseID: id, ["kind": "seguimiento", "note": .string("nota \(round)")], author: author)
                    case 2:
                        _ = try await node.node.patchCase(id: id, ["summary": .string("\(node.id) ronda \(round)")], author: author)
                    default:
                        _ = try await node.node.patchCase(id: id, ["person": ["phone": .string("477 555 \(node.id) \(round)")]], author: author)
                    }
                    _ = written[index].next()
                } catch {
                    failures.record("\(node.id) round \(round): \(error)")
                }
            }
        }
        #expect(failures.messages.isEmpty, "\(failures.messages.prefix(3))")
        for _ in 0..<3 { for node in nodes { _ = try await node.sync.round() } }

        central.stop()
        let centralStore = try await central.openStore()
        // Exact counts: each node's chain holds what it wrote (C4 also opened and referred the
        // cases); the central journal holds every node's chain and its own entries.
        var nodeEntries = 0
        for (index, node) in nodes.enumerated() {
            let made = Int(written[index].current) + (index == 0 ? cases.count * 4 : 0)
            let replica = try await node.store.read { try await $0.ownReplica() }
            #expect(try await node.store.read { try await $0.lastSeq(of: replica) } == UInt64(made), "\(node.id) wrote \(made) entries")
            #expect(try await centralStore.read { try await $0.lastSeq(of: replica) } == UInt64(made), "the central server holds \(node.id)'s \(made)")
            nodeEntries += made
        }
        let centralOwn = try await centralStore.read { try await Int($0.lastSeq(of: $0.ownReplica())) }
        #expect(try await centralStore.read { try await $0.entryCount() } == nodeEntries + centralOwn)
        let stores: [(String, any ReplicaStore)] = [("central", centralStore)] + nodes.map { ($0.id, $0.store) }
        for (name, store) in stores {
            let report = try await store.verify()
            #expect(report.isSound, "\(name): \(report.problems.prefix(3))")
            let audit = try await ClockAudit.audit(store, replica: name)
            #expect(audit.dishonest.isEmpty, "\(name) made entries that ignore what it held: \(audit.dishonest.prefix(3))")
            let own = await name == "central" ? Int(resolved.current) : try store.read { try await Int($0.lastSeq(of: $0.ownReplica())) }
            #expect(audit.ownEntries == own, "\(name): \(audit.ownEntries) of its \(own) edits audited")
            // Every department holds the three cases whole: every node's edits and the resolutions.
            #expect(audit.entries == nodeEntries + Int(resolved.current), "\(name) audited \(audit.entries) edits")
        }
        for id in cases {
            let reference = try await centralStore.read { try await $0.documentText(RecordKey(.caseFile, id)) }
            for node in nodes {
                let mine = try await node.store.read { try await $0.documentText(RecordKey(.caseFile, id)) }
                #expect(mine == reference, "\(node.id) differs on \(id)")
            }
        }
    }
}

/// A field node in this process: its store, its record operations and its sync client.
final class StressNode: Sendable {
    let id: String
    let folder: TemporaryFolder
    let store: JournalStore
    let node: FieldNode
    let sync: SyncClient

    init(id: String, department: String, central: RunningCentral, token: String) async throws {
        self.id = id
        folder = try TemporaryFolder()
        try await NodeSetup.initialize(dataDirectory: folder.path, identity: ReplicaIdentity(
            nodeID: NodeID(id)!, department: department, centralURL: central.url, token: token, createdAt: SystemClock.now))
        store = try JournalStore.opened(data: folder.path)
        node = try await FieldNode(store: store)
        var configuration = SyncConfiguration()
        configuration.batchSize = 7
        sync = SyncClient(store: store, identity: node.identity, key: try ReplicaKey.load(from: ReplicaKey.file(in: folder.path, name: "node")),
                          configuration: configuration)
    }
}

