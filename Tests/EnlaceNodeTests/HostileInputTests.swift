#if canImport(Glibc)
import Glibc
#endif
import EnlaceAPI
import EnlaceCentral
import EnlaceConfig
import EnlaceHTTP
import EnlaceModel
import EnlaceNode
import EnlaceStore
import EnlaceSync
import EnlaceTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// What an attacker or a careless client sends: no input traps a process, every refusal is a
/// precise 4xx, and nothing refused is stored.
@Suite("Hostile input")
struct HostileInputTests {
    /// A central server in this process, a node that has pushed once (its key is pinned), and the
    /// node's next batch, valid and signed.
    struct CentralFixture: Sendable {
        let folder: TemporaryFolder
        let server: CentralServer
        let store: JournalStore
        let nodeToken: String
        let viewerToken: String
        let resolverToken: String
        let node: NodeFixture
        let key: ReplicaKey
        let nextBatch: String

        init() throws {
            folder = try TemporaryFolder()
            server = try CentralServer.initialize(dataDirectory: folder.sub("central"), now: FieldNode.systemMillis())
            store = try #require(server.storage as? JournalStore)
            nodeToken = try server.enroll(nodeID: NodeID("bom-01")!, department: "BOMBEROS", by: "test", now: FieldNode.systemMillis())
            viewerToken = try server.addUser(name: "vera", role: .viewer, by: "test", now: FieldNode.systemMillis())
            resolverToken = try server.addUser(name: "rosa", role: .resolver, by: "test", now: FieldNode.systemMillis())
            node = try NodeFixture(nodeID: "bom-01", department: "BOMBEROS")
            key = try ReplicaKey.create(at: folder.sub("bom.key"))
            let created = try node.node.createCase(["intake_channel": "presencial", "summary": "Relato."], author: "srv-1")
            let id = try JSONValue.parse(created.document)["id"]!.stringValue!
            let first = try HostileInputTests.batch(node.store, key: key, after: 0)
            _ = try server.push(first.entries, head: first.head, from: NodeID("bom-01")!, department: "BOMBEROS")
            _ = try node.node.addAttention(caseID: id, ["kind": "seguimiento", "note": "Llamada."], author: "srv-1")
            _ = try node.node.patchCase(id: id, ["risk_level": "alto"], author: nil)
            nextBatch = try HostileInputTests.batch(node.store, key: key, after: 1).text
        }

        func entryCount() throws -> Int { try store.read { try $0.entryCount() } }
    }

    /// A node's own entries after `seq`, signed at their head: as the push body and as values.
    static func batch(_ store: JournalStore, key: ReplicaKey, after seq: UInt64) throws
        -> (text: String, entries: [JournalEntry], head: ChainHead)
    {
        let bodies = try store.ownEntries(of: NodeID("bom-01")!, after: seq, limit: 100)
        let last = seq + UInt64(bodies.count)
        let hash = EntryChain.hash(bodies.last!)
        let head = ChainHead(origin: "bom-01", seq: last, hash: hash,
                             signature: try key.signHead(origin: NodeID("bom-01")!, seq: last, hash: hash), publicKey: key.publicKey)
        let text = "{\"entries\":[" + bodies.joined(separator: ",") + "],\"head\":"
            + String(decoding: try JSONEncoder().encode(head), as: UTF8.self) + "}"
        return (text, try bodies.map(EntryCoding.decode), head)
    }

    func withCentral(_ test: @Sendable (CentralFixture, TestClientProtocol) async throws -> Void) async throws {
        let fixture = try CentralFixture()
        let app = Application(router: CentralAPI(server: fixture.server, maxBodyBytes: 256 * 1024).router(), logger: .quiet)
        try await app.test(.router) { client in try await test(fixture, client) }
    }

    static func call(
        _ client: TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, token: String?, body: String? = nil
    ) async throws -> (status: Int, json: JSONValue) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), (try? JSONValue.parse(text)) ?? .string(text))
        }
    }

    // MARK: The failures named in the issue

    @Test("a seq of 2^64-1 in a push and an age of 2^63-1 hours in a filter are refused with 400; the server keeps serving")
    func overflowingIntegers() async throws {
        try await withCentral { fixture, client in
            let huge = fixture.nextBatch.replacingOccurrences(of: "\"seq\":2,", with: "\"seq\":18446744073709551615,")
            #expect(huge != fixture.nextBatch)
            let push = try await Self.call(client, .post, "/v1/sync/push", token: fixture.nodeToken, body: huge)
            #expect(push.status == 400, "\(push.json)")
            #expect(push.json["error"]?.stringValue?.contains("seq") == true)
            let old = try await Self.call(client, .get, "/v1/conflicts?older_than_hours=9223372036854775807", token: fixture.viewerToken)
            #expect(old.status == 400)
            #expect(old.json["field"] == "older_than_hours")
            #expect(try await Self.call(client, .get, "/healthz", token: nil).status == 200)
            #expect(try fixture.entryCount() == 1)
            // The same values straight to the server's push: refused before any arithmetic.
            let bad = JournalEntry(
                id: EntryID(origin: NodeID("bom-01")!, seq: .max), recordType: .caseFile, recordID: "01JDQ8Z6N4W2C4X9V3K5M7P8RA",
                clock: VectorClock([NodeID("bom-01")!: 1]), timestamp: HybridTimestamp(millis: 1_764_000_000_000),
                operations: [.set(field: "summary", value: "x")])
            #expect(throws: APIError.self) {
                _ = try fixture.server.push([bad, bad], head: nil, from: NodeID("bom-01")!, department: "BOMBEROS")
            }
        }
    }

    @Test("a department writes only as itself: at the node's API and at the central server (403, nothing stored)")
    func departmentsEnforced() async throws {
        let fixture = try NodeFixture(nodeID: "bom-01", department: "BOMBEROS")
        let app = Application(router: NodeAPI(node: fixture.node).router(), logger: .quiet)
        try await app.test(.router) { client in
            let foreign = try await Self.call(client, .post, "/v1/cases", token: nil,
                                              body: #"{"intake_channel":"presencial","origin_department":"IMMUJERES"}"#)
            #expect(foreign.status == 403)
            #expect(foreign.json["field"] == "origin_department")
            let own = try await Self.call(client, .post, "/v1/cases", token: nil, body: #"{"intake_channel":"presencial"}"#)
            #expect(own.status == 201)
            #expect(own.json["origin_department"] == "BOMBEROS")
            let id = own.json["id"]!.stringValue!
            let attention = try await Self.call(client, .post, "/v1/cases/\(id)/attentions", token: nil,
                                                body: #"{"kind":"orientacion","department":"IMMUJERES"}"#)
            #expect(attention.status == 403)
            let referral = try await Self.call(client, .post, "/v1/cases/\(id)/referrals", token: nil,
                                               body: #"{"to":"DIF","from":"C4"}"#)
            #expect(referral.status == 403)
            #expect(try fixture.store.read { try $0.entryCount() } == 1)
        }

        // A node that bypasses its own API: the central server refuses the batch.
        let central = try CentralFixture()
        let forged = try NodeFixture(nodeID: "bom-01", department: "IMMUJERES")
        _ = try forged.node.createCase(["intake_channel": "presencial"], author: nil)
        let batch = try Self.batch(forged.store, key: central.key, after: 0)
        let before = try central.entryCount()
        do {
            _ = try central.server.push(batch.entries, head: batch.head, from: NodeID("bom-01")!, department: "BOMBEROS")
            Issue.record("a case claimed for IMMUJERES by a BOMBEROS node must be refused")
        } catch let error as APIError {
            #expect(error.status == 403)
            #expect(error.field == "origin_department")
        }
        #expect(try central.entryCount() == before)
    }

    @Test("a creation that reuses another record's id is refused with 409 at the central server")
    func reusedRecordID() throws {
        let central = try CentralFixture()
        let taken = try central.store.read { try $0.recordKeys() }.first!
        let other = try NodeFixture(nodeID: "bom-02", department: "BOMBEROS")
        _ = try central.server.enroll(nodeID: NodeID("bom-02")!, department: "BOMBEROS", by: "test", now: FieldNode.systemMillis())
        _ = try other.node.createCase(["id": .string(taken.id), "intake_channel": "presencial"], author: nil)
        let key = try ReplicaKey.create(at: central.folder.sub("bom2.key"))
        let bodies = try other.store.ownEntries(of: NodeID("bom-02")!, after: 0, limit: 10)
        let hash = EntryChain.hash(bodies[0])
        let head = ChainHead(origin: "bom-02", seq: 1, hash: hash, signature: try key.signHead(origin: NodeID("bom-02")!, seq: 1, hash: hash),
                             publicKey: key.publicKey)
        do {
            _ = try central.server.push(try bodies.map(EntryCoding.decode), head: head, from: NodeID("bom-02")!, department: "BOMBEROS")
            Issue.record("a second creation of \(taken) must be refused")
        } catch let error as APIError {
            #expect(error.status == 409)
            #expect(error.message.contains("already exists"))
        }
        #expect(try central.entryCount() == 1)
    }

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

    @Test("init never overwrites a key file; a second daemon is told the store is busy, not damaged")
    func keysAndLocks() throws {
        let folder = try TemporaryFolder()
        let data = folder.sub("n")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try "precious\n".write(toFile: data + "/node.key", atomically: true, encoding: .utf8)
        let result = try EnlaceBinary.run(["node", "init", "--data", data, "--node-id", "c4-01", "--department", "C4",
                                           "--central", "http://127.0.0.1:9", "--token", "t"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("never overwritten"))
        #expect(try String(contentsOfFile: data + "/node.key", encoding: .utf8) == "precious\n")
        #expect(!FileManager.default.fileExists(atPath: data + "/journal.sqlite"))

        let central = try RunningCentral()
        try central.start()
        let second = try EnlaceBinary.run(["central", "run", "--data", central.data, "--listen", "127.0.0.1:\(try RunningCentral.freePort())"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("already running"))
        #expect(!second.stderr.contains("damaged"))
    }

    @Test("refused values are never copied into messages: a too-long name is refused by field, not echoed")
    func refusedValuesStayOut() async throws {
        let name = "María Guadalupe " + String(repeating: "Torres ", count: 40)
        let fixture = try NodeFixture()
        let app = Application(router: NodeAPI(node: fixture.node).router(), logger: .quiet)
        try await app.test(.router) { client in
            let answer = try await Self.call(client, .post, "/v1/cases", token: nil,
                                             body: JSONValue.object(["intake_channel": "presencial", "person": ["full_name": .string(name)]]).canonicalText)
            #expect(answer.status == 422)
            #expect(answer.json["field"] == "person.full_name")
            #expect(answer.json["error"]?.stringValue?.contains("Guadalupe") == false)
            #expect(answer.json["error"]?.stringValue?.contains("bytes") == true)
        }
        // Limits count bytes: 100 two-byte letters are 200 bytes, within a 200-byte field; 101 are not.
        #expect(throws: Never.self) { try Schema.caseFile.normalize(.string(String(repeating: "ñ", count: 100)),
                                                                  for: Schema.caseFile.spec(forPath: "person.full_name")!, at: "person.full_name") }
        #expect(throws: ValidationError.self) { try Schema.caseFile.normalize(.string(String(repeating: "ñ", count: 101)),
                                                                            for: Schema.caseFile.spec(forPath: "person.full_name")!, at: "person.full_name") }
    }

    // MARK: Fuzzing

    @Test("fuzz: mutated push bodies and office requests never trap, never answer 5xx, never store what they refuse")
    func fuzzCentral() async throws {
        let seed = fuzzSeed()
        try await withCentral { fixture, client in
            var mutator = Mutator(seed: seed)
            let valid = fixture.nextBatch
            var stored = try fixture.entryCount()
            for index in 0..<fuzzCases(1200) {
                let body = mutator.mutate(valid)
                let answer = try await Self.call(client, .post, "/v1/sync/push", token: fixture.nodeToken, body: body)
                #expect(answer.status < 500, "seed \(seed) case \(index): \(answer.status) \(answer.json)")
                let now = try fixture.entryCount()
                if answer.status >= 300 { #expect(now == stored, "seed \(seed) case \(index): a refused push stored entries") }
                stored = now
            }
            let paths = ["/v1/sync/pull?after=%@&limit=%@&after_entry=%@", "/v1/conflicts?status=%@&department=%@&older_than_hours=%@",
                         "/v1/conflicts?record_type=%@&field=%@&older_than_hours=%@", "/v1/cases/%@", "/v1/certifications/%@/history",
                         "/v1/conflicts/%@"]
            for index in 0..<fuzzCases(600) {
                let path = mutator.pick(paths)
                let values = (0..<3).map { _ in
                    (mutator.pick(Mutator.edgeNumbers + Mutator.edgeStrings).prefix(300))
                        .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                }
                let uri = String(format: path, values[0], values[1], values[2])
                let token = path.hasPrefix("/v1/sync") ? fixture.nodeToken : fixture.viewerToken
                let answer = try await Self.call(client, .get, uri, token: token)
                #expect(answer.status < 500, "seed \(seed) case \(index): GET \(uri.prefix(120)) answered \(answer.status)")
            }
            let resolve = #"{"value":"otro","note":"revisado"}"#
            for index in 0..<fuzzCases(200) {
                let answer = try await Self.call(client, .post, "/v1/conflicts/\(mutator.pick(Mutator.edgeStrings).prefix(80))/resolve",
                                                 token: fixture.resolverToken, body: mutator.mutate(resolve))
                #expect(answer.status < 500, "seed \(seed) case \(index): resolve answered \(answer.status)")
            }
            #expect(try fixture.store.verify().isSound)
        }
    }

    @Test("fuzz: the node's local API refuses mutated bodies and queries precisely and stores nothing it refuses")
    func fuzzNodeAPI() async throws {
        let seed = fuzzSeed()
        let fixture = try NodeFixture()
        let app = Application(router: NodeAPI(node: fixture.node, maxBodyBytes: 256 * 1024).router(), logger: .quiet)
        try await app.test(.router) { client in
            let created = try await Self.call(client, .post, "/v1/cases", token: nil,
                                              body: #"{"intake_channel":"presencial","summary":"Relato.","person":{"full_name":"Ana"}}"#)
            let id = created.json["id"]!.stringValue!
            let cert = try await Self.call(client, .post, "/v1/certifications", token: nil,
                                           body: #"{"holder_name":"Rosa","standard_code":"EC0539","folio":"D-1"}"#)
            let certID = cert.json["id"]!.stringValue!
            let requests: [(HTTPRequest.Method, String, String)] = [
                (.post, "/v1/cases", #"{"intake_channel":"presencial","risk_level":"medio","person":{"birth_year":1990,"phone":"477"},"violence_types":["fisica"]}"#),
                (.patch, "/v1/cases/\(id)", #"{"risk_level":"alto","person":{"phone":"477 555"},"modalities":["familiar"],"incident_date":"2026-01-02"}"#),
                (.post, "/v1/cases/\(id)/attentions", #"{"kind":"orientacion","note":"Nota","at":"2026-11-29T10:00:00Z"}"#),
                (.post, "/v1/cases/\(id)/referrals", #"{"to":"DIF","reason":"Apoyo","urgency":"inmediata"}"#),
                (.post, "/v1/certifications", #"{"holder_name":"Eva","standard_code":"EC0539","folio":"F-2","issued_on":"2025-01-01"}"#),
                (.patch, "/v1/certifications/\(certID)", #"{"valid_until":"2030-01-01","status":"vigente"}"#),
            ]
            var stored = try fixture.store.read { try $0.entryCount() }
            var mutator = Mutator(seed: seed)
            for index in 0..<fuzzCases(900) {
                let (method, path, body) = mutator.pick(requests)
                let answer = try await Self.call(client, method, path, token: nil, body: mutator.mutate(body))
                #expect(answer.status < 500, "seed \(seed) case \(index): \(method) \(path) answered \(answer.status) \(answer.json)")
                let now = try fixture.store.read { try $0.entryCount() }
                if answer.status >= 300 { #expect(now == stored, "seed \(seed) case \(index): a refused write stored entries") }
                stored = now
            }
            for index in 0..<fuzzCases(300) {
                let value = mutator.pick(Mutator.edgeNumbers + Mutator.edgeStrings).prefix(200)
                    .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let path = mutator.pick(["/v1/cases?limit=\(value)", "/v1/cases?after=\(value)", "/v1/conflicts?status=\(value)",
                                         "/v1/certifications?limit=\(value)&after=\(value)", "/v1/cases/\(value)/history"])
                let answer = try await Self.call(client, .get, path, token: nil)
                #expect(answer.status < 500, "seed \(seed) case \(index): GET \(path.prefix(100)) answered \(answer.status)")
            }
            #expect(try fixture.store.verify().isSound)
        }
    }

    @Test("fuzz: roster rows and configuration lines give precise errors, never a trap")
    func fuzzFiles() throws {
        let seed = fuzzSeed()
        var mutator = Mutator(seed: seed)
        let fixture = try NodeFixture()
        let roster = try String(exampleRoster().split(separator: "\n").prefix(6).joined(separator: "\n"))
        var stored = try fixture.store.read { try $0.entryCount() }
        for index in 0..<fuzzCases(300) {
            do {
                _ = try fixture.node.importRoster(mutator.mutate(roster), author: nil)
            } catch let error as APIError {
                #expect((400..<500).contains(error.status), "seed \(seed) case \(index): \(error.status) \(error.message)")
                #expect(try fixture.store.read { try $0.entryCount() } == stored)
            }
            stored = try fixture.store.read { try $0.entryCount() }
        }
        let folder = try TemporaryFolder()
        let config = try String(contentsOfFile: repositoryFile("config/node.conf"), encoding: .utf8)
        for index in 0..<fuzzCases(300) {
            let path = folder.sub("case-\(index).conf")
            try mutator.mutate(config).write(toFile: path, atomically: true, encoding: .utf8)
            do {
                let settings = Settings(file: try ConfigFile(path: path, keys: ["data", "central_url", "sync_interval", "batch_size",
                                                                                "log_level", "ca_file", "proxy", "http_listen",
                                                                                "sync_debounce", "backoff_initial", "backoff_max"]),
                                        environment: [:])
                _ = try settings.double("sync_interval", flag: nil, default: 60, range: 0.01...86_400)
                _ = try settings.int("batch_size", flag: nil, default: 500, range: 1...5000)
            } catch {
                #expect(!"\(error)".isEmpty, "seed \(seed) case \(index)")
            }
        }
    }
}

extension HostileInputTests {
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

/// A real central server process against clients that hold connections.
@Suite("Central server limits", .serialized)
struct CentralLimitsTests {
    /// A raw TCP connection to loopback `port`.
    final class RawConnection {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw CLIFailure(message: "cannot connect to \(port)") }
        }

        func send(_ text: String) { _ = text.withCString { Glibc.send(fd, $0, strlen($0), 0) } }

        /// Whether the server closed the connection within `seconds` (reads until EOF).
        func closedByServer(within seconds: Double) -> Bool {
            var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 4096)
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count == 0 { return true }
                if count < 0 { return errno == ECONNRESET }
            }
            return false
        }

        deinit { close(fd) }
    }

    @Test("a request head never finished, a body sent too slowly and too many connections cannot hold the server")
    func slowClients() throws {
        let central = try RunningCentral()
        try central.start(["--idle-timeout", "1", "--request-timeout", "1", "--max-connections", "2"])
        // A head that never ends: closed by the idle timeout.
        let head = try RawConnection(port: central.port)
        head.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        #expect(head.closedByServer(within: 5))
        // A body that never ends: closed by the request timeout.
        let body = try RawConnection(port: central.port)
        body.send("POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"entries\":")
        #expect(body.closedByServer(within: 5))
        // Two silent connections fill the server; a third request waits until they are closed.
        let first = try RawConnection(port: central.port)
        let second = try RawConnection(port: central.port)
        usleep(200_000)
        var quick = HTTPClientConfiguration()
        quick.totalTimeoutMillis = 300
        #expect(throws: HTTPClientError.self) { try HTTPClient(configuration: quick).perform(EnlaceHTTP.HTTPRequest(url: central.url + "/healthz")) }
        #expect(first.closedByServer(within: 5) && second.closedByServer(within: 5))
        #expect(try central.request("GET", "/healthz", token: nil).status == 200)
    }

    @Test("the libcurl client stops a response larger than it accepts, with a precise error")
    func responseSizeCap() throws {
        let central = try RunningCentral()
        try central.start()
        var small = HTTPClientConfiguration()
        small.maxResponseBytes = 64
        do {
            _ = try HTTPClient(configuration: small).perform(EnlaceHTTP.HTTPRequest(url: central.url + "/metrics"))
            Issue.record("a response over the cap must stop the transfer")
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.message.contains("64 bytes"))
        }
        #expect(try HTTPClient().perform(EnlaceHTTP.HTTPRequest(url: central.url + "/metrics")).status == 200)
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

extension Logger {
    /// A logger that says only what is critical: fuzz runs refuse thousands of requests.
    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }
}
