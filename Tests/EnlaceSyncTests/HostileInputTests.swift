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
                                            "--central", "http://127.attacker.example:8443", "--token", TestToken.make()])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("https://"))
        #expect(!FileManager.default.fileExists(atPath: folder.sub("n/journal.sqlite")))
    }

    @Test("fuzz: a hostile central server's mutated pages and push answers never trap a node; a refused page stores nothing")
    func fuzzPulledPages() async throws {
        let seed = fuzzSeed()
        // What an honest central server would serve: the directory entry binding dif-01's key,
        // signed by the central server, then dif-01's entries under dif-01's signed head.
        let source = try await NodeFixture(nodeID: "dif-01", department: "DIF")
        let created = try await source.node.createCase(["intake_channel": "presencial", "summary": "Relato."], author: "srv-2")
        let id = try JSONValue.parse(created.document)["id"]!.stringValue!
        _ = try await source.node.addAttention(caseID: id, ["kind": "seguimiento"], author: "srv-prueba")
        _ = try await source.node.patchCase(id: id, ["risk_level": "alto", "person": ["phone": "477 555 0101"]], author: "srv-prueba")
        let central = TestOrigin("central")
        let dif = TestOrigin("dif-01")
        let directory = central.sealBody(DirectoryEvent(
            kind: .keys, node: dif.node, signingKey: dif.key.signingPublicKey, agreementKey: dif.key.agreementPublicKey,
            effectiveFrom: EntryID(origin: dif.node, seq: 1), at: 1_764_000_000_000).encodedBody)
        let entries = try await source.store.ownEntries(after: EntryID(origin: dif.node, seq: 0), limit: 10)
        let heads = await [try central.batch([directory]).head, try dif.batch(entries).head]
        // The case's key, wrapped to the pulling node's key as the central server does.
        let syncKey = ReplicaKey.generate()
        let caseKeys = try await source.store.caseKeys(for: [id])
        try #require(caseKeys.data[id] != nil)
        let validPage = PullPage.encode(
            storeID: "s1", nextPosition: Int64(entries.count + 1), nextEntry: entries.last!.id.description, more: false, heads: heads,
            entries: ([directory] + entries).map { ($0.envelope.bytes, $0.body?.blob) },
            keys: try {
                let (encapsulated, sealed) = try KeyWrap.sealBundle(caseKeys, to: syncKey.agreementPublicKey)
                return KeyBundle(encapsulated: encapsulated, sealed: sealed)
            }())
        let validPush = #"{"store_id":"s1","stored":1,"duplicates":0,"last_seq":1,"quarantined":[]}"#

        let served = ServedAnswers()
        let router = Router()
        router.get("/v1/sync/pull") { _, _ in served.page() }
        router.post("/v1/sync/push") { _, _ in served.push() }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: .quiet)
        try await app.test(.live) { client in
            let target = try await NodeFixture(nodeID: "c4-01", department: "C4", central: "http://127.0.0.1:\(client.port!)")
            _ = try await target.node.createCase(["intake_channel": "telefonica"], author: "srv-prueba")
            try await target.store.setAnchorKey(central.key.signingPublicKey)
            try await target.store.setCentralAgreementKey(central.key.agreementPublicKey)
            var configuration = SyncConfiguration()
            configuration.requestTimeoutMillis = 5000
            let sync = SyncClient(store: target.store, identity: target.node.identity, key: syncKey, configuration: configuration)
            var mutator = Mutator(seed: seed)
            for index in 0..<fuzzCases(300) {
                let page = mutator.int(0..<8) == 0 ? validPage : mutator.mutate(bytes: validPage)
                let push = mutator.int(0..<4) == 0 ? validPush : mutator.mutate(validPush)
                served.set(page: page, push: push, status: mutator.pick([200, 200, 200, 409, 500, 502]))
                let before = try await target.store.read { try await $0.entryCount() }
                let outcome = await Task.detached { () -> Result<RoundReport, SyncError> in
                    do throws(SyncError) { return await .success(try sync.round()) } catch { return .failure(error) }
                }.value
                if case .failure(let error) = outcome, error.kind == .untrusted {
                    #expect(try await target.store.read { try await $0.entryCount() } == before, "seed \(seed) case \(index): a refused page stored entries")
                }
            }
            let report = try await target.store.verify()
            #expect(report.isSound, "seed \(seed): \(report.problems.prefix(3))")
        }
    }
}

/// The answers a fake central server gives, changed between rounds by the test.
final class ServedAnswers: @unchecked Sendable {
    private let lock = NSLock()
    private var pageBytes: [UInt8] = []
    private var pushText = "{}"
    private var status = 200

    func set(page: [UInt8], push: String, status: Int) {
        lock.lock()
        (pageBytes, pushText, self.status) = (page, push, status)
        lock.unlock()
    }

    func page() -> Response {
        lock.lock()
        defer { lock.unlock() }
        return Response(status: .init(code: status), headers: [.contentType: PullPage.mediaType],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: pageBytes)))
    }

    func push() -> Response {
        lock.lock()
        defer { lock.unlock() }
        return JSONResponse.make(pushText, status: .init(code: status))
    }
}
