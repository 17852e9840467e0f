#if canImport(Glibc)
import Glibc
#endif
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// Writes from outside the scope (docs/domain.md), against real processes: a department that was
/// told a case left its scope cannot write its way back in.
@Suite("Writes from outside the scope, end to end", .serialized)
struct OutsideScopeEndToEndTests {
    @Test("a department that left a case's scope and writes to it afterwards is quarantined, stays out, and the office sees why")
    func writeAfterLeaving() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let (c4, dif) = (try central.node("c4-01", "C4"), try central.node("dif-01", "DIF"))
        for node in [c4, dif] { try node.start() }
        let id = try #require(try c4.request("POST", "/v1/cases", ["intake_channel": "presencial", "person": ["full_name": "Inés Cárdenas"]])
            .json["id"]?.stringValue)
        #expect(try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "DIF", "reason": "Apoyo"]).status == 201)
        for node in [c4, dif] { #expect(try node.request("POST", "/v1/sync").status == 200) }
        let caseKey = try #require(try await JournalStore.opened(data: dif.data).read { try await $0.caseKey(id) })
        // DIF rejects the referral without working on the case: it leaves, and its node purges it.
        let referral = try #require(try dif.request("GET", "/v1/cases/\(id)").json["referrals"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try dif.request("PATCH", "/v1/cases/\(id)/referrals/\(referral)", ["state": "rechazada"]).status == 200)
        #expect(try dif.request("POST", "/v1/sync").json["purged"]?["cases"] == 1)
        #expect(try dif.request("GET", "/v1/cases/\(id)").status == 404)

        // An old or hostile node (it kept the key) writes to the case anyway.
        dif.daemon?.signal(SIGTERM)
        dif.daemon?.waitForExit()
        let late = try await OldNodeWrite.append([.set(field: "risk_level", value: "alto")], to: RecordKey(.caseFile, id), caseKey: caseKey,
                                           in: JournalStore.opened(data: dif.data))
        try dif.start()
        let pushed = try dif.request("POST", "/v1/sync")
        #expect(pushed.status == 200 && pushed.json["pushed"] == 1, "\(pushed.json)")
        let quarantine = try central.request("GET", "/v1/quarantine", token: office).json["items"]?.arrayValue ?? []
        let held = try #require(quarantine.first { $0["id"] == .string(late.description) }, "\(quarantine)")
        #expect(held["reason"]?.stringValue?.contains("was told the case had left DIF's scope") == true, "\(held)")
        // It did not count as work: DIF stays out, and never receives the case again.
        for _ in 0..<2 { #expect(try dif.request("POST", "/v1/sync").status == 200) }
        #expect(try dif.request("GET", "/v1/cases/\(id)").status == 404)
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["risk_level"] == "sin_valorar")
        #expect(try await JournalStore.opened(data: dif.data).read { try await $0.caseKey(id) } == nil)
        // Nothing was lost: the entry is in the central journal, and every journal verifies.
        #expect(try EnlaceBinary.run(["journal", "verify", "--data", central.data]).status == 0)
        #expect(try c4.request("POST", "/v1/sync").status == 200)
        for node in [c4, dif] { #expect(try node.cli(["journal", "verify"]).status == 0) }
    }
}
