import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// The central office's workflow against real processes: conflicts appear identically on every
/// replica, an office user resolves them from the CLI, and the resolutions close them everywhere.
@Suite("Conflict desk end to end", .serialized)
struct ConflictDeskEndToEndTests {
    func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    func sync(_ node: RunningNode) throws {
        let result = try node.cli(["sync", "--json"])
        guard result.status == 0 else { throw CLIFailure(result: result) }
    }

    func openConflictIDs(_ node: RunningNode) throws -> [String] {
        try node.request("GET", "/v1/conflicts").json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test("two departments edit offline; the office resolves; every replica converges on the resolved values")
    func resolveEverywhere() async throws {
        let central = try await RunningCentral()
        let resolver = try central.user("lucia.office", role: "resolver")
        let viewer = try central.user("pedro.office", role: "viewer")
        let c4 = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        let imm = try RunningNode(nodeID: "imm-01", department: "IMMUJERES", central: central.url,
                                  token: try central.enroll("imm-01", "IMMUJERES"))
        try c4.start()
        try imm.start()
        try central.start()
        let created = try c4.request("POST", "/v1/cases", [
            "intake_channel": "presencial", "summary": "Primer contacto.", "risk_level": "bajo", "status": "en_seguimiento",
            "person": ["full_name": "Ana Ruiz", "phone": "477 555 0000"],
        ])
        let caseID = created.json["id"]!.stringValue!
        // Referred to IMMUJERES: its node holds the case (need to know).
        _ = try c4.request("POST", "/v1/cases/\(caseID)/referrals", ["to": "IMMUJERES", "reason": "Asesoría jurídica"])
        let cert = try c4.request("POST", "/v1/certifications", [
            "holder_name": "Rosa Ruiz", "standard_code": "EC0539", "folio": "D-77", "valid_until": "2027-01-31",
        ])
        let certID = cert.json["id"]!.stringValue!
        try sync(c4)
        try sync(imm)

        central.stop()
        _ = try c4.request("PATCH", "/v1/cases/\(caseID)", ["summary": "Refiere amenazas.", "person": ["phone": "477 555 0101"],
                                                             "risk_level": "medio", "status": "concluido"])
        _ = try c4.request("PATCH", "/v1/certifications/\(certID)", ["status": "revocada"])
        _ = try imm.request("PATCH", "/v1/cases/\(caseID)", ["summary": "Refiere agresión física.", "person": ["phone": "477 555 0202"],
                                                              "risk_level": "alto"])
        _ = try imm.request("POST", "/v1/cases/\(caseID)/attentions", ["kind": "asesoria_juridica", "note": "Orientación legal"])
        _ = try imm.request("PATCH", "/v1/certifications/\(certID)", ["valid_until": "2030-01-31"])
        try central.start()
        try sync(c4)
        try sync(imm)
        try sync(c4)

        let record = try central.request("GET", "/v1/cases/\(caseID)", token: viewer).json
        #expect(record["risk_level"] == "alto")
        #expect(record["status"] == "en_seguimiento")
        let fields = Set((record["conflicts"]?.arrayValue ?? []).compactMap { $0["field"]?.stringValue })
        #expect(fields == ["summary", "person.phone", "status"])
        #expect(try central.request("GET", "/v1/certifications/\(certID)", token: viewer).json["status"] == "en_revision")

        let centralOpen = try central.request("GET", "/v1/conflicts", token: viewer).json["items"]?.arrayValue ?? []
        let ids = centralOpen.compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 4)
        #expect(try openConflictIDs(c4) == ids)
        #expect(try openConflictIDs(imm) == ids)
        let byDepartment = try central.request("GET", "/v1/status", token: viewer).json["open_conflicts_by_department"]
        #expect(byDepartment?["C4"] == 4)
        #expect(try central.request("GET", "/v1/conflicts?department=DIF", token: viewer).json["items"] == [])
        #expect(try central.request("GET", "/v1/conflicts?record_type=certification", token: viewer).json["items"]?.arrayValue?.count == 1)
        #expect(try central.request("GET", "/v1/conflicts?field=person", token: viewer).json["items"]?.arrayValue?.count == 1)

        func conflict(_ field: String) -> String {
            centralOpen.first { $0["field"] == .string(field) && $0["record_type"] == "case" }!["id"]!.stringValue!
        }
        let desk = ["--central", central.url]
        let denied = try EnlaceBinary.run(["conflicts", "resolve", conflict("summary"), "--take", "1", "--token", viewer] + desk)
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("tu rol no pueden hacer esto"), "\(denied.stderr)")
        let outside = try EnlaceBinary.run(["conflicts", "resolve", conflict("status"), "--value", "cerrado", "--token", resolver] + desk)
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("«Estado del caso» no acepta ese valor"), "\(outside.stderr)")

        // The office token from a file, and none at all.
        let tokenFile = central.folder.sub("oficina.token")
        try (resolver + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let listed = try EnlaceBinary.run(["conflicts", "list", "--token-file", tokenFile, "--json"] + desk)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(try json(listed.stdout)["items"]?.arrayValue?.count == 4)
        let fromEnvironment = try EnlaceBinary.run(["conflicts", "list", "--json"] + desk, environment: ["ENLACE_TOKEN": resolver])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(try json(fromEnvironment.stdout)["items"]?.arrayValue?.count == 4)
        let wrongFile = try EnlaceBinary.run(["conflicts", "list", "--token-file", central.folder.sub("no-existe")] + desk)
        #expect(wrongFile.status == 2, "a token file that is not there is a usage error")
        let tokenless = try EnlaceBinary.run(["conflicts", "list"] + desk)
        #expect(tokenless.status == 2)
        #expect(tokenless.stderr.contains("--token") && tokenless.stderr.contains("--token-file") && tokenless.stderr.contains("ENLACE_TOKEN"))

        let shown = try EnlaceBinary.run(["conflicts", "show", conflict("summary"), "--token", resolver] + desk)
        #expect(shown.stdout.contains("Refiere amenazas.") && shown.stdout.contains("c4-01") && shown.stdout.contains("imm-01"))
        for (field, choice) in [("summary", ["--take", "2"]), ("person.phone", ["--value", "477 555 0303"]),
                                ("status", ["--value", "en_seguimiento"])] {
            let result = try EnlaceBinary.run(["conflicts", "resolve", conflict(field)] + choice
                                              + ["--note", "Verificado con la usuaria", "--token", resolver] + desk)
            #expect(result.status == 0, "\(field): \(result.stderr)")
        }
        let certConflict = centralOpen.first { $0["record_type"] == "certification" }!["id"]!.stringValue!
        #expect(try EnlaceBinary.run(["conflicts", "resolve", certConflict, "--value", "vigente", "--token", resolver] + desk).status == 0)
        // Resolved already: said so, and nothing to do is no error.
        let again = try EnlaceBinary.run(["conflicts", "resolve", certConflict, "--value", "vigente", "--token", resolver] + desk)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains(certConflict) && again.stdout.contains("ya estaba resuelto") && again.stdout.contains("lucia.office"),
                "\(again.stdout)")

        try sync(c4)
        try sync(imm)
        let summaryChoice = centralOpen.first { $0["field"] == "summary" && $0["record_type"] == "case" }!["versions"]!.arrayValue![1]["value"]!
        let finalCentral = try central.request("GET", "/v1/cases/\(caseID)", token: viewer).json
        #expect(finalCentral["conflicts"] == [])
        #expect(finalCentral["summary"] == summaryChoice)
        #expect(finalCentral["person"]?["phone"] == "477 555 0303")
        #expect(finalCentral["status"] == "en_seguimiento")
        for node in [c4, imm] {
            #expect(try openConflictIDs(node).isEmpty)
            #expect(try node.request("GET", "/v1/cases/\(caseID)").json == finalCentral)
            #expect(try node.request("GET", "/v1/certifications/\(certID)").json["status"] == "vigente")
            let resolved = try node.request("GET", "/v1/conflicts?status=resolved").json["items"]?.arrayValue ?? []
            #expect(Set(resolved.compactMap { $0["id"]?.stringValue }) == Set(ids))
            #expect(resolved.allSatisfy { $0["resolution"]?["by"]?.stringValue?.hasPrefix("lucia.office") == true })
        }
        let history = try c4.cli(["case", "history", caseID])
        #expect(history.status == 0)
        #expect(history.stdout.contains("Nivel de riesgo") && history.stdout.contains("central"), "\(history.stdout)")
        let centralHistory = try EnlaceBinary.run(["case", "history", caseID, "--central", central.url, "--token", viewer])
        #expect(centralHistory.stdout == history.stdout)
    }
}
