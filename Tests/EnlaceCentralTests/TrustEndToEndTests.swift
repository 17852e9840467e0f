#if canImport(Glibc)
import Glibc
#endif
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// Credentials and the audit log against real processes.
@Suite("Revocation and audit end to end", .serialized)
struct TrustEndToEndTests {
    func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test("a revoked node gets 401 at once and its accepted entries stay; the audit log records each action and detects an edit")
    func revocationAndAudit() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "admin")
        let node = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        try node.start()
        let id = try node.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json["id"]!.stringValue!
        #expect(try node.request("POST", "/v1/sync").status == 200)
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).status == 200)

        let revoke = try EnlaceBinary.run(["central", "revoke", "--data", central.data, "--node-id", "c4-01"])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        _ = try node.request("PATCH", "/v1/cases/\(id)", ["risk_level": "alto"])
        let refused = try node.request("POST", "/v1/sync")
        #expect(refused.status == 502)
        #expect(refused.json["error"]?.stringValue?.contains("401") == true)
        #expect(try node.request("GET", "/v1/status").json["last_error"]?.stringValue?.contains("401") == true)
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["risk_level"] == "sin_valorar")
        #expect(try EnlaceBinary.run(["central", "revoke", "--data", central.data, "--node-id", "c4-01"]).status == 2)

        #expect(try EnlaceBinary.run(["central", "user", "revoke", "--data", central.data, "--name", "lucia"]).status == 0)
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).status == 401)

        let audit = try EnlaceBinary.run(["central", "audit", "--data", central.data, "--json"])
        #expect(audit.status == 0, "\(audit.stderr)")
        let log = try json(audit.stdout)
        #expect(log["intact"] == true)
        let actions = (log["rows"]?.arrayValue ?? []).compactMap { $0["action"]?.stringValue }
        #expect(actions == ["user.add", "node.enroll", "node.bind", "case.read", "node.revoke", "case.read", "user.revoke"])
        #expect(log["rows"]?.arrayValue?[2]["actor"] == "c4-01")
        #expect(log["rows"]?.arrayValue?[3]["actor"] == "lucia")

        try central.tamper(
            sqlite: ["DROP TRIGGER audit_refuses_update", "UPDATE audit_log SET subject = 'otra' WHERE action = 'case.read'"],
            postgres: ["ALTER TABLE audit_log DISABLE TRIGGER audit_refuses_change", "UPDATE audit_log SET subject = 'otra' WHERE action = 'case.read'"])
        let damaged = try EnlaceBinary.run(["central", "audit", "--data", central.data])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("fila 4") && damaged.stderr.contains("editada"), "\(damaged.stderr)")
    }

    @Test("a node enrolled again writes in a new epoch: no (origin, epoch, seq) is reused, and both epochs reach every node")
    func reenrollmentOpensAnEpoch() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let first = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        try first.start()
        let created = try first.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json
        let before = created["id"]!.stringValue!
        #expect(try first.request("POST", "/v1/sync").status == 200)
        first.daemon?.signal(SIGTERM)
        _ = first.daemon?.waitForExit()

        // The machine is replaced: the node is revoked and enrolled again, into a fresh folder.
        #expect(try EnlaceBinary.run(["central", "revoke", "--data", central.data, "--node-id", "c4-01"]).status == 0)
        let token = try central.enroll("c4-01", "C4")
        #expect(EnrollmentToken(token)?.epoch == 2)
        let second = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: token)
        try second.start()
        #expect(try second.request("GET", "/v1/status").json["epoch"] == 2)
        // Its first contact brings back what the node wrote in its earlier epoch, folio numbers included.
        let firstRound = try second.request("POST", "/v1/sync")
        #expect(firstRound.status == 200, "\(firstRound.json)")
        #expect(try second.request("GET", "/v1/cases/\(before)").json["folio"] == created["folio"])
        let made = try second.request("POST", "/v1/cases", ["intake_channel": "telefonica"]).json
        let after = made["id"]!.stringValue!
        #expect(made["folio"] != created["folio"])
        let secondRound = try second.request("POST", "/v1/sync")
        #expect(secondRound.status == 200, "\(secondRound.json)")
        #expect(try central.request("GET", "/v1/cases/\(after)", token: office).status == 200)

        let other = try central.node("c4-02", "C4")
        try other.start()
        #expect(try other.request("POST", "/v1/sync").status == 200)
        #expect(try other.request("GET", "/v1/cases/\(before)").status == 200)
        #expect(try other.request("GET", "/v1/cases/\(after)").status == 200)
        #expect(try other.cli(["journal", "verify"]).status == 0)
        #expect(try EnlaceBinary.run(["journal", "verify", "--data", central.data]).status == 0)
    }

    @Test("a node refuses entries the central server altered; journal verify names the altered entry")
    func nodeVerifiesPulls() async throws {
        let central = try await RunningCentral()
        try central.start()
        let c4 = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        let peer = try central.node("c4-02", "C4")
        try c4.start()
        try peer.start()
        _ = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": "Relato original."])
        #expect(try c4.request("POST", "/v1/sync").status == 200)
        central.stop()
        // The contents are sealed: the office's copy cannot even be read, so one byte of the
        // ciphertext is changed.
        if central.database == nil {
            let sqlite = try JournalStoreSQL(path: JournalStore.file(in: central.data))
            try sqlite.execute("DROP TRIGGER journal_refuses_update")
            try sqlite.editBody(origin: "c4-01", seq: 1) { $0[$0.count - 20] ^= 0x01 }
        } else {
            try central.tamper(sqlite: [], postgres: [
                "ALTER TABLE journal DISABLE TRIGGER journal_refuses_change",
                "UPDATE journal SET body = set_byte(body, length(body) - 20, get_byte(body, length(body) - 20) # 1) WHERE origin = 'c4-01' AND seq = 1",
            ])
        }
        try central.start()
        let refused = try peer.request("POST", "/v1/sync")
        #expect(refused.status == 502)
        #expect(refused.json["error"]?.stringValue?.contains("altered") == true, "\(refused.json)")
        #expect(try peer.request("GET", "/v1/cases").json["items"] == [])
        central.stop()
        let verify = try EnlaceBinary.run(["journal", "verify", "--data", central.data])
        #expect(verify.status == 1, "\(verify.stderr)")
        #expect(verify.stderr.contains("el diario está dañado") && verify.stderr.contains("c4-01:1") && verify.stderr.contains("edited"),
                "\(verify.stderr)")
    }
}

extension TrustEndToEndTests {
    @Test("journal verify catches an altered stub or head at a node; a rotated key signs from then on and the old one opens nothing")
    func headsAndRotation() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "admin")
        let c4 = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        let peer = try central.node("c4-02", "C4")
        try c4.start()
        try peer.start()
        _ = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": "Relato."])
        #expect(try c4.request("POST", "/v1/sync").status == 200)
        #expect(try peer.request("POST", "/v1/sync").status == 200)
        #expect(try peer.cli(["journal", "verify"]).status == 0)

        // c4-01 rotates its key: the daemon, restarted, binds it at its next round.
        c4.daemon?.signal(SIGTERM)
        c4.daemon?.waitForExit()
        let oldKey = try ReplicaKey.load(from: ReplicaKey.file(in: c4.data, name: "node"))
        #expect(try c4.cli(["node", "rotate-key"]).status == 0)
        #expect(try c4.cli(["node", "rotate-key"]).status == 2)
        try c4.start()
        _ = try c4.request("POST", "/v1/cases", ["intake_channel": "telefonica", "summary": "Segundo."])
        let rotated = try c4.request("POST", "/v1/sync")
        #expect(rotated.status == 200, "\(rotated.json)")
        #expect(!FileManager.default.fileExists(atPath: ReplicaKey.file(in: c4.data, name: "node") + ".next"))
        #expect(try ReplicaKey.load(from: ReplicaKey.file(in: c4.data, name: "node")).signingPublicKey != oldKey.signingPublicKey)
        _ = try c4.request("POST", "/v1/cases", ["intake_channel": "telefonica", "summary": "Tercero."])
        #expect(try c4.request("POST", "/v1/sync").status == 200)
        #expect(try peer.request("POST", "/v1/sync").status == 200)
        #expect(try peer.request("GET", "/v1/cases").json["items"]?.arrayValue?.count == 3)
        #expect(try peer.cli(["journal", "verify"]).status == 0)
        let audit = try EnlaceBinary.run(["central", "audit", "--data", central.data, "--json"])
        #expect(try JSONValue.parse(audit.stdout)["rows"]?.arrayValue?.contains { $0["action"] == "node.rotate" } == true)
        // The old key opens nothing: a request signed with it is refused.
        let origin = TestOrigin("c4-01", key: oldKey)
        let path = Route.pull(after: 0, entry: nil, limit: 10)
        let stale = try JSONClient(baseURL: central.url).call("GET", path, headers: [
            ("Authorization", "Bearer \(try await c4.token())"), ("Enlace-Signature", try origin.signature(method: "GET", path: path, body: [])),
        ])
        #expect(stale.status == 401)
        #expect(try central.request("GET", "/v1/status", token: office).json["quarantined_entries"] == 0)

        // An altered stub (envelope) or a forged head in c4-02's store is named by journal verify.
        peer.daemon?.signal(SIGTERM)
        peer.daemon?.waitForExit()
        let sqlite = try JournalStoreSQL(path: JournalStore.file(in: peer.data))
        try sqlite.execute("UPDATE chain_heads SET signature = zeroblob(64) WHERE origin = 'c4-01'")
        let forged = try peer.cli(["journal", "verify"])
        #expect(forged.status == 1)
        #expect(forged.stderr.contains("forged"), "\(forged.stderr)")
        try sqlite.execute("DROP TRIGGER journal_refuses_update")
        try sqlite.execute("UPDATE journal SET envelope = substr(envelope, 1, 20) || x'00' || substr(envelope, 22) WHERE origin = 'c4-01' AND seq = 1")
        let altered = try peer.cli(["journal", "verify"])
        #expect(altered.status == 1)
        #expect(altered.stderr.contains("c4-01:1"), "\(altered.stderr)")
    }
}
