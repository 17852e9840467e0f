import EnlaceModel
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
    func revocationAndAudit() throws {
        let central = try RunningCentral()
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
        #expect(actions == ["user.add", "node.enroll", "case.read", "node.revoke", "case.read", "user.revoke"])
        #expect(log["rows"]?.arrayValue?[2]["actor"] == "lucia")

        let sqlite = try JournalStoreSQL(path: JournalStore.file(in: central.data))
        try sqlite.execute("DROP TRIGGER audit_refuses_update")
        try sqlite.execute("UPDATE audit_log SET subject = 'otra' WHERE action = 'case.read'")
        let damaged = try EnlaceBinary.run(["central", "audit", "--data", central.data])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("row 3") && damaged.stderr.contains("edited"))
    }

    @Test("a node refuses entries the central server altered; journal verify names the altered entry")
    func nodeVerifiesPulls() throws {
        let central = try RunningCentral()
        try central.start()
        let c4 = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        let dif = try RunningNode(nodeID: "dif-01", department: "DIF", central: central.url, token: try central.enroll("dif-01", "DIF"))
        try c4.start()
        try dif.start()
        _ = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": "Relato original."])
        #expect(try c4.request("POST", "/v1/sync").status == 200)
        central.stop()
        let sqlite = try JournalStoreSQL(path: JournalStore.file(in: central.data))
        try sqlite.execute("DROP TRIGGER journal_refuses_update")
        try sqlite.execute("UPDATE journal SET body = replace(body, 'Relato original.', 'Relato cambiado.') WHERE origin = 'c4-01'")
        try central.start()
        let refused = try dif.request("POST", "/v1/sync")
        #expect(refused.status == 502)
        #expect(refused.json["error"]?.stringValue?.contains("altered") == true, "\(refused.json)")
        #expect(try dif.request("GET", "/v1/cases").json["items"] == [])
        central.stop()
        let verify = try EnlaceBinary.run(["journal", "verify", "--data", central.data])
        #expect(verify.status == 1)
        #expect(verify.stderr.contains("c4-01:1") && verify.stderr.contains("edited"))
    }
}
