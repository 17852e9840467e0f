import EnlaceDemo
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// ARCO cancellation against real processes: the office erases a case; every replica that held
/// it destroys its contents — a node that was offline too, at its next sync, without bringing
/// them back — journals still verify, and a central store restored from an older copy erases
/// it again before it serves anything.
@Suite("ARCO erasure end to end", .serialized)
struct ErasureEndToEndTests {
    static let secrets = ["Rocío Delgado Pérez", "477 765 4321", "Relato de la agresión en el trabajo", "Nota sin conexión de IMMUJERES"]

    /// Nothing of the erased case remains at a replica: no plain text, no key, no body of the
    /// entries captured before the erasure, not one of their sealed bytes in any file.
    func scan(_ folder: String, _ traces: [CaseTrace], store: (any ReplicaStore)? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for secret in Self.secrets {
            let found = DataFolderScan.files(in: folder, containing: secret)
            #expect(found.isEmpty, "«\(secret)» is still readable in \(found) of \(folder)", sourceLocation: sourceLocation)
        }
        let store = try store ?? JournalStore.opened(data: folder)
        for trace in traces {
            let remains = try await trace.remains(in: store, tombstone: true)
            #expect(remains.isEmpty, "\(folder) still holds \(remains)", sourceLocation: sourceLocation)
            #expect(trace.files(in: folder).isEmpty, "sealed bodies of the erased case in \(trace.files(in: folder))", sourceLocation: sourceLocation)
        }
    }

    @Test("an erased case leaves only its tombstone on every replica, an offline node included; journals verify; a restore erases it again")
    func eraseEverywhere() async throws {
        let central = try await RunningCentral(store: .sqlite)
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let (c4, imm) = (try central.node("c4-01", "C4"), try central.node("imm-01", "IMMUJERES"))
        try c4.start()
        try imm.start()
        let created = try c4.request("POST", "/v1/cases", [
            "intake_channel": "presencial", "summary": "Relato de la agresión en el trabajo.",
            "person": ["full_name": "Rocío Delgado Pérez", "phone": "477 765 4321"],
        ])
        let id = created.json["id"]!.stringValue!
        let folio = created.json["folio"]!
        _ = try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "IMMUJERES", "reason": "Asesoría"])
        let other = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial", "person": ["full_name": "Otra Usuaria"]])
        for node in [c4, imm] { #expect(try node.request("POST", "/v1/sync").status == 200) }
        #expect(try imm.request("GET", "/v1/cases/\(id)").json["person"]?["full_name"] == "Rocío Delgado Pérez")
        try FileManager.default.createDirectory(atPath: central.folder.sub("copies"), withIntermediateDirectories: true)
        let copy = central.folder.sub("copies/before-erasure.sqlite")
        #expect(try EnlaceBinary.run(["central", "backup", "--data", central.data, "--to", copy]).status == 0)

        // IMMUJERES goes offline with an edit of its own that never left.
        #expect(try imm.request("POST", "/v1/cases/\(id)/attentions", ["kind": "asesoria_juridica", "note": "Nota sin conexión de IMMUJERES"])
            .status == 201)
        imm.daemon?.signal(SIGTERM)
        _ = imm.daemon?.waitForExit()
        // What each replica holds of the case, sealed, before the erasure; each folder shows
        // every body (the positive control of the scans below), and so does the backup copy.
        let traces = try await [c4, imm].asyncMap { try await CaseTrace.capture(JournalStore.opened(data: $0.data), caseID: id) }
        #expect(traces[1].entries.count == traces[0].entries.count + 1, "IMMUJERES holds its own offline attention too")
        for (trace, node) in zip(traces, [c4, imm]) { #expect(trace.bodiesFound(in: node.data) == trace.entries.count) }
        #expect(traces[0].bodiesFound(in: central.data) == traces[0].entries.count)
        #expect(traces[0].bodiesFound(in: central.folder.sub("copies")) == traces[0].entries.count)

        // The office erases it (the server keeps running).
        let refused = try EnlaceBinary.run(["central", "arco", "erase", "--data", central.data, "--case", id, "--reason", " ",
                                            "--legal-basis", "x"])
        #expect(refused.status == 2 && refused.stderr.contains("«--reason» tiene un valor que no es válido"), "\(refused.stderr)")
        let erase = try EnlaceBinary.run(["central", "arco", "erase", "--data", central.data, "--case", id,
                                          "--reason", "Solicitud de cancelación de la titular", "--legal-basis", "LGPDPPSO, artículo 46", "--json"])
        #expect(erase.status == 0, "\(erase.stderr)")
        let tombstone = try central.request("GET", "/v1/cases/\(id)", token: office).json
        #expect(tombstone["folio"] == folio && tombstone["person"] == nil && tombstone["erased"]?["legal_basis"] == "LGPDPPSO, artículo 46",
                "\(tombstone)")
        #expect(try central.request("GET", "/v1/cases/\(other.json["id"]!.stringValue!)", token: office).json["person"]?["full_name"]
            == "Otra Usuaria")
        #expect(try EnlaceBinary.run(["central", "arco", "erase", "--data", central.data, "--case", id, "--reason", "otra vez",
                                      "--legal-basis", "x"]).status != 0)
        // Access after cancellation shows what remains, and who read it.
        let export = central.folder.sub("erased.json")
        #expect(try EnlaceBinary.run(["central", "arco", "export", "--data", central.data, "--case", id, "--to", export]).status == 0)
        let exported = try JSONValue.parse(try String(contentsOfFile: export, encoding: .utf8))["cases"]?.arrayValue?.first
        #expect(exported?["case"] == tombstone && exported?["journal"] == .array([]))

        #expect(try c4.request("POST", "/v1/sync").status == 200)
        #expect(try c4.request("GET", "/v1/cases/\(id)").json == tombstone)
        #expect(try c4.request("PATCH", "/v1/cases/\(id)", ["risk_level": "alto"]).status == 409)
        try await scan(c4.data, traces)
        try await scan(central.data, [traces[0]], store: central.openStore())

        // The offline node comes back: its own edit reaches the central server only as a stub,
        // and the erasure destroys its copy.
        try imm.start()
        let back = try imm.request("POST", "/v1/sync")
        #expect(back.status == 200, "\(back.json)")
        #expect(try imm.request("GET", "/v1/cases/\(id)").json == tombstone)
        #expect(try imm.request("GET", "/v1/status").json["pending_entries"] == 0)
        #expect(try c4.request("POST", "/v1/sync").status == 200)
        for node in [c4, imm] {
            try await scan(node.data, traces)
            #expect(try node.cli(["journal", "verify"]).status == 0, "\(node.nodeID)'s journal does not verify")
        }
        try await scan(central.data, traces, store: central.openStore())
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json == tombstone)

        // A restore from the copy made before the erasure erases again before serving.
        central.stop()
        let restore = try EnlaceBinary.run(["central", "restore", "--data", central.data, "--from", copy, "--json"])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try JSONValue.parse(restore.stdout)["reerased"] == 1)
        try central.start()
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["erased"]?["reason"] == "Solicitud de cancelación de la titular")
        for node in [c4, imm] { #expect(try node.request("POST", "/v1/sync").status == 200) }
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["person"] == nil)
        #expect(try EnlaceBinary.run(["journal", "verify", "--data", central.data]).status == 0)
        try await scan(central.data, traces, store: central.openStore())
        let audit = try JSONValue.parse(try EnlaceBinary.run(["central", "audit", "--data", central.data, "--json"]).stdout)
        #expect((audit["rows"]?.arrayValue ?? []).contains { $0["action"] == "case.erase" && $0["subject"] == .string(id) })
    }
}
