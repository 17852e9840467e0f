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
    func threeNodesConverge() async throws {
        let central = try await RunningCentral()
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
        // Led by DIF and referred to IMMUJERES: all three departments hold it (need to know).
        _ = try c4.request("PATCH", "/v1/cases/\(id)", ["lead_department": "DIF"])
        _ = try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "IMMUJERES", "reason": "Asesoría jurídica"])
        let offline = try c4.cli(["sync"])
        #expect(offline.status == 1)
        #expect(offline.stderr.contains("no se pudo sincronizar") && offline.stderr.contains("no responde"), "\(offline.stderr)")

        try central.start()
        #expect(try sync(c4)["pushed"] == 3)
        for node in [dif, imm] { #expect(try sync(node)["pulled"] == 3) }

        // Concurrent offline edits of the same case on all three nodes.
        central.stop()
        _ = try c4.request("PATCH", "/v1/cases/\(id)", ["risk_level": "alto", "summary": "Amenazas por teléfono."])
        _ = try dif.request("PATCH", "/v1/cases/\(id)", ["risk_level": "medio", "summary": "Agresión en domicilio.",
                                                         "person": ["phone": "477 555 0101"]])
        _ = try dif.request("POST", "/v1/cases/\(id)/attentions", ["kind": "contencion_emocional"])
        _ = try imm.request("PATCH", "/v1/cases/\(id)", ["status": "concluido", "person": ["phone": "477 555 0199"]])
        let own = try imm.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json["id"]!.stringValue!

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
            // IMMUJERES's own case stays with IMMUJERES (and the office): elsewhere it is unknown.
            let list = try node.request("GET", "/v1/cases")
            #expect(list.json["items"]?.arrayValue?.count == (node === imm ? 2 : 1))
            #expect(try node.request("GET", "/v1/cases/\(own)").status == (node === imm ? 200 : 404))
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
    func centralDownThenBack() async throws {
        let central = try await RunningCentral()
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
        // Until a round has ended well: the entries leave at its push, the round ends after its pull.
        let deadline = Date().addingTimeInterval(20)
        func delivered() throws -> Bool {
            let status = try node.request("GET", "/v1/status").json
            return status["pending_entries"] == 0 && status["last_sync_at"] != nil && status["last_sync_at"] != .null
        }
        while Date() < deadline, try !delivered() { usleep(100_000) }
        #expect(try node.request("GET", "/v1/status").json["pending_entries"] == 0)
        let office = try central.user("ana", role: "viewer")
        // The five cases, beside the node's enrollment and key binding in the central server's chain.
        #expect(try central.request("GET", "/v1/status", token: office).json["journal_entries"] == 7)

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
        #expect(centralMetrics.json.stringValue?.contains("enlace_central_journal_entries 7") == true)
        // What the alert rules (ops/) watch: each node's last contact, lag, quarantine and skew.
        let text = centralMetrics.json.stringValue ?? ""
        let contact = text.split(separator: "\n").first { $0.hasPrefix("enlace_central_node_last_contact_timestamp_seconds{") }
        #expect(contact?.contains("node=\"salud-01\"") == true && contact?.contains("department=\"SALUD\"") == true, "\(text)")
        let seconds = contact.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        #expect(abs(seconds - Date().timeIntervalSince1970) < 600, "the last contact is a recent Unix time: \(seconds)")
        for name in ["enlace_central_node_behind_entries{", "enlace_central_node_quarantined_entries{", "enlace_central_oldest_open_conflict_seconds 0",
                     "enlace_central_quarantined_entries 0"] {
            #expect(text.contains(name), "\(name)")
        }
    }

    @Test("a forced sync asked for while a scheduled round runs answers with a round that delivered every write acknowledged before it")
    func forcedSyncAfterWrite() async throws {
        let central = try await RunningCentral()
        try central.start()
        let node = try central.node("salud-01", "SALUD")
        // Scheduled rounds back to back: a forced sync nearly always arrives during one.
        try node.start(["--sync-interval", "0.01", "--sync-debounce", "0"])
        for index in 0..<30 {
            #expect(try node.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": .string("caso \(index)")]).status == 201)
            let forced = try node.request("POST", "/v1/sync")
            #expect(forced.status == 200, "\(forced.json)")
            let pending = try node.request("GET", "/v1/status").json["pending_entries"]
            #expect(pending == 0, "write \(index): \(forced.json)")
        }
    }

    @Test("pushes are idempotent and gap-free; wrong origins, reused ids, forged or altered batches and bad tokens are refused precisely")
    func pushProtocol() async throws {
        let central = try await RunningCentral()
        try central.start()
        let token = try central.enroll("bom-01", "BOMBEROS")
        let office = try central.user("rosa", role: "admin")
        let record = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RA")
        let node = TestOrigin("bom-01")
        /// Entry `seq` of bom-01's chain (the same bytes each time it is asked for).
        var chain: [ChainedEntry] = []
        func entry(_ seq: Int, risk: String = "alto") -> ChainedEntry {
            let operations: [FieldOperation] = seq == 1
                ? [.set(field: "folio", value: "LEON-BOM-01-2026-000001"), .set(field: "origin_department", value: "BOMBEROS"),
                   .set(field: "intake_channel", value: "presencial")]
                : [.set(field: "risk_level", value: .string(risk))]
            let edit = JournalEntry(
                id: EntryID(origin: node.node, seq: UInt64(seq)), recordType: .caseFile, recordID: record.id,
                clock: VectorClock([node.node: UInt64(seq)]), timestamp: HybridTimestamp(millis: 1_764_000_000_000 + Int64(seq)),
                operations: operations)
            return ChainedEntry(testSealing: edit, prev: seq == 1 ? nil : chain[seq - 2].envelope.hash,
                                salt: [UInt8](repeating: UInt8(seq), count: EntryBody.saltLength))
        }
        for seq in 1...4 { chain.append(entry(seq)) }
        /// A signed request to the central server (signed with `signer`, default the node's key).
        func send(_ path: String, _ body: [UInt8], token: String?, signer: ReplicaKey? = nil, as origin: TestOrigin? = nil,
                  contentType: String = PushRequest.mediaType) throws -> (status: Int, json: JSONValue) {
            var headers: [(String, String)] = []
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            headers.append(("Enlace-Signature",
                            try (origin ?? node).signature(method: "POST", path: path, body: body, signer: signer ?? (origin ?? node).key)))
            let answer = try JSONClient(baseURL: central.url).call("POST", path, raw: body, contentType: contentType, headers: headers)
            return (answer.status, answer.json)
        }
        let nodeToken = token
        func push(_ entries: [ChainedEntry], credential: String? = nil, signer: ReplicaKey? = nil) async throws -> (status: Int, json: JSONValue) {
            try await send(Route.push, try node.batch(entries, signer: signer, central: EnrollmentToken(token)!.centralAgreementKey).bytes,
                     token: credential ?? nodeToken)
        }

        // Before its first contact a node's own key opens nothing; the token's enrollment key binds it, once.
        #expect(try await push([chain[0]]).status == 401)
        let enrollment = ReplicaKey.enrollment(secret: EnrollmentToken(token)!.secret)
        let binding = Array(node.binding.json.utf8)
        #expect(try send(Route.bind, binding, token: token, signer: enrollment, contentType: "application/json").status == 200)
        // A second machine holding the same token cannot bind its own key: the token is spent.
        let thief = TestOrigin("bom-01")
        let stolen = try send(Route.bind, Array(thief.binding.json.utf8), token: token, signer: enrollment, contentType: "application/json")
        #expect(stolen.status == 401)
        #expect(stolen.json["error"]?.stringValue?.contains("already used") == true)
        // The node's own retry (it never saw the answer) binds nothing new and is answered as before.
        #expect(try send(Route.bind, binding, token: token, signer: enrollment, contentType: "application/json").status == 200)

        let first = try await push([chain[0], chain[1]])
        #expect(first.status == 200, "\(first.json)")
        #expect(first.json["stored"] == 2)
        let again = try await push([chain[0], chain[1]])
        #expect(again.json["stored"] == 0 && again.json["duplicates"] == 2 && again.json["last_seq"] == 2)
        let gap = try await push([chain[3]])
        #expect(gap.status == 409)
        #expect(gap.json["expected_seq"] == 3)
        let reused = try await push([ChainedEntry(testSealing: try SealedEdit.open(id: chain[1].id, body: entry(2, risk: "bajo").body!, key: TestOrigin.caseKey(record.id)),
                                            prev: chain[0].envelope.hash, salt: SystemClock.salt())])
        #expect(reused.status == 409)
        #expect(reused.json["error"]?.stringValue?.contains("bom-01:2") == true)
        // Another node's entries under this node's credentials are refused.
        let other = TestOrigin("c4-01", key: node.key)
        let foreign = other.seal(other.edit(record, [.set(field: "risk_level", value: "alto")]))
        #expect(try await send(Route.push, try other.batch([foreign]).bytes, token: token, as: node).status == 403)
        // Forged: signed by another key than the bound one.
        let forger = ReplicaKey.generate()
        let forged = try await push([chain[2]], signer: forger)
        #expect(forged.status == 403)
        #expect(forged.json["error"]?.stringValue?.contains("does not verify") == true)
        // Altered after signing: the head is the genuine entry 3's, the entry sent is not.
        var altered = try await node.batch([chain[2]])
        altered.entries = [ChainedEntry(testSealing: try SealedEdit.open(id: chain[2].id, body: entry(3, risk: "bajo").body!, key: TestOrigin.caseKey(record.id)),
                                        prev: chain[1].envelope.hash, salt: SystemClock.salt())]
        let alteredAnswer = try send(Route.push, altered.bytes, token: token)
        #expect(alteredAnswer.status == 422)
        #expect(alteredAnswer.json["error"]?.stringValue?.contains("altered") == true)
        // A body swapped under its envelope is caught by the commitment.
        var swapped = try await node.batch([chain[2]])
        swapped.entries = [ChainedEntry(envelope: chain[2].envelope, body: chain[3].body)]
        #expect(try send(Route.push, swapped.bytes, token: token).status == 422)
        // Reordered chain: entry 4 offered before entry 3.
        #expect(try await push([chain[3], chain[2]]).status == 400)
        // A stolen token alone reads and writes nothing: no signature, or a signature by another key.
        let unsigned = try JSONClient(baseURL: central.url, headers: [("Authorization", "Bearer \(token)")])
        #expect(try await unsigned.call("POST", Route.push, raw: try node.batch([chain[2]]).bytes, contentType: PushRequest.mediaType).status == 401)
        #expect(try unsigned.call("GET", Route.pull(after: 0, entry: nil, limit: 10)).status == 401)
        #expect(try await send(Route.push, try node.batch([chain[2]]).bytes, token: token, signer: thief.key).status == 401)
        #expect(try await push([chain[2]], credential: "enl_forged").status == 401)
        #expect(try await push([chain[2]], credential: office).status == 403)
        #expect(try send(Route.push, [1, 2, 3], token: token).status == 400)
        // A time far in the future is kept in the chain, quarantined, not applied; later entries flow.
        let future = ChainedEntry(testSealing: JournalEntry(
            id: chain[2].id, recordType: .caseFile, recordID: record.id, clock: VectorClock([node.node: 3]),
            timestamp: HybridTimestamp(millis: 4_102_444_800_000), operations: [.set(field: "risk_level", value: "extremo")]),
            prev: chain[1].envelope.hash, salt: SystemClock.salt())
        let later = ChainedEntry(testSealing: JournalEntry(
            id: EntryID(origin: node.node, seq: 4), recordType: .caseFile, recordID: record.id, clock: VectorClock([node.node: 4]),
            timestamp: HybridTimestamp(millis: 1_764_000_000_004), operations: [.set(field: "summary", value: "Relato.")]),
            prev: future.envelope.hash, salt: SystemClock.salt())
        let quarantined = try await push([future, later])
        #expect(quarantined.status == 200, "\(quarantined.json)")
        #expect(quarantined.json["stored"] == 2)
        #expect(quarantined.json["quarantined"]?.arrayValue?.first?["id"] == "bom-01:3")
        let status = try central.request("GET", "/v1/status", token: office)
        // Its enrollment and key binding, entries 1 and 2, the quarantined 3 and the applied 4.
        #expect(status.json["journal_entries"] == 6 && status.json["quarantined_entries"] == 1)
        // The office sees which entry waits and why; a node's token does not.
        let waiting = try central.request("GET", "/v1/quarantine", token: office)
        #expect(waiting.json["items"]?.arrayValue?.first?["id"] == "bom-01:3", "\(waiting.json)")
        #expect(waiting.json["items"]?.arrayValue?.first?["reason"]?.stringValue?.contains("more than a day after") == true, "\(waiting.json)")
        #expect(waiting.json["next"] == .null)
        #expect(try central.request("GET", "/v1/quarantine?after=-1", token: office).status == 400)
        #expect(try central.request("GET", "/v1/quarantine", token: token).status == 403)
        let stored = try central.request("GET", "/v1/cases/\(record.id)", token: office)
        #expect(stored.json["risk_level"] == "alto" && stored.json["summary"] == "Relato.")
        // The origin's later entries reach every node of its department: the quarantined one as a
        // stub, its chain still verified.
        let peer = try central.node("bom-02", "BOMBEROS")
        try peer.start()
        #expect(try sync(peer)["pulled"] == 3)
        let pulled = try peer.request("GET", "/v1/cases/\(record.id)")
        #expect(pulled.json["risk_level"] == "alto" && pulled.json["summary"] == "Relato.")
        #expect(try peer.cli(["journal", "verify"]).status == 0)
        #expect(try central.request("GET", "/v1/conflicts", token: token).status == 403)
        #expect(try central.request("GET", "/healthz", token: nil).status == 200)
    }

    @Test("a pull interrupted by kill -9 of the node resumes after a restart: converged, no duplicates, no gaps")
    func pullInterrupted() async throws {
        let central = try await RunningCentral()
        try central.start()
        let c4 = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        try c4.start()
        let roster = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/roster-ec0539.csv").path
        #expect(try c4.cli(["cert", "import", roster, "--author", "srv-c4-1"]).status == 0)
        #expect(try sync(c4)["pushed"] == 125)

        // DIF pulls through a slow link, in pages of 3: the pull is still in flight when DIF
        // has stored some of it, and is killed there.
        let office = try central.user("oficina", role: "viewer")
        let proxy = try FaultProxy(to: central.port)
        defer { proxy.close() }
        proxy.set(.pace(millis: 15))
        let dif = try RunningNode(nodeID: "dif-01", department: "DIF", central: proxy.url, token: try central.enroll("dif-01", "DIF"))
        try dif.start(["--sync-interval", "3600", "--batch-size", "3"])
        let pulling = try DaemonProcess(["sync", "--data", dif.data], log: dif.folder.sub("sync.log"))
        let file = try JournalStoreSQL(readingOnly: JournalStore.file(in: dif.data))
        let stored = { (try? file.entryCount()) ?? 0 }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, stored() < 10 { usleep(5_000) }
        dif.daemon?.signal(SIGKILL)
        dif.daemon?.waitForExit()
        pulling.waitForExit()
        let partial = stored()
        let total = try #require(try central.request("GET", "/v1/status", token: office).json["journal_entries"]?.intValue)
        #expect(partial >= 10 && Int64(partial) < total, "the pull was interrupted: \(partial) of \(total) entries stored")
        proxy.set(.none)
        try dif.start(["--sync-interval", "3600", "--batch-size", "3"])
        _ = try sync(dif)
        #expect(try dif.request("GET", "/v1/certifications?limit=500").json["items"]?.arrayValue?.count == 125)
        #expect(try dif.cli(["journal", "verify"]).status == 0)
        // No duplicates, no gaps: DIF holds exactly the central journal (the certificates and the
        // directory's entries), however far the interrupted pull had gone.
        let held = try await JournalStore(path: JournalStore.file(in: dif.data)).read { try await $0.entryCount() }
        #expect(Int64(held) == total, "held \(held) of \(total), \(partial) before the restart")
    }

    @Test("the libcurl client reports refused connections, timeouts and HTTP errors precisely")
    func clientErrors() async throws {
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
        let central = try await RunningCentral()
        try central.start()
        let node = try RunningNode(nodeID: "dif-02", department: "DIF", central: central.url, token: TestToken.make())
        try node.start()
        let rejected = try node.request("POST", "/v1/sync")
        #expect(rejected.status == 502)
        #expect(rejected.json["error"]?.stringValue?.contains("401") == true)
        #expect(rejected.json["error"]?.stringValue?.contains("unknown or revoked token") == true)
    }
}
