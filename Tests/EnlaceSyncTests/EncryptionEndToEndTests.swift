import EnlaceDemo
import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// Encryption at rest against real processes: a case's contents, its conflicts and the office's
/// resolution note are readable through the API to the departments that hold the case, and in
/// no file of any data folder (journal, WAL, records, conflicts, audit log) nor in a backup.
@Suite("Encryption at rest end to end", .serialized)
struct EncryptionEndToEndTests {
    @Test("a case's name, phone, narrative, notes and conflicting versions are in no data folder nor backup, yet every holder reads them")
    func nothingReadableAtRest() throws {
        let central = try RunningCentral()
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
        #expect(locked.status != 0 && locked.stderr.contains("without its private key"), "\(locked.stderr)")
    }
}
