#if canImport(Glibc)
import Glibc
#endif
import EnlaceDemo
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// Who may name the lead (docs/domain.md), against real processes: a department in a case's scope
/// cannot make itself lead to read where she is — its node refuses, an old node's naming is
/// quarantined by the central server and moves no key — and the office decides.
@Suite("Who may name the lead, end to end", .serialized)
struct LeadRuleEndToEndTests {
    static let refuge = "Refugio temporal, calle Azucena 14"

    final class Town {
        let central: RunningCentral
        let office: String
        var nodes: [String: RunningNode] = [:]

        init(_ departments: [(String, String)]) async throws {
            central = try await RunningCentral()
            try central.start()
            office = try central.user("lucia", role: "resolver")
            for (id, department) in departments {
                let node = try central.node(id, department)
                try node.start()
                nodes[department] = node
            }
        }

        subscript(department: String) -> RunningNode { nodes[department]! }

        func sync(_ departments: String...) throws {
            for department in departments {
                let round = try self[department].request("POST", "/v1/sync")
                #expect(round.status == 200, "\(department): \(round.json)")
            }
        }

        /// The location keys a department's node holds of the case.
        func locationKeys(_ department: String, _ id: String) async throws -> [String] {
            try await JournalStore.opened(data: self[department].data).read { try await $0.locationKeys(id) }.keys.sorted()
        }

        /// C4 opens a case whose location is restricted and refers it to SALUD.
        func restrictedCase() throws -> String {
            let created = try self["C4"].request("POST", "/v1/cases", [
                "intake_channel": "presencial", "confidentiality": "ubicacion_restringida",
                "person": ["full_name": "Araceli Montoya", "address": .string(LeadRuleEndToEndTests.refuge)],
            ])
            #expect(created.status == 201, "\(created.json)")
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try self["C4"].request("POST", "/v1/cases/\(id)/referrals", ["to": "SALUD", "reason": "Lesiones"]).status == 201)
            try sync("C4", "SALUD")
            return id
        }
    }

    @Test("a department in scope cannot name itself lead: its node answers 403; an old node's naming is quarantined and brings it no location key; the office accepts it, and the former lead drops its keys")
    func noSelfNamedLead() async throws {
        let town = try await Town([("c4-01", "C4"), ("sal-01", "SALUD")])
        let (c4, salud) = (town["C4"], town["SALUD"])
        let id = try town.restrictedCase()
        #expect(try salud.request("GET", "/v1/cases/\(id)").json["person"]?["address"]?.stringValue == nil)
        #expect(try await town.locationKeys("C4", id).count == 1)
        #expect(try await town.locationKeys("SALUD", id).isEmpty)

        // Its node refuses, and stores nothing.
        let entries = try salud.request("GET", "/v1/status").json["journal_entries"]
        let refused = try salud.request("PATCH", "/v1/cases/\(id)", ["lead_department": "SALUD"])
        #expect(refused.status == 403 && refused.json["field"] == "lead_department", "\(refused.json)")
        #expect(try salud.request("GET", "/v1/status").json["journal_entries"] == entries)

        // A node of an older release writes it anyway: the central server keeps it quarantined.
        salud.daemon?.signal(SIGTERM)
        salud.daemon?.waitForExit()
        let naming = try await OldNodeWrite.append([.set(field: "lead_department", value: "SALUD")], to: RecordKey(.caseFile, id),
                                             in: JournalStore.opened(data: salud.data))
        try salud.start()
        let pushed = try salud.request("POST", "/v1/sync")
        #expect(pushed.status == 200 && pushed.json["pushed"] == 1, "\(pushed.json)")
        let quarantine = try town.central.request("GET", "/v1/quarantine", token: town.office).json["items"]?.arrayValue ?? []
        let held = try #require(quarantine.first { $0["id"] == .string(naming.description) }, "\(quarantine)")
        #expect(held["reason"]?.stringValue?.contains("lead_department") == true, "\(held)")
        let officeCopy = try town.central.request("GET", "/v1/cases/\(id)", token: town.office).json
        #expect(officeCopy["lead_department"] == .null && officeCopy["person"]?["address"] == .string(LeadRuleEndToEndTests.refuge))
        try town.sync("C4", "SALUD", "SALUD")
        #expect(try await town.locationKeys("SALUD", id).isEmpty, "a quarantined naming moves no key")
        #expect(try salud.request("GET", "/v1/cases/\(id)").json["person"]?["address"]?.stringValue == nil)
        #expect(try c4.request("GET", "/v1/cases/\(id)").json["lead_department"] == .null)

        // The office accepts it with an entry of its own: SALUD reads where she is, C4 drops its keys.
        let accepted = try town.central.request("POST", "/v1/cases/\(id)/lead", token: town.office,
                                                body: #"{"department":"SALUD","note":"Aceptado: SALUD lleva el caso."}"#)
        #expect(accepted.status == 200 && accepted.json["lead_department"] == "SALUD", "\(accepted.json)")
        let viewer = try town.central.user("vera", role: "viewer")
        #expect(try town.central.request("POST", "/v1/cases/\(id)/lead", token: viewer, body: #"{"department":"C4"}"#).status == 403)
        #expect(try town.central.request("POST", "/v1/cases/\(id)/lead", token: town.office, body: #"{"department":"CENTRAL"}"#).status == 422)
        try town.sync("SALUD", "C4")
        #expect(try salud.request("GET", "/v1/cases/\(id)").json["person"]?["address"] == .string(LeadRuleEndToEndTests.refuge))
        #expect(try await town.locationKeys("C4", id).isEmpty, "C4, no longer the lead, dropped its location keys")
        #expect(try c4.request("GET", "/v1/cases/\(id)").json["person"]?["address"]?.stringValue == nil)
        #expect(DataFolderScan.files(in: c4.data, containing: LeadRuleEndToEndTests.refuge).isEmpty)
        for node in [c4, salud] { #expect(try node.cli(["journal", "verify"]).status == 0) }
    }

    @Test("namings that compete are settled only by the office; meanwhile every candidate reads her location, and a candidate cannot settle it")
    func disputedLead() async throws {
        let town = try await Town([("c4-01", "C4"), ("sal-01", "SALUD"), ("dif-01", "DIF")])
        let (c4, salud, dif) = (town["C4"], town["SALUD"], town["DIF"])
        let id = try town.restrictedCase()
        // C4, the origin, names DIF while the office, not having seen it, names SALUD.
        #expect(try c4.request("PATCH", "/v1/cases/\(id)", ["lead_department": "DIF"]).status == 200)
        #expect(try town.central.request("POST", "/v1/cases/\(id)/lead", token: town.office,
                                         body: #"{"department":"SALUD","note":"La oficina decide."}"#).status == 200)
        try town.sync("C4", "SALUD", "DIF", "C4")
        let conflicts = try town.central.request("GET", "/v1/conflicts", token: town.office).json["items"]?.arrayValue ?? []
        let dispute = try #require(conflicts.first { $0["field"] == "lead_department" }?["id"]?.stringValue, "\(conflicts)")
        for node in [salud, dif] {
            #expect(try node.request("GET", "/v1/cases/\(id)").json["person"]?["address"] == .string(LeadRuleEndToEndTests.refuge),
                    "\(node.nodeID) is a candidate lead")
        }
        #expect(try await town.locationKeys("C4", id).isEmpty)
        // A candidate that has seen both may not settle it (writing the provisional value would
        // be a no-op; it writes the other candidate).
        let settle = try salud.request("PATCH", "/v1/cases/\(id)", ["lead_department": "DIF"])
        #expect(settle.status == 403 && settle.json["error"]?.stringValue?.contains("dispute") == true, "\(settle.json)")
        // The office decides for DIF: SALUD no longer leads, and drops its keys.
        let resolved = try town.central.request("POST", "/v1/conflicts/\(dispute)/resolve", token: town.office,
                                                body: #"{"value":"DIF","note":"DIF lleva el caso."}"#)
        #expect(resolved.status == 200, "\(resolved.json)")
        try town.sync("DIF", "SALUD")
        #expect(try await town.locationKeys("SALUD", id).isEmpty)
        #expect(try dif.request("GET", "/v1/cases/\(id)").json["person"]?["address"] == .string(LeadRuleEndToEndTests.refuge))
    }
}
