#if canImport(Glibc)
import Glibc
#endif
import EnlaceDemo
import EnlaceHTTP
import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// Real daemon processes on temporary data folders, driven through the CLI and the socket.
@Suite("Field node end to end", .serialized)
struct NodeEndToEndTests {
    func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test("init, run, and the CLI create, update and show cases and certificates with no central server")
    func cliWorkflow() throws {
        let node = try RunningNode()
        try node.start()
        let created = try node.cli(["case", "create", "--channel", "emergencia_911", "--name", "Ana Ruiz",
                                    "--risk", "medio", "--author", "srv-c4-7", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let record = try json(created.stdout)
        let id = try #require(record["id"]?.stringValue)
        #expect(record["folio"]?.stringValue?.hasPrefix("LEON-C4-01-") == true)

        #expect(try node.cli(["case", "attend", id, "--kind", "primer_contacto", "--note", "Llamada al 911", "--author", "srv-c4-7"]).status == 0)
        #expect(try node.cli(["case", "refer", id, "--to", "IMMUJERES", "--reason", "Asesoría jurídica", "--urgency", "prioritaria",
                              "--author", "srv-c4-7"]).status == 0)
        #expect(try node.cli(["case", "update", id, "--set", "risk_level=alto", "--set", "violence_types=fisica,psicologica",
                              "--author", "srv-c4-7"]).status == 0)
        // Every write names its servant: without --author (or ENLACE_AUTHOR) the CLI refuses before asking the daemon.
        let anonymous = try node.cli(["case", "update", id, "--set", "risk_level=medio"])
        #expect(anonymous.status == 2)
        #expect(anonymous.stderr.contains("--author") && anonymous.stderr.contains("ENLACE_AUTHOR"), "\(anonymous.stderr)")
        let shown = try json(try node.cli(["case", "show", id, "--json"]).stdout)
        #expect(shown["risk_level"] == "alto")
        #expect(shown["violence_types"] == ["psicologica", "fisica"])
        #expect(shown["attentions"]?.arrayValue?.first?["servant_id"] == "srv-c4-7")
        #expect(shown["referrals"]?.arrayValue?.first?["to"] == "IMMUJERES")
        let table = try node.cli(["case", "show", id])
        #expect(table.stdout.contains("Primer contacto") && table.stdout.contains("Instituto Municipal de las Mujeres"), "\(table.stdout)")

        let invalid = try node.cli(["case", "update", id, "--set", "risk_level=altisimo", "--author", "srv-c4-7"])
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("Nivel de riesgo") && invalid.stderr.contains("Sin valorar"), "\(invalid.stderr)")

        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let roster = root.appendingPathComponent("examples/roster-ec0539.csv").path
        let imported = try node.cli(["cert", "import", roster, "--json", "--author", "srv-imm-1"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try json(imported.stdout)["imported"] == 125)
        // The same roster again: nothing to import, and that is no error.
        let again = try node.cli(["cert", "import", roster, "--author", "srv-imm-1"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("nada que importar: las 125 certificaciones ya estaban registradas"), "\(again.stdout)")
        let certs = try json(try node.cli(["cert", "list", "--limit", "500", "--json"]).stdout)
        #expect(certs["items"]?.arrayValue?.count == 125)
        let certID = try #require(certs["items"]?.arrayValue?.first?["id"]?.stringValue)
        let revoked = try node.cli(["cert", "revoke", certID, "--json", "--author", "srv-imm-1"])
        #expect(try json(revoked.stdout)["status"] == "revocada")

        let status = try json(try node.cli(["status", "--json"]).stdout)
        #expect(status["node_id"] == "c4-01")
        #expect(status["journal_entries"] == 130)
        #expect(try node.cli(["journal", "verify"]).status == 0)
        let rebuildWhileRunning = try node.cli(["journal", "rebuild"])
        #expect(rebuildWhileRunning.status == 1)
        #expect(rebuildWhileRunning.stderr.contains("deténlo"), "\(rebuildWhileRunning.stderr)")

        let sync = try node.cli(["sync"])
        #expect(sync.status == 1)
        #expect(sync.stderr.contains("no responde") && sync.stderr.contains("http://127.0.0.1:9"), "\(sync.stderr)")
        // With --json the node's answer, in English, on stdout: what failed and its status.
        let syncJSON = try node.cli(["sync", "--json"])
        #expect(syncJSON.status == 1)
        let failure = try json(syncJSON.stdout)
        #expect(failure["code"] == "unavailable" && failure["status"] == 503, "\(syncJSON.stdout)")
        #expect(failure["error"]?.stringValue?.contains("unreachable") == true && failure["error"]?.stringValue?.contains("127.0.0.1 port 9") == true)
    }

    @Test("a write acknowledged with 201 survives kill -9 of the daemon; journal verify passes")
    func durability() throws {
        let node = try RunningNode()
        try node.start()
        var ids: [String] = []
        for index in 0..<20 {
            let answer = try node.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": .string("caso \(index)")])
            #expect(answer.status == 201)
            ids.append(answer.json["id"]!.stringValue!)
        }
        node.daemon?.signal(SIGKILL)
        #expect(node.daemon?.waitForExit() == 128 + SIGKILL)
        node.daemon = nil
        try node.start()
        for (index, id) in ids.enumerated() {
            let answer = try node.request("GET", "/v1/cases/\(id)")
            #expect(answer.status == 200)
            #expect(answer.json["summary"] == .string("caso \(index)"))
        }
        #expect(try node.cli(["journal", "verify"]).status == 0)
        let status = try node.request("GET", "/v1/status")
        #expect(status.json["journal_entries"] == 20)
    }

    @Test("SIGTERM stops the daemon cleanly; rebuild then finds no differences; the CLI says when no daemon runs")
    func stopAndRebuild() throws {
        let node = try RunningNode()
        try node.start()
        _ = try node.request("POST", "/v1/cases", ["intake_channel": "telefonica"])
        node.daemon?.signal(SIGTERM)
        #expect(node.daemon?.waitForExit() == 0)
        node.daemon = nil
        let rebuild = try node.cli(["journal", "rebuild", "--json"])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(try json(rebuild.stdout)["differences"] == [])
        let offline = try node.cli(["case", "list"])
        #expect(offline.status == 1)
        #expect(offline.stderr.contains("no está en marcha"), "\(offline.stderr)")
        let offlineSync = try node.cli(["sync", "--json"])
        #expect(offlineSync.status == 1)
        let unreachable = try json(offlineSync.stdout)
        #expect(unreachable["code"] == "daemon_unreachable" && unreachable["status"]?.isNull == true && unreachable["error"]?.stringValue != nil,
                "\(offlineSync.stdout)")
        let second = try RunningNode()
        let again = try EnlaceBinary.run(["node", "init", "--data", second.data, "--node-id", "x", "--department", "DIF",
                                          "--central", "http://10.0.0.1", "--token", "t"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("https://"))
    }

    @Test("the loopback TCP listener serves only requests with the local credential, for its own Host, with JSON writes: no web page in a browser can read or write cases")
    func tcpListenerNeedsTheLocalCredential() throws {
        let node = try RunningNode()
        let port = try freeLoopbackPort()
        try node.start(["--sync-interval", "3600", "--sync-debounce", "3600", "--http-listen", "127.0.0.1:\(port)"])
        let file = node.data + "/local.token"
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o640, "readable by the node's group, by no one else")
        let token = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let url = "http://127.0.0.1:\(port)"
        func send(_ method: String, _ path: String, headers: [(String, String)], body: String? = nil) throws -> HTTPResponse {
            try HTTPClient().perform(HTTPRequest(method: method, url: url + path, headers: headers, body: body.map { Array($0.utf8) }))
        }
        let credential = ("Authorization", "Bearer \(token)")
        let author = ("X-Enlace-Author", "srv-prueba")
        // A page in a browser has no credential: it reads nothing.
        #expect(try send("GET", "/v1/cases", headers: []).status == 401)
        #expect(try send("GET", "/v1/cases", headers: [("Authorization", "Bearer enl_local_otro")]).status == 401)
        // DNS rebinding: a name that resolves to 127.0.0.1 is still another Host.
        #expect(try send("GET", "/v1/cases", headers: [credential, ("Host", "atacante.example:\(port)")]).status == 403)
        // A cross-site form post is not JSON: refused, nothing stored.
        let form = try send("POST", "/v1/cases", headers: [credential, author, ("Content-Type", "text/plain")], body: #"{"intake_channel":"presencial"}"#)
        #expect(form.status == 415, "\(form.text)")
        #expect(try node.request("GET", "/v1/status").json["journal_entries"] == 0)
        // A tool with the credential works; the metrics stay open to scrapers.
        let created = try send("POST", "/v1/cases", headers: [credential, author, ("Content-Type", "application/json")], body: #"{"intake_channel":"presencial"}"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(try send("GET", "/v1/cases", headers: [credential, ("Host", "localhost:\(port)")]).status == 200)
        #expect(try send("GET", "/metrics", headers: []).status == 200)
        // The socket is unchanged: its 0660 mode is its guard.
        #expect(try node.request("GET", "/v1/cases").status == 200)
    }

}
