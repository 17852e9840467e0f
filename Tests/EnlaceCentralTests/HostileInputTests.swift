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

import EnlaceCentral
import EnlaceHTTP
import EnlaceNode
import EnlaceProtocol

/// What an attacker sends the central server: no input traps it, every refusal is a precise
/// 4xx, and nothing refused is stored.
@Suite("Hostile input at the central server")
struct HostileInputTests {
    /// A central server in this process, a node enrolled and bound that has pushed once, and
    /// the node's next batch, valid and signed.
    struct CentralFixture: Sendable {
        let folder: TemporaryFolder
        let server: CentralServer
        let store: JournalStore
        let nodeToken: String
        let viewerToken: String
        let resolverToken: String
        let node: NodeFixture
        let origin: TestOrigin
        let nextBatch: [UInt8]

        init() async throws {
            folder = try TemporaryFolder()
            server = try await CentralSetup.initialize(dataDirectory: folder.sub("central"))
            store = try #require(server.storage as? JournalStore)
            nodeToken = try await server.enroll(nodeID: NodeID("bom-01")!, department: "BOMBEROS", by: "test")
            viewerToken = try await server.addUser(name: "vera", role: .viewer, by: "test")
            resolverToken = try await server.addUser(name: "rosa", role: .resolver, by: "test")
            node = try await NodeFixture(nodeID: "bom-01", department: "BOMBEROS")
            origin = TestOrigin("bom-01")
            try await server.bind(origin.binding, for: origin.node)
            let created = try await node.node.createCase(["intake_channel": "presencial", "summary": "Relato."], author: "srv-1")
            let id = try JSONValue.parse(created.document)["id"]!.stringValue!
            _ = try await server.push(try origin.batch(try HostileInputTests.own(node.store, after: 0), central: server.key.agreementPublicKey, keysFrom: node.store), from: origin.node, department: "BOMBEROS")
            _ = try await node.node.addAttention(caseID: id, ["kind": "seguimiento", "note": "Llamada."], author: "srv-1")
            _ = try await node.node.patchCase(id: id, ["risk_level": "alto"], author: "srv-prueba")
            nextBatch = try await origin.batch(try HostileInputTests.own(node.store, after: 1), central: server.key.agreementPublicKey, keysFrom: node.store).bytes
        }

        func entryCount() async throws -> Int { try await store.read { try await $0.entryCount() } }
    }

    /// A node's own entries after `seq` (epoch 1).
    static func own(_ store: JournalStore, origin: String = "bom-01", after seq: UInt64) async throws -> [ChainedEntry] {
        try await store.ownEntries(after: EntryID(origin: NodeID(origin)!, seq: seq), limit: 100)
    }

    func withCentral(_ test: @Sendable (CentralFixture, TestClientProtocol) async throws -> Void) async throws {
        let fixture = try await CentralFixture()
        let app = Application(router: CentralAPI(server: fixture.server, maxBodyBytes: 256 * 1024).router(), logger: .quiet)
        try await app.test(.router) { client in try await test(fixture, client) }
    }

    /// One request; `signedBy` adds the node's `Enlace-Signature` over the exact path and body.
    static func call(
        _ client: TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, token: String?, body: [UInt8]? = nil,
        signedBy origin: TestOrigin? = nil, contentType: String = "application/json"
    ) async throws -> (status: Int, json: JSONValue) {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let origin {
            headers.append(.init(name: .init("Enlace-Signature")!, value: try origin.signature(method: method.rawValue, path: path, body: body ?? [])))
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }) { response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), (try? JSONValue.parse(text)) ?? .string(text))
        }
    }

    // MARK: The failures named in the issue

    @Test("a seq of 2^64-1 in a push and an age of 2^63-1 hours in a filter are refused with 400; the server keeps serving")
    func overflowingIntegers() async throws {
        try await withCentral { fixture, client in
            let before = try await fixture.entryCount()
            // The batch's first envelope claims seq 2^64-1 (its bytes written by hand).
            var envelope = ByteWriter()
            envelope.u8(2)
            envelope.shortString("bom-01")
            envelope.u32(1)
            envelope.u64(.max)
            envelope.raw([UInt8](repeating: 7, count: 64))
            var batch = ByteWriter()
            batch.raw(Array("EPB2".utf8))
            batch.raw(Array(fixture.nextBatch[4..<(4 + 1 + 6 + 4 + 8 + 32 + 64)]))
            batch.varint(2)
            for _ in 0..<2 {
                batch.varint(envelope.bytes.count)
                batch.raw(envelope.bytes)
                batch.varint(0)
            }
            let push = try await Self.call(client, .post, "/v1/sync/push", token: fixture.nodeToken, body: batch.bytes,
                                           signedBy: fixture.origin, contentType: PushRequest.mediaType)
            #expect(push.status == 400, "\(push.json)")
            #expect(push.json["error"]?.stringValue?.contains("seq") == true)
            let old = try await Self.call(client, .get, "/v1/conflicts?older_than_hours=9223372036854775807", token: fixture.viewerToken)
            #expect(old.status == 400)
            #expect(old.json["field"] == "older_than_hours")
            #expect(try await Self.call(client, .get, "/healthz", token: nil).status == 200)
            #expect(try await fixture.entryCount() == before)
            // The same value straight to the server's push: refused before any arithmetic.
            let bad = ChainedEntry(id: EntryID(origin: NodeID("bom-01")!, seq: .max), body: [2, 1], prev: nil, salt: SystemClock.salt())
            await #expect(throws: Refusal.self) {
                _ = try await fixture.server.push(try await fixture.origin.batch([bad, bad]), from: NodeID("bom-01")!, department: "BOMBEROS")
            }
        }
    }

    @Test("a department writes only as itself: a node that bypasses its own API is refused by the central server (403, nothing stored)")
    func departmentsEnforcedCentrally() async throws {
        let central = try await CentralFixture()
        let forged = try await NodeFixture(nodeID: "bom-01", department: "IMMUJERES")
        _ = try await forged.node.createCase(["intake_channel": "presencial"], author: "srv-prueba")
        let origin = TestOrigin("bom-01", key: central.origin.key)
        let before = try await central.entryCount()
        do {
            _ = try await central.server.push(try origin.batch(try Self.own(forged.store, after: 0), central: central.server.key.agreementPublicKey, keysFrom: forged.store), from: origin.node, department: "BOMBEROS")
            Issue.record("a case claimed for IMMUJERES by a BOMBEROS node must be refused")
        } catch let refusal as Refusal {
            let error = APIError(refusal)
            #expect(error.status == 403)
            #expect(error.field == "origin_department")
        }
        #expect(try await central.entryCount() == before)
    }

    @Test("a creation that reuses another record's id is refused with 409 at the central server")
    func reusedRecordID() async throws {
        let central = try await CentralFixture()
        let taken = try await central.store.read { try await $0.recordKeys() }.first!
        let other = try await NodeFixture(nodeID: "bom-02", department: "BOMBEROS")
        _ = try await central.server.enroll(nodeID: NodeID("bom-02")!, department: "BOMBEROS", by: "test")
        let origin = TestOrigin("bom-02")
        try await central.server.bind(origin.binding, for: origin.node)
        _ = try await other.node.createCase(["id": .string(taken.id), "intake_channel": "presencial"], author: "srv-prueba")
        let before = try await central.entryCount()
        do {
            _ = try await central.server.push(try origin.batch(try Self.own(other.store, origin: "bom-02", after: 0), central: central.server.key.agreementPublicKey,
                                                               keysFrom: other.store), from: origin.node,
                                        department: "BOMBEROS")
            Issue.record("a second creation of \(taken) must be refused")
        } catch let refusal as Refusal {
            let error = APIError(refusal)
            #expect(error.status == 409)
            #expect(error.message.contains("already exists"))
        }
        #expect(try await central.entryCount() == before)
    }

    @Test("init never overwrites a key file; a second daemon is told the store is busy, not damaged")
    func keysAndLocks() async throws {
        let folder = try TemporaryFolder()
        let data = folder.sub("n")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try "precious\n".write(toFile: data + "/node.key", atomically: true, encoding: .utf8)
        let result = try EnlaceBinary.run(["node", "init", "--data", data, "--node-id", "c4-01", "--department", "C4",
                                           "--central", "http://127.0.0.1:9", "--token", TestToken.make()])
        #expect(result.status != 0)
        #expect(result.stderr.contains("nunca se sobrescribe") && result.stderr.contains("node.key"), "\(result.stderr)")
        #expect(try String(contentsOfFile: data + "/node.key", encoding: .utf8) == "precious\n")
        #expect(!FileManager.default.fileExists(atPath: data + "/journal.sqlite"))

        let central = try await RunningCentral()
        try central.start()
        let second = try EnlaceBinary.run(["central", "run", "--data", central.data, "--listen", "127.0.0.1:\(try RunningCentral.freePort())"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("already running"), "\(second.stderr)")
        #expect(!second.stderr.contains("damaged") && !second.stderr.contains("dañad"))
    }

    @Test("fuzz: mutated push bodies and office requests never trap, never answer 5xx, never store what they refuse")
    func fuzzCentral() async throws {
        let seed = fuzzSeed()
        try await withCentral { fixture, client in
            var mutator = Mutator(seed: seed)
            let valid = fixture.nextBatch
            var stored = try await fixture.entryCount()
            for index in 0..<fuzzCases(1200) {
                // Signed by the node's key, so that decoding, not the signature, meets the mutation.
                let body = mutator.mutate(bytes: valid)
                let answer = try await Self.call(client, .post, "/v1/sync/push", token: fixture.nodeToken, body: body,
                                                 signedBy: fixture.origin, contentType: PushRequest.mediaType)
                #expect(answer.status < 500, "seed \(seed) case \(index): \(answer.status) \(answer.json)")
                let now = try await fixture.entryCount()
                if answer.status >= 300 { #expect(now == stored, "seed \(seed) case \(index): a refused push stored entries") }
                stored = now
            }
            let paths = ["/v1/sync/pull?after=%@&limit=%@&after_entry=%@", "/v1/sync/pull?scope_after=%@&limit=%@&after=%@",
                         "/v1/conflicts?status=%@&department=%@&older_than_hours=%@",
                         "/v1/conflicts?record_type=%@&field=%@&older_than_hours=%@", "/v1/cases/%@", "/v1/certifications/%@/history",
                         "/v1/conflicts/%@"]
            for index in 0..<fuzzCases(600) {
                let path = mutator.pick(paths)
                let values = (0..<3).map { _ in
                    (mutator.pick(Mutator.edgeNumbers + Mutator.edgeStrings).prefix(300))
                        .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                }
                let uri = String(format: path, values[0], values[1], values[2])
                let sync = path.hasPrefix("/v1/sync")
                let answer = try await Self.call(client, .get, uri, token: sync ? fixture.nodeToken : fixture.viewerToken,
                                                 signedBy: sync ? fixture.origin : nil)
                #expect(answer.status < 500, "seed \(seed) case \(index): GET \(uri.prefix(120)) answered \(answer.status)")
            }
            let resolve = #"{"value":"otro","note":"revisado"}"#
            for index in 0..<fuzzCases(200) {
                let answer = try await Self.call(client, .post, "/v1/conflicts/\(mutator.pick(Mutator.edgeStrings).prefix(80))/resolve",
                                                 token: fixture.resolverToken, body: Array(mutator.mutate(resolve).utf8))
                #expect(answer.status < 500, "seed \(seed) case \(index): resolve answered \(answer.status)")
            }
            #expect(try await fixture.store.verify().isSound)
        }
    }
}

/// A real central server process against clients that hold connections.
@Suite("Central server limits", .serialized)
struct CentralLimitsTests {
    /// A raw TCP connection to loopback `port`.
    final class RawConnection {
        let fd: Int32

        /// `from`: the loopback address it connects from (127.0.0.1 unless given).
        init(port: Int, from source: String? = nil) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            if let source {
                var local = sockaddr_in()
                local.sin_family = sa_family_t(AF_INET)
                local.sin_addr.s_addr = inet_addr(source)
                let bound = withUnsafePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard bound == 0 else { throw CLIFailure(message: "cannot bind to \(source)") }
            }
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
    func slowClients() async throws {
        let central = try await RunningCentral()
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
        // The server has taken both in when its accept queue is empty again.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, ListenBacklog.pending(port: central.port) != 0 { usleep(5_000) }
        #expect(ListenBacklog.pending(port: central.port) == 0)
        var quick = HTTPClientConfiguration()
        quick.totalTimeoutMillis = 300
        #expect(throws: HTTPClientError.self) { try HTTPClient(configuration: quick).perform(EnlaceHTTP.HTTPRequest(url: central.url + "/healthz")) }
        #expect(ListenBacklog.pending(port: central.port) == 1, "the third waits in the backlog, not served")
        #expect(first.closedByServer(within: 5) && second.closedByServer(within: 5))
        #expect(try central.request("GET", "/healthz", token: nil).status == 200)
    }

    @Test("hundreds of half-open connections from one client are cut to its share at once: everyone else is served")
    func connectionsPerClient() async throws {
        let central = try await RunningCentral()
        try central.start(["--max-connections-per-client", "32"])
        // One client (127.0.0.2) opens 520 connections (more than the server serves at once) and says nothing.
        let held = try (0..<520).map { _ in try RawConnection(port: central.port, from: "127.0.0.2") }
        var quick = HTTPClientConfiguration()
        quick.totalTimeoutMillis = 5_000
        let started = Date()
        let answer = try HTTPClient(configuration: quick).perform(EnlaceHTTP.HTTPRequest(url: central.url + "/healthz"))
        #expect(answer.status == 200, "another client is served while one holds its share")
        print("connections per client: /healthz answered in \(Int(Date().timeIntervalSince(started) * 1000)) ms beside 520 idle connections")
        // Past its share, the client's connections were closed at once; its share stays open.
        let closed = held.filter { $0.closedByServer(within: 0.05) }.count
        #expect(closed >= 520 - 32 && closed < 520, "\(closed) of 520 closed")
        let metrics = try HTTPClient(configuration: quick).perform(EnlaceHTTP.HTTPRequest(url: central.url + "/metrics")).text
        #expect(metrics.contains("enlace_central_connections_refused_total"))
    }

    @Test("the libcurl client stops a response larger than it accepts, with a precise error")
    func responseSizeCap() async throws {
        let central = try await RunningCentral()
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

