#if canImport(Glibc)
import Glibc
#endif
import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

import EnlaceHTTP
import EnlaceNode
import EnlaceProtocol
import EnlaceSync

/// What a hostile central server serves and a careless admin configures: a node never traps,
/// never stores a refused page, never sends a token in clear text.
@Suite("Hostile input at the sync client")
struct SyncHostileInputTests {
    @Test("loopback is an address, not a prefix: 127.attacker.example needs https")
    func loopbackIsParsed() throws {
        for url in ["http://127.0.0.1:8443", "http://127.255.0.9", "http://localhost:8443", "http://[::1]:8443", "https://enlace.leon.gob.mx"] {
            #expect(TransportPolicy.problem(centralURL: url) == nil, "\(url)")
        }
        for url in ["http://127.attacker.example:8443", "http://127.0.0.1.nip.io", "http://10.0.0.1", "http://[::2]", "ftp://127.0.0.1",
                    "http://user:pw@127.0.0.1", "127.0.0.1:8443", "http://"] {
            #expect(TransportPolicy.problem(centralURL: url) != nil, "\(url)")
        }
        let folder = try TemporaryFolder()
        let refused = try EnlaceBinary.run(["node", "init", "--data", folder.sub("n"), "--node-id", "c4-01", "--department", "C4",
                                            "--central", "http://127.attacker.example:8443", "--token", "t"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("https://"))
        #expect(!FileManager.default.fileExists(atPath: folder.sub("n/journal.sqlite")))
    }

    @Test("fuzz: a hostile central server's mutated pages and push answers never trap a node; a refused page stores nothing")
    func fuzzPulledPages() async throws {
        let seed = fuzzSeed()
        // What an honest central server would serve: dif-01's entries under its signed head.
        let source = try NodeFixture(nodeID: "dif-01", department: "DIF")
        let created = try source.node.createCase(["intake_channel": "presencial", "summary": "Relato."], author: "srv-2")
        let id = try JSONValue.parse(created.document)["id"]!.stringValue!
        _ = try source.node.addAttention(caseID: id, ["kind": "seguimiento"], author: nil)
        _ = try source.node.patchCase(id: id, ["risk_level": "alto", "person": ["phone": "477 555 0101"]], author: nil)
        let folder = try TemporaryFolder()
        let key = try ReplicaKey.create(at: folder.sub("dif.key"))
        let bodies = try source.store.ownEntries(of: NodeID("dif-01")!, after: 0, limit: 10)
        let hash = EntryChain.hash(bodies.last!)
        let head = ChainHead(origin: "dif-01", seq: UInt64(bodies.count), hash: hash,
                             signature: try key.signHead(origin: NodeID("dif-01")!, seq: UInt64(bodies.count), hash: hash))
        let validPage = "{\"store_id\":\"s1\",\"entries\":[" + bodies.joined(separator: ",") + "],\"next_position\":\(bodies.count)"
            + ",\"next_entry\":\"dif-01:\(bodies.count)\",\"more\":false,\"heads\":[" + String(decoding: try JSONEncoder().encode(head), as: UTF8.self) + "]}"
        let validPush = #"{"store_id":"s1","stored":1,"duplicates":0,"last_seq":1}"#

        let served = ServedAnswers()
        let router = Router()
        router.get("/v1/sync/pull") { _, _ in served.answer(\.page) }
        router.post("/v1/sync/push") { _, _ in served.answer(\.push) }
        router.get("/v1/sync/keys") { _, _ in JSONResponse.make(#"{"keys":{"dif-01":"\#(key.publicKey)"}}"#) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: .quiet)
        try await app.test(.live) { client in
            let target = try NodeFixture(nodeID: "c4-01", department: "C4", central: "http://127.0.0.1:\(client.port!)")
            _ = try target.node.createCase(["intake_channel": "telefonica"], author: nil)
            let nodeKey = try ReplicaKey.create(at: target.folder.sub("node.key"))
            try target.store.pinKeys(["c4-01": nodeKey.publicKey], at: "2026-11-30T00:00:00.000Z")
            var configuration = SyncConfiguration()
            configuration.requestTimeoutMillis = 5000
            let sync = SyncClient(store: target.store, identity: target.node.identity, key: nodeKey, configuration: configuration)
            var mutator = Mutator(seed: seed)
            for index in 0..<fuzzCases(300) {
                let page = mutator.int(0..<8) == 0 ? validPage : mutator.mutate(validPage)
                let push = mutator.int(0..<4) == 0 ? validPush : mutator.mutate(validPush)
                served.set(page: page, push: push, status: mutator.pick([200, 200, 200, 409, 500, 502]))
                let before = try target.store.read { try $0.entryCount() }
                let outcome = await Task.detached { () -> Result<RoundReport, SyncError> in
                    do throws(SyncError) { return .success(try sync.round()) } catch { return .failure(error) }
                }.value
                if case .failure(let error) = outcome, error.kind == .untrusted {
                    #expect(try target.store.read { try $0.entryCount() } == before, "seed \(seed) case \(index): a refused page stored entries")
                }
            }
            let report = try target.store.verify()
            #expect(report.isSound, "seed \(seed): \(report.problems.prefix(3))")
        }
    }
}

/// The answers a fake central server gives, changed between rounds by the test.
final class ServedAnswers: @unchecked Sendable {
    struct Answers {
        var page = "{}"
        var push = "{}"
        var status = 200
    }

    private let lock = NSLock()
    private var answers = Answers()

    func set(page: String, push: String, status: Int) {
        lock.lock()
        answers = Answers(page: page, push: push, status: status)
        lock.unlock()
    }

    func answer(_ body: KeyPath<Answers, String>) -> Response {
        lock.lock()
        defer { lock.unlock() }
        return JSONResponse.make(answers[keyPath: body], status: .init(code: answers.status))
    }
}

