import EnlaceDemo
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// Need to know (docs/domain.md) against real processes: a central server and one node per
/// department, each holding only the cases in its department's scope; what leaves a scope is
/// purged with no readable trace in the data folder, and comes back when it re-enters.
@Suite("Need to know end to end", .serialized)
struct NeedToKnowEndToEndTests {
    /// Texts of the case that must never be readable where the case is not held.
    static let secrets = ["Marisol Quintero Aranda", "477 123 9876", "la amenazó con un cuchillo", "refugio temporal en Silao"]

    final class Municipality {
        let central: RunningCentral
        let office: String
        var nodes: [String: RunningNode] = [:]

        init() async throws {
            central = try await RunningCentral()
            try central.start()
            office = try central.user("lucia", role: "viewer")
            for (id, department) in [("c4-01", "C4"), ("imm-01", "IMMUJERES"), ("bom-01", "BOMBEROS"), ("dif-01", "DIF"),
                                     ("sal-01", "SALUD"), ("nna-01", "PROCURADURIA_NNA")] {
                let node = try central.node(id, department)
                try node.start()
                nodes[department] = node
            }
        }

        subscript(department: String) -> RunningNode { nodes[department]! }

        /// A sync round of `node`; returns its report.
        @discardableResult
        func sync(_ node: RunningNode) throws -> JSONValue {
            let answer = try node.request("POST", "/v1/sync")
            #expect(answer.status == 200, "\(node.nodeID): \(answer.json)")
            return answer.json
        }

        /// Every node syncs, the case's origin first.
        func syncAll() throws {
            try sync(self["C4"])
            for (department, node) in nodes.sorted(by: { $0.key < $1.key }) where department != "C4" { try sync(node) }
        }

        /// The case as the office reads it.
        func officeCopy(_ id: String) throws -> JSONValue {
            try central.request("GET", "/v1/cases/\(id)", token: office).json
        }

        /// Asserts which departments hold case `id`: those hold exactly the office's copy; the
        /// others answer as for an unknown id, list nothing of it, and no file of their data
        /// folder contains its text. Every journal still verifies.
        func expectHeld(_ id: String, by holders: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let reference = try officeCopy(id)
            // The case's sealed bodies as its origin holds them: contents are encrypted
            // everywhere, so "not held" is proven by the key and these bytes, not by plain text.
            let trace = try await CaseTrace.capture(JournalStore.opened(data: self["C4"].data), caseID: id)
            let unknown = "01JDQ8Z6N4W2C4X9V3K5M7P8ZZ"
            for (department, node) in nodes {
                let answer = try node.request("GET", "/v1/cases/\(id)")
                let listed = (try node.request("GET", "/v1/cases?limit=500").json["items"]?.arrayValue ?? []).contains { $0["id"] == .string(id) }
                if holders.contains(department) {
                    #expect(answer.status == 200 && answer.json == reference, "\(department) should hold \(id) as the office does",
                            sourceLocation: sourceLocation)
                    #expect(listed, "\(department) should list \(id)", sourceLocation: sourceLocation)
                    // The positive control: a holder's folder shows every sealed body.
                    #expect(trace.bodiesFound(in: node.data) == trace.entries.count,
                            "\(department) holds \(trace.bodiesFound(in: node.data)) of \(trace.entries.count) bodies", sourceLocation: sourceLocation)
                } else {
                    let stranger = try node.request("GET", "/v1/cases/\(unknown)")
                    #expect(answer.status == 404, "\(department) answered \(answer.status) for \(id)", sourceLocation: sourceLocation)
                    #expect(answer.json["error"]?.stringValue == stranger.json["error"]?.stringValue?.replacingOccurrences(of: unknown, with: id),
                            sourceLocation: sourceLocation)
                    #expect(!listed, "\(department) lists \(id)", sourceLocation: sourceLocation)
                    let remains = try await trace.remains(in: JournalStore.opened(data: node.data))
                    #expect(remains.isEmpty, "\(department) still holds \(remains)", sourceLocation: sourceLocation)
                    #expect(trace.files(in: node.data).isEmpty, "\(department)'s folder holds sealed bodies of \(id) in \(trace.files(in: node.data))",
                            sourceLocation: sourceLocation)
                    for secret in NeedToKnowEndToEndTests.secrets {
                        let found = DataFolderScan.files(in: node.data, containing: secret)
                        #expect(found.isEmpty, "\(department)'s data folder holds «\(secret)» in \(found)", sourceLocation: sourceLocation)
                    }
                }
                #expect(try node.cli(["journal", "verify"]).status == 0, "\(department)'s journal does not verify", sourceLocation: sourceLocation)
            }
        }
    }

    /// C4 opens the case with all its secrets and refers it to IMMUJERES.
    func openCase(_ town: Municipality) throws -> String {
        let c4 = town["C4"]
        let created = try c4.request("POST", "/v1/cases", [
            "intake_channel": "emergencia_911", "risk_level": "alto", "summary": "Relata que la amenazó con un cuchillo en la cocina.",
            "person": ["full_name": "Marisol Quintero Aranda", "phone": "477 123 9876"],
        ])
        #expect(created.status == 201)
        let id = created.json["id"]!.stringValue!
        #expect(try c4.request("POST", "/v1/cases/\(id)/attentions", ["kind": "primer_contacto", "note": "Se gestiona refugio temporal en Silao."])
            .status == 201)
        #expect(try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "IMMUJERES", "reason": "Asesoría jurídica"]).status == 201)
        return id
    }

    func referral(to department: String, of id: String, at node: RunningNode) throws -> String {
        let referrals = try node.request("GET", "/v1/cases/\(id)").json["referrals"]?.arrayValue ?? []
        return try #require(referrals.last { $0["to"] == .string(department) && $0["state"] != "rechazada" }?["id"]?.stringValue)
    }

    @Test("a case referred to IMMUJERES is held by C4, IMMUJERES and the office; BOMBEROS, DIF, SALUD and the Procuraduría answer 404 and hold none of its text")
    func referredCaseReachesOnlyItsDepartments() async throws {
        let town = try await Municipality()
        let id = try openCase(town)
        try town.syncAll()
        try await town.expectHeld(id, by: ["C4", "IMMUJERES"])
        // A department that does not hold the case cannot write to it either.
        let bomberos = town["BOMBEROS"]
        #expect(try bomberos.request("PATCH", "/v1/cases/\(id)", ["risk_level": "extremo"]).status == 404)
        #expect(try bomberos.request("POST", "/v1/cases/\(id)/attentions", ["kind": "seguimiento"]).status == 404)
        // Certifications are not sensitive: everyone holds them.
        let cert = try town["SALUD"].request("POST", "/v1/certifications", [
            "holder_name": "Rosa Ruiz", "standard_code": "EC0539", "folio": "D-77", "valid_until": "2027-01-31",
        ]).json["id"]!.stringValue!
        try town.sync(town["SALUD"])
        try town.syncAll()
        for node in town.nodes.values { #expect(try node.request("GET", "/v1/certifications/\(cert)").status == 200) }
    }

    @Test("referred to DIF, DIF receives the whole history; rejected before DIF worked on it, DIF purges it; referred again, it is back")
    func referralEntersLeavesAndReenters() async throws {
        let town = try await Municipality()
        let (c4, dif) = (town["C4"], town["DIF"])
        let id = try openCase(town)
        try town.syncAll()
        try await town.expectHeld(id, by: ["C4", "IMMUJERES"])

        #expect(try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "DIF", "reason": "Apoyo a hijas e hijos"]).status == 201)
        try town.syncAll()
        try await town.expectHeld(id, by: ["C4", "IMMUJERES", "DIF"])
        #expect(try dif.request("GET", "/v1/cases/\(id)").json["attentions"]?.arrayValue?.count == 1)

        let sent = try referral(to: "DIF", of: id, at: dif)
        #expect(try dif.request("PATCH", "/v1/cases/\(id)/referrals/\(sent)", ["state": "recibida"]).status == 200)
        #expect(try dif.request("PATCH", "/v1/cases/\(id)/referrals/\(sent)", ["state": "rechazada"]).status == 200)
        let round = try town.sync(dif)
        #expect(round["purged"]?["cases"] == 1, "\(round)")
        try town.syncAll()
        try await town.expectHeld(id, by: ["C4", "IMMUJERES"])
        #expect(try dif.request("GET", "/v1/status").json["pending_entries"] == 0)

        // Sent again: DIF receives it whole once more, its own rejection included.
        #expect(try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "DIF", "reason": "Segunda canalización"]).status == 201)
        try town.syncAll()
        try await town.expectHeld(id, by: ["C4", "IMMUJERES", "DIF"])
        #expect(try dif.request("GET", "/v1/cases/\(id)").json["referrals"]?.arrayValue?.count == 3)
    }

    @Test("children present bring the Procuraduría; consent withheld keeps only immediate referrals; a department that worked on the case stays")
    func childrenAndConsent() async throws {
        let town = try await Municipality()
        let c4 = town["C4"]
        let id = try openCase(town)
        #expect(try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "DIF", "reason": "Apoyo", "urgency": "ordinaria"]).status == 201)
        #expect(try c4.request("PATCH", "/v1/cases/\(id)", ["risk_factors": ["ninas_ninos_presentes"]]).status == 200)
        try town.syncAll()
        try await town.expectHeld(id, by: ["C4", "IMMUJERES", "DIF", "PROCURADURIA_NNA"])
        // The Procuraduría records an attention: it worked on the case and keeps it.
        #expect(try town["PROCURADURIA_NNA"].request("POST", "/v1/cases/\(id)/attentions", ["kind": "seguimiento"]).status == 201)
        try town.sync(town["PROCURADURIA_NNA"])

        // She withholds consent: ordinary referrals no longer carry the case; an immediate one does.
        #expect(try c4.request("PATCH", "/v1/cases/\(id)", ["consent_to_share": false]).status == 200)
        #expect(try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "SALUD", "reason": "Lesiones", "urgency": "inmediata"]).status == 201)
        try town.syncAll()
        try await town.expectHeld(id, by: ["C4", "SALUD", "PROCURADURIA_NNA"])

        // Consent given again and the children factor removed: the referred departments are back,
        // the Procuraduría stays because it worked on the case.
        #expect(try c4.request("PATCH", "/v1/cases/\(id)", ["consent_to_share": true, "risk_factors": []]).status == 200)
        try town.syncAll()
        try await town.expectHeld(id, by: ["C4", "IMMUJERES", "DIF", "SALUD", "PROCURADURIA_NNA"])
    }

    @Test("a case whose history is longer than a page reaches a department entering its scope whole, across pages")
    func longHistoryAcrossPages() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let c4 = try central.node("c4-01", "C4")
        try c4.start()
        let dif = try central.node("dif-01", "DIF")
        try dif.start(["--sync-interval", "3600", "--sync-debounce", "3600", "--batch-size", "3"])
        let id = try #require(try c4.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": "Primera nota"]).json["id"]?.stringValue)
        for index in 0..<12 {
            #expect(try c4.request("POST", "/v1/cases/\(id)/attentions", ["kind": "seguimiento", "note": .string("Seguimiento \(index)")]).status == 201)
        }
        #expect(try c4.request("POST", "/v1/sync").status == 200)
        #expect(try dif.request("POST", "/v1/sync").status == 200)
        #expect(try dif.request("GET", "/v1/cases/\(id)").status == 404)
        #expect(try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "DIF", "reason": "Apoyo"]).status == 201)
        #expect(try c4.request("POST", "/v1/sync").status == 200)
        let round = try dif.request("POST", "/v1/sync")
        #expect(round.status == 200, "\(round.json)")
        let held = try dif.request("GET", "/v1/cases/\(id)")
        let reference = try central.request("GET", "/v1/cases/\(id)", token: office).json
        #expect(held.status == 200 && held.json == reference)
        #expect(held.json["attentions"]?.arrayValue?.count == 12)
        #expect(try dif.cli(["journal", "verify"]).status == 0)
    }

}
