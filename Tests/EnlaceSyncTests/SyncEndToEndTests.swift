#if canImport(Glibc)
import Glibc
#endif
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import EnlaceSync
import EnlaceTestSupport
import Foundation
import Testing

/// A real central server and real node daemons on loopback.
@Suite("Sync end to end", .serialized)
struct SyncEndToEndTests {
    func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    func sync(_ node: RunningNode) throws -> JSONValue {
        let result = try node.cli(["sync", "--json"])
        guard result.status == 0 else { throw CLIFailure(result: result) }
        return try json(result.stdout)
    }

    @Test("a central server and three nodes: offline writes and concurrent edits converge to identical records and conflicts")
    func threeNodesConverge() throws {
        let central = try RunningCentral()
        let office = try central.user("lucia", role: "viewer")
        let departments = [("c4-01", "C4"), ("dif-01", "DIF"), ("imm-01", "IMMUJERES")]
        var nodes: [RunningNode] = []
        for (id, department) in departments {
            let token = try central.enroll(id, department)
            let node = try RunningNode(nodeID: id, department: department, central: central.url, token: token)
            try node.start()
            nodes.append(node)
        }
        let (c4, dif, imm) = (nodes[0], nodes[1], nodes[2])

        // C4 opens a case while the central server is down.
        let created = try c4.request("POST", "/v1/cases", ["intake_channel": "emergencia_911", "risk_level": "medio",
                                                            "person": ["full_name": "Ana Ruiz"]])
        #expect(created.status == 201)
        let id = created.json["id"]!.stringValue!
        let offline = try c4.cli(["sync"])
        #expect(offline.status == 1)
        #expect(offline.stderr.contains("unreachable"))

        try central.start()
        #expect(try sync(c4)["pushed"] == 1)
        for node in [dif, imm] { #expect(try sync(node)["pulled"] == 1) }

        // Concurrent offline edits of the same case on all three nodes.
        central.stop()
        _ = try c4.request("PATCH", "/v1/cases/\(id)", ["risk_level": "alto", "summary": "Amenazas por teléfono."])
        _ = try dif.request("PATCH", "/v1/cases/\(id)", ["risk_level": "medio", "summary": "Agresión en domicilio.",
                                                         "person": ["phone": "477 555 0101"]])
        _ = try dif.request("POST", "/v1/cases/\(id)/attentions", ["kind": "contencion_emocional"])
        _ = try imm.request("PATCH", "/v1/cases/\(id)", ["status": "concluido", "person": ["phone": "477 555 0199"]])
        _ = try imm.request("POST", "/v1/cases", ["intake_channel": "presencial"])

        try central.start()
        for node in nodes { _ = try sync(node) }
        for node in nodes { _ = try sync(node) }

        let reference = try central.request("GET", "/v1/cases/\(id)", token: office)
        #expect(reference.status == 200)
        #expect(reference.json["risk_level"] == "alto")
        #expect(reference.json["status"] == "abierto")
        let conflictFields = Set((reference.json["conflicts"]?.arrayValue ?? []).compactMap { $0["field"]?.stringValue })
        #expect(conflictFields == ["summary", "person.phone", "status"])
        for node in nodes {
            let mine = try node.request("GET", "/v1/cases/\(id)")
            #expect(mine.json == reference.json, "\(node.nodeID) differs from the central copy")
            let list = try node.request("GET", "/v1/cases")
            #expect(list.json["items"]?.arrayValue?.count == 2)
            let status = try node.request("GET", "/v1/status")
            #expect(status.json["pending_entries"] == 0)
            #expect(status.json["last_error"] == .null)
            #expect(status.json["last_sync_at"] != .null)
            #expect(try node.cli(["journal", "verify"]).status == 0)
        }
        let conflicts = try central.request("GET", "/v1/conflicts", token: office)
        let nodeConflicts = try c4.request("GET", "/v1/conflicts")
        #expect(conflicts.json["items"] == nodeConflicts.json["items"])
    }

    @Test("with the central server down, nodes keep accepting writes; when it returns, the scheduled rounds deliver")
    func centralDownThenBack() throws {
        let central = try RunningCentral()
        let token = try central.enroll("salud-01", "SALUD")
        let node = try RunningNode(nodeID: "salud-01", department: "SALUD", central: central.url, token: token)
        try node.start(["--sync-interval", "0.5", "--sync-debounce", "0.1", "--backoff-initial", "0.2", "--backoff-max", "0.5"])
        for index in 0..<5 {
            #expect(try node.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": .string("caso \(index)")]).status == 201)
        }
        guard let failing = try? node.request("POST", "/v1/sync") else { Issue.record("no answer: \(node.daemon?.log ?? "")"); return }
        #expect(failing.status == 503)
        #expect(failing.json["error"]?.stringValue?.contains("Couldn't connect") == true
                || failing.json["error"]?.stringValue?.contains("Connection refused") == true)
        #expect(try node.request("GET", "/v1/status").json["pending_entries"] == 5)
        #expect(try node.request("GET", "/v1/status").json["last_error"] != .null)

        try central.start()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try node.request("GET", "/v1/status").json["pending_entries"] != 0 { usleep(100_000) }
        #expect(try node.request("GET", "/v1/status").json["pending_entries"] == 0)
        let office = try central.user("ana", role: "viewer")
        #expect(try central.request("GET", "/v1/status", token: office).json["journal_entries"] == 5)

        // Prometheus text on the node's socket and, without a token, at the central server.
        let metrics = try node.request("GET", "/metrics").json.stringValue ?? ""
        #expect(metrics.contains("enlace_node_sync_rounds_total{outcome=\"failure\"}"))
        #expect(metrics.contains("enlace_node_entries_pushed_total 5"))
        #expect(metrics.contains("enlace_node_pending_entries 0"))
        #expect(metrics.contains("enlace_node_sync_batch_seconds_count"))
        #expect(metrics.contains("enlace_node_seconds_since_last_sync"))
        let centralMetrics = try central.request("GET", "/metrics", token: nil)
        #expect(centralMetrics.status == 200)
        #expect(centralMetrics.json.stringValue?.contains("enlace_central_entries_pushed_total 5") == true)
        #expect(centralMetrics.json.stringValue?.contains("enlace_central_journal_entries 5") == true)
    }

    @Test("pushes are idempotent and gap-free; wrong origins, reused ids and bad tokens are refused precisely")
    func pushProtocol() throws {
        let central = try RunningCentral()
        try central.start()
        let token = try central.enroll("bom-01", "BOMBEROS")
        let office = try central.user("rosa", role: "admin")
        func entry(_ seq: UInt64, origin: String = "bom-01", risk: String = "alto") -> String {
            let prev = seq == 1 ? nil : EntryChain.hash(entry(seq - 1, origin: origin))
            let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RA")
            let operations: [FieldOperation] = seq == 1
                ? [.set(field: "folio", value: "LEON-BOM-01-2026-000001"), .set(field: "origin_department", value: "BOMBEROS"),
                   .set(field: "intake_channel", value: "presencial")]
                : [.set(field: "risk_level", value: .string(risk))]
            let value = JournalEntry(
                id: EntryID(origin: NodeID(origin)!, seq: seq), recordType: .caseFile, recordID: key.id,
                clock: VectorClock([NodeID(origin)!: seq]), timestamp: HybridTimestamp(millis: 1_764_000_000_000 + Int64(seq)),
                operations: operations, prev: prev)
            return EntryCoding.encode(value)
        }
        let key = try ReplicaKey.create(at: central.folder.sub("bom.key"))
        /// A batch whose head is signed with `signer` (as origin `origin`).
        func push(_ entries: [String], token: String?, signer: ReplicaKey? = nil, origin: String = "bom-01") throws -> (status: Int, json: JSONValue) {
            let signer = signer ?? key
            let last = entries.last.flatMap { try? EntryCoding.decode($0) }
            let seq = last?.id.seq ?? 0
            let hash = entries.last.map(EntryChain.hash) ?? ""
            let head = ChainHead(origin: origin, seq: seq, hash: hash,
                                 signature: try signer.signHead(origin: NodeID(origin)!, seq: seq, hash: hash), publicKey: signer.publicKey)
            let headText = String(decoding: try JSONEncoder().encode(head), as: UTF8.self)
            return try central.request("POST", "/v1/sync/push", token: token,
                                       body: "{\"entries\":[" + entries.joined(separator: ",") + "],\"head\":" + headText + "}")
        }
        let first = try push([entry(1), entry(2)], token: token)
        #expect(first.status == 200)
        #expect(first.json["stored"] == 2)
        let again = try push([entry(1), entry(2)], token: token)
        #expect(again.json["stored"] == 0 && again.json["duplicates"] == 2 && again.json["last_seq"] == 2)
        let gap = try push([entry(5)], token: token)
        #expect(gap.status == 409)
        #expect(gap.json["expected_seq"] == 3)
        let reused = try push([entry(2, risk: "bajo")], token: token)
        #expect(reused.status == 409)
        #expect(reused.json["error"]?.stringValue?.contains("bom-01:2") == true)
        #expect(try push([entry(3, origin: "c4-01")], token: token, origin: "c4-01").status == 403)
        // Forged: signed by another key than the one pinned on first contact.
        let forger = try ReplicaKey.create(at: central.folder.sub("forger.key"))
        let forged = try push([entry(3)], token: token, signer: forger)
        #expect(forged.status == 403)
        #expect(forged.json["error"]?.stringValue?.contains("another key") == true)
        // Altered after signing: the signed head is the genuine entry 3's, the entry sent is not.
        let genuine = EntryChain.hash(entry(3))
        let signedHead = ChainHead(origin: "bom-01", seq: 3, hash: genuine,
                                   signature: try key.signHead(origin: NodeID("bom-01")!, seq: 3, hash: genuine))
        let altered = try central.request("POST", "/v1/sync/push", token: token, body: "{\"entries\":[" + entry(3, risk: "bajo")
            + "],\"head\":" + String(decoding: try JSONEncoder().encode(signedHead), as: UTF8.self) + "}")
        #expect(altered.status == 422)
        #expect(altered.json["error"]?.stringValue?.contains("altered") == true)
        // Reordered chain: entry 4 offered before entry 3.
        let reordered = try push([entry(4), entry(3)], token: token)
        #expect(reordered.status == 400)
        // Without a head.
        #expect(try central.request("POST", "/v1/sync/push", token: token, body: "{\"entries\":[" + entry(3) + "]}").status == 400)
        #expect(try push([entry(3)], token: nil).status == 401)
        #expect(try push([entry(3)], token: "enl_forged").status == 401)
        #expect(try push([entry(3)], token: office).status == 403)
        #expect(try central.request("POST", "/v1/sync/push", token: token, body: "{\"entries\":[{\"origin\":\"x\"}]}").status == 400)
        // Hostile input: a member the format does not define, a time far in the future, a huge clock.
        let unknownMember = entry(3).replacingOccurrences(of: "{\"at\"", with: "{\"admin\":true,\"at\"")
        let strict = try push([unknownMember], token: token)
        #expect(strict.status == 400)
        #expect(strict.json["error"]?.stringValue?.contains("admin") == true)
        let future = entry(3).replacingOccurrences(of: "\"at\":\"2025-", with: "\"at\":\"2099-")
        let tooLate = try push([future], token: token)
        #expect(tooLate.status == 422)
        #expect(tooLate.json["field"] == "at")
        var wide: [String: JSONValue] = ["bom-01": 3]
        for index in 0..<70 { wide["n\(index)"] = 1 }
        let wideEntry = entry(3).replacingOccurrences(of: "\"clock\":{\"bom-01\":3}", with: "\"clock\":" + JSONValue.object(wide).canonicalText)
        let tooWide = try push([wideEntry], token: token)
        #expect(tooWide.status == 400)
        #expect(tooWide.json["error"]?.stringValue?.contains("64") == true)
        #expect(try central.request("GET", "/v1/status", token: office).json["journal_entries"] == 2)
        // Valid entries in a later batch still land.
        #expect(try push([entry(3), entry(4)], token: token).json["stored"] == 2)
        #expect(try central.request("GET", "/v1/conflicts", token: token).status == 403)
        #expect(try central.request("GET", "/healthz", token: nil).status == 200)
        #expect(try central.request("GET", "/v1/sync/pull?after=99&after_entry=x:1", token: token).json["reset"] == true)
        let office2 = try central.request("GET", "/v1/cases/01JDQ8Z6N4W2C4X9V3K5M7P8RA", token: office)
        #expect(office2.json["risk_level"] == "alto")
    }

    @Test("a pull interrupted by kill -9 of the node resumes after a restart: converged, no duplicates, no gaps")
    func pullInterrupted() throws {
        let central = try RunningCentral()
        try central.start()
        let c4 = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        try c4.start()
        let roster = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/roster-ec0539.csv").path
        #expect(try c4.cli(["cert", "import", roster]).status == 0)
        #expect(try sync(c4)["pushed"] == 125)

        let dif = try RunningNode(nodeID: "dif-01", department: "DIF", central: central.url, token: try central.enroll("dif-01", "DIF"))
        try dif.start(["--sync-interval", "3600", "--batch-size", "3"])
        let pulling = try DaemonProcess(["sync", "--data", dif.data], log: dif.folder.sub("sync.log"))
        usleep(150_000)
        dif.daemon?.signal(SIGKILL)
        dif.daemon?.waitForExit()
        pulling.waitForExit()
        let partial = try JournalStore(path: JournalStore.file(in: dif.data)).read { try $0.entryCount() }
        try dif.start(["--sync-interval", "3600", "--batch-size", "3"])
        _ = try sync(dif)
        #expect(try dif.request("GET", "/v1/status").json["journal_entries"] == 125)
        #expect(try dif.cli(["journal", "verify"]).status == 0)
        #expect(partial <= 125)
    }

    @Test("the libcurl client reports refused connections, timeouts and HTTP errors precisely")
    func clientErrors() throws {
        let port = try RunningCentral.freePort()
        let client = try HTTPClient()
        do {
            _ = try client.perform(HTTPRequest(url: "http://127.0.0.1:\(port)/healthz"))
            Issue.record("a refused connection must throw")
        } catch {
            #expect(error.kind == .connection)
            #expect(error.message.contains("127.0.0.1") && error.message.contains("\(port)"))
        }
        // A listener that accepts but never answers: the total timeout fires.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        listen(fd, 4)
        var configuration = HTTPClientConfiguration()
        configuration.totalTimeoutMillis = 300
        do {
            _ = try HTTPClient(configuration: configuration).perform(HTTPRequest(url: "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/"))
            Issue.record("a silent server must time out")
        } catch {
            #expect(error.kind == .timeout)
            #expect(error.message.contains("timed out"))
        }
        // An HTTP error from a live server is a response, and the sync engine names it.
        let central = try RunningCentral()
        try central.start()
        let node = try RunningNode(nodeID: "dif-02", department: "DIF", central: central.url, token: "enl_not-enrolled")
        try node.start()
        let rejected = try node.request("POST", "/v1/sync")
        #expect(rejected.status == 502)
        #expect(rejected.json["error"]?.stringValue?.contains("401") == true)
        #expect(rejected.json["error"]?.stringValue?.contains("unknown or revoked token") == true)
    }
}
