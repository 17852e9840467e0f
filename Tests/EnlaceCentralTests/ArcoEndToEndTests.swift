import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// A woman's right of access (docs/domain.md, "A woman's rights (ARCO)"), against real processes: her
/// cases are linked by `person_ref`, and `enlace central arco export` writes everything held
/// about her — as JSON and as a Spanish document — with who read it; the export is audited.
@Suite("ARCO access end to end", .serialized)
struct ArcoEndToEndTests {
    @Test("two cases of one woman are exported together with every entry, author and reader; the export is audited and never overwrites")
    func exportAPersonsFile() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let c4 = try central.node("c4-01", "C4")
        try c4.start()
        let first = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial", "person": ["full_name": "Julia Ramos Tapia"]])
        let firstID = first.json["id"]!.stringValue!
        // Her first case opens her file.
        #expect(first.json["person_ref"] == .string(firstID))
        _ = try c4.request("POST", "/v1/cases/\(firstID)/attentions", ["kind": "primer_contacto", "note": "Escucha y valoración."])
        let second = try c4.request("POST", "/v1/cases", ["intake_channel": "telefonica", "person_ref": .string(firstID),
                                                          "summary": "Segundo incidente."])
        let secondID = second.json["id"]!.stringValue!
        let other = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial", "person": ["full_name": "Otra Persona"]])
        #expect(try c4.request("POST", "/v1/sync").status == 200)

        #expect(try central.request("GET", "/v1/cases/\(firstID)", token: office).status == 200)
        let search = try central.request("GET", "/v1/cases?person_ref=\(firstID)", token: office)
        let found: [String] = (search.json["items"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        #expect(Set(found) == [firstID, secondID])
        #expect(try central.request("GET", "/v1/cases?person_ref=not-a-ulid", token: office).status == 422)
        #expect(try central.request("GET", "/v1/cases", token: office).status == 400)

        let file = central.folder.sub("julia.json")
        let export = try EnlaceBinary.run(["central", "arco", "export", "--data", central.data, "--person", firstID, "--to", file, "--json"])
        #expect(export.status == 0, "\(export.stderr)")
        let json = try JSONValue.parse(try String(contentsOfFile: file, encoding: .utf8))
        let cases = json["cases"]?.arrayValue ?? []
        let exported: [String] = cases.compactMap { $0["id"]?.stringValue }
        #expect(Set(exported) == [firstID, secondID])
        let firstCase = try #require(cases.first { $0["id"] == .string(firstID) })
        #expect(firstCase["case"]?["person"]?["full_name"] == "Julia Ramos Tapia")
        #expect(firstCase["journal"]?.arrayValue?.count == 2)
        #expect(firstCase["accesses"]?.arrayValue?.contains { $0["actor"] == "lucia" && $0["action"] == "case.read" } == true)
        let document = try String(contentsOfFile: file + ".txt", encoding: .utf8)
        #expect(document.contains("Derecho de acceso") && document.contains("Julia Ramos Tapia") && document.contains("Escucha y valoración."))
        #expect(!document.contains("Otra Persona"))
        let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) ?? 0
        #expect(mode & 0o077 == 0)

        // Never over an earlier export; one case alone; an unknown file is refused.
        #expect(try EnlaceBinary.run(["central", "arco", "export", "--data", central.data, "--person", firstID, "--to", file]).status != 0)
        let single = central.folder.sub("other.json")
        #expect(try EnlaceBinary.run(["central", "arco", "export", "--data", central.data, "--case", other.json["id"]!.stringValue!,
                                      "--to", single]).status == 0)
        #expect(try JSONValue.parse(try String(contentsOfFile: single, encoding: .utf8))["cases"]?.arrayValue?.count == 1)
        #expect(try EnlaceBinary.run(["central", "arco", "export", "--data", central.data, "--person", "01JDQ8Z6N4W2C4X9V3K5M7P8ZZ",
                                      "--to", central.folder.sub("nobody.json")]).status != 0)

        let audit = try JSONValue.parse(try EnlaceBinary.run(["central", "audit", "--data", central.data, "--json"]).stdout)
        let exports: [String] = (audit["rows"]?.arrayValue ?? []).filter { $0["action"] == "case.arco_export" }.compactMap { $0["subject"]?.stringValue }
        #expect(Set(exports).isSuperset(of: [firstID, secondID]))
        #expect(audit["intact"] == true)
    }
}
