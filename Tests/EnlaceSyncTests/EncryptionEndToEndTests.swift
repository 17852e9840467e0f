import EnlaceDemo
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// Encryption at rest against real processes: a case's contents, its conflicts and the office's
/// resolution note are readable through the API to the departments that hold the case, and in
/// no file of any data folder (journal, WAL, records, conflicts, audit log) nor in a backup.
@Suite("Encryption at rest end to end", .serialized)
struct EncryptionEndToEndTests {
    @Test("a case's name, phone, narrative, notes and conflicting versions are in no data folder nor backup, yet every holder reads them")
    func nothingReadableAtRest() async throws {
        let central = try await RunningCentral(store: .sqlite)
        try central.start()
        let office = try central.user("lucia", role: "resolver")
        let c4 = try central.node("c4-01", "C4")
        let peer = try central.node("c4-02", "C4")
        let imm = try central.node("imm-01", "IMMUJERES")
        for node in [c4, peer, imm] { try node.start() }
        let secrets = [
            "Rocío Villalpando Ugalde", "477 318 2290", "Calle Hidalgo 418", "Relato: la golpeó frente a sus hijos",
            "Se canaliza a refugio en Irapuato", "Versión de la central de C4", "Versión del segundo turno",
            "Nota de resolución: se confirma con la víctima",
        ]
        let created = try c4.request("POST", "/v1/cases", [
            "intake_channel": "telefonica", "summary": .string(secrets[3]),
            "person": ["full_name": .string(secrets[0]), "phone": .string(secrets[1]), "address": .string(secrets[2])],
        ])
        #expect(created.status == 201, "\(created.json)")
        let id = try #require(created.json["id"]?.stringValue)
        #expect(try c4.request("POST", "/v1/cases/\(id)/attentions", ["kind": "primer_contacto", "note": .string(secrets[4])]).status == 201)
        #expect(try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "IMMUJERES", "reason": "Asesoría jurídica"]).status == 201)
        for node in [c4, peer, imm] { #expect(try node.request("POST", "/v1/sync").status == 200) }
        // Two C4 machines write the narrative at once: a conflict every holder opens.
        #expect(try c4.request("PATCH", "/v1/cases/\(id)", ["summary": .string(secrets[5])]).status == 200)
        #expect(try peer.request("PATCH", "/v1/cases/\(id)", ["summary": .string(secrets[6])]).status == 200)
        for node in [c4, peer, imm, c4] { #expect(try node.request("POST", "/v1/sync").status == 200) }
        let open = try central.request("GET", "/v1/conflicts", token: office).json["items"]?.arrayValue ?? []
        let conflict = try #require(open.first?["id"]?.stringValue)
        let held = try imm.request("GET", "/v1/conflicts").json
        #expect(held.canonicalText.contains(conflict) && held.canonicalText.contains(secrets[6]), "\(held)")

        // Every holder reads the case through its API.
        for node in [c4, peer, imm] {
            let copy = try node.request("GET", "/v1/cases/\(id)").json
            #expect(copy["person"]?["full_name"]?.stringValue == secrets[0], "\(node.nodeID)")
            #expect(copy["attentions"]?.arrayValue?.first?["note"]?.stringValue == secrets[4], "\(node.nodeID)")
        }
        let resolved = try central.request("POST", "/v1/conflicts/\(conflict)/resolve", token: office,
                                           body: JSONValue.object(["value": .string(secrets[6]), "note": .string(secrets[7])]).canonicalText)
        #expect(resolved.status == 200, "\(resolved.json)")
        for node in [c4, peer, imm] { #expect(try node.request("POST", "/v1/sync").status == 200) }
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["person"]?["phone"]?.stringValue == secrets[1])
        // The node reads the office's note from its sealed entry.
        let history = try c4.cli(["case", "history", id, "--json"])
        #expect(history.status == 0 && history.stdout.contains(secrets[7]), "\(history.stderr)")

        let backup = central.folder.sub("central.backup")
        #expect(try EnlaceBinary.run(["central", "backup", "--data", central.data, "--to", backup]).status == 0)
        // Stopped, so that nothing is left only in memory; then every byte is searched.
        for node in [c4, peer, imm] {
            node.daemon?.signal(SIGTERM)
            _ = node.daemon?.waitForExit()
        }
        central.stop()
        for (name, folder) in [("c4-01", c4.data), ("c4-02", peer.data), ("imm-01", imm.data), ("central", central.data)] {
            for secret in secrets {
                let found = DataFolderScan.files(in: folder, containing: secret)
                #expect(found.isEmpty, "\(name)'s data folder holds «\(secret)» in \(found)")
            }
        }
        let copy = try #require(FileManager.default.contents(atPath: backup))
        for secret in secrets { #expect(copy.range(of: Data(secret.utf8)) == nil, "the backup holds «\(secret)»") }
        // The folders are sound, and a copy without its key opens nothing.
        for node in [c4, peer, imm] { #expect(try node.cli(["journal", "verify"]).status == 0) }
        #expect(try EnlaceBinary.run(["journal", "verify", "--data", central.data]).status == 0)
        let keyless = central.folder.sub("keyless")
        try FileManager.default.createDirectory(atPath: keyless, withIntermediateDirectories: true)
        let locked = try EnlaceBinary.run(["journal", "verify", "--data", c4.data, "--credentials", keyless])
        #expect(locked.status != 0 && locked.stderr.contains("sin su llave privada"), "\(locked.stderr)")
    }
}

extension EncryptionEndToEndTests {
    @Test("ubicacion_restringida: only the lead department and the office read her location; C4 merges the sealed values and opens the same conflicts")
    func restrictedLocation() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "resolver")
        let c4 = try central.node("c4-01", "C4")
        let imm = try central.node("imm-01", "IMMUJERES")
        let imm2 = try central.node("imm-02", "IMMUJERES")
        for node in [c4, imm, imm2] { try node.start() }
        // Each round's report, kept to explain a failure.
        var rounds: [String] = []
        func syncAll(_ nodes: [RunningNode]) throws {
            for node in nodes {
                let round = try node.request("POST", "/v1/sync")
                rounds.append("\(node.nodeID): \(round.json)")
                #expect(round.status == 200, "\(node.nodeID): \(round.json)")
            }
        }
        let refuge = "Refugio Las Magnolias, km 3", sister = "Casa de su hermana en San Felipe"
        let id = try #require(try c4.request("POST", "/v1/cases", ["intake_channel": "telefonica", "person": ["full_name": "Noemí Ledesma"]])
            .json["id"]?.stringValue)
        #expect(try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "IMMUJERES", "reason": "Refugio"]).status == 201)
        #expect(try c4.request("PATCH", "/v1/cases/\(id)", ["lead_department": "IMMUJERES", "confidentiality": "ubicacion_restringida"])
            .status == 200)
        try syncAll([c4, imm, imm2])
        // C4 is in scope but not the lead: it cannot write her location any more.
        let refused = try c4.request("PATCH", "/v1/cases/\(id)", ["person": ["address": "Otra dirección"]])
        #expect(refused.status == 403 && refused.json["field"] == "person.address", "\(refused.json)")
        // Two machines of the lead write different places at once; no_contact stays readable.
        #expect(try imm.request("PATCH", "/v1/cases/\(id)", ["person": ["address": .string(refuge)], "safe_contact": ["no_contact": true]])
            .status == 200)
        #expect(try imm2.request("PATCH", "/v1/cases/\(id)", ["person": ["address": .string(sister)]]).status == 200)
        try syncAll([imm, imm2, c4, imm])

        let atC4 = try c4.request("GET", "/v1/cases/\(id)").json
        #expect(atC4["person"]?["address"]?.stringValue == nil && !atC4.canonicalText.contains(refuge) && !atC4.canonicalText.contains(sister))
        #expect(atC4["safe_contact"]?["no_contact"] == true)
        #expect(atC4["person"]?["full_name"] == "Noemí Ledesma")
        let atLead = try imm.request("GET", "/v1/cases/\(id)").json
        #expect([refuge, sister].contains(atLead["person"]?["address"]?.stringValue ?? ""), "\(atLead)")
        let officeCopy = try central.request("GET", "/v1/cases/\(id)", token: office).json
        #expect([refuge, sister].contains(officeCopy["person"]?["address"]?.stringValue ?? ""))

        // The same conflict everywhere; only the lead and the office read its versions.
        func openConflicts(_ node: RunningNode) throws -> [JSONValue] {
            try node.request("GET", "/v1/conflicts").json["items"]?.arrayValue ?? []
        }
        let officeConflicts = try central.request("GET", "/v1/conflicts", token: office).json["items"]?.arrayValue ?? []
        let conflict = try #require(officeConflicts.first { $0["field"] == "person.address" }?["id"]?.stringValue)
        #expect(try openConflicts(c4).map { $0["id"] } == [.string(conflict)])
        #expect(try openConflicts(imm).map { $0["id"] } == [.string(conflict)])
        let c4Text = try openConflicts(c4).first!.canonicalText
        #expect(!c4Text.contains(refuge) && !c4Text.contains(sister))
        let leadText = try openConflicts(imm).first!.canonicalText
        #expect(leadText.contains(refuge) && leadText.contains(sister))

        let resolved = try central.request("POST", "/v1/conflicts/\(conflict)/resolve", token: office,
                                           body: JSONValue.object(["value": .string(refuge), "note": "Confirmado por teléfono"]).canonicalText)
        #expect(resolved.status == 200, "\(resolved.json)")
        try syncAll([c4, imm, imm2])
        #expect(try openConflicts(c4).isEmpty && openConflicts(imm2).isEmpty)
        #expect(try imm2.request("GET", "/v1/cases/\(id)").json["person"]?["address"] == .string(refuge))
        #expect(try c4.request("GET", "/v1/cases/\(id)").json["person"]?["address"]?.stringValue == nil)

        // Each lead machine made its own location key while they wrote apart; each holds both.
        #expect(try await JournalStore.opened(data: imm2.data).read { try await $0.locationKeys(id) }.keys.sorted() == ["IMMUJERES:imm-01", "IMMUJERES:imm-02"])

        // C4 is in scope but not the lead: it may not name another (docs/domain.md, "Who may name
        // the lead"). The lead passes the case to DIF: DIF reads the location IMMUJERES wrote and
        // writes under a key of its own, which IMMUJERES — no longer the lead — never receives;
        // IMMUJERES's machines drop the keys they held.
        let dif = try central.node("dif-01", "DIF")
        try dif.start()
        let usurped = try c4.request("PATCH", "/v1/cases/\(id)", ["lead_department": "C4"])
        #expect(usurped.status == 403 && usurped.json["field"] == "lead_department", "\(usurped.json)")
        #expect(try imm.request("PATCH", "/v1/cases/\(id)", ["lead_department": "DIF"]).status == 200)
        try syncAll([imm, c4, dif])
        let atDIF = try dif.request("GET", "/v1/cases/\(id)").json
        #expect(atDIF["person"]?["address"] == .string(refuge),
                "\(atDIF)\nrounds: \(rounds.joined(separator: "\n"))\nDIF: \(dif.daemon?.log ?? "")\ncentral: \(central.daemon?.log ?? "")")
        let shelter = "Albergue temporal del DIF, sala 2"
        let moved = try dif.request("PATCH", "/v1/cases/\(id)", ["person": ["address": .string(shelter)]])
        #expect(moved.status == 200, "\(moved.json)")
        try syncAll([dif, imm, imm2, c4])
        let formerLead = try imm.request("PATCH", "/v1/cases/\(id)", ["person": ["colonia": "Centro"]])
        #expect(formerLead.status == 403, "\(formerLead.json)")
        #expect(try imm.request("GET", "/v1/cases/\(id)").json["person"]?["address"]?.stringValue == nil)
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["person"]?["address"] == .string(shelter))

        for node in [c4, imm, imm2, dif] {
            node.daemon?.signal(SIGTERM)
            _ = node.daemon?.waitForExit()
            #expect(try node.cli(["journal", "verify"]).status == 0, "\(node.nodeID)")
        }
        // C4 never received the location key; IMMUJERES's machines dropped theirs when DIF became
        // the lead; DIF holds every key, the earlier leads' too.
        for node in [c4, imm, imm2] { #expect(try await JournalStore.opened(data: node.data).read { try await $0.locationKeys(id) }.isEmpty, "\(node.nodeID)") }
        #expect(try await JournalStore.opened(data: dif.data).read { try await $0.locationKeys(id) }.keys.sorted()
            == ["DIF:dif-01", "IMMUJERES:imm-01", "IMMUJERES:imm-02"])
        for secret in [refuge, sister, shelter] {
            for node in [c4, imm, imm2, dif] { #expect(DataFolderScan.files(in: node.data, containing: secret).isEmpty, "\(node.nodeID)") }
        }
    }
}
