import EnlaceModel
import Testing

/// One test per row of the scope table (docs/domain.md, "Who holds a case (need to know)"), and its two qualifiers:
/// consent and fields in conflict.
@Suite("Case scope")
struct CaseScopeTests {
    let key = Fixture.caseKey
    let referral = Fixture.referral

    func scope(_ operations: [FieldOperation], writers: Set<String> = ["C4"]) -> Set<String> {
        var node = TestNode("c4-01")
        node.edit(key, Fixture.creation() + operations)
        return CaseScope.departments(of: node.record(key), writers: writers)
    }

    func referralTo(_ target: String, state: String = "enviada", urgency: String = "ordinaria") -> [FieldOperation] {
        [
            .set(field: "referrals.\(referral).from", value: "C4"),
            .set(field: "referrals.\(referral).to", value: .string(target)),
            .set(field: "referrals.\(referral).state", value: .string(state)),
            .set(field: "referrals.\(referral).urgency", value: .string(urgency)),
        ]
    }

    @Test("origin and office: a case opened at C4 is held by C4 and the central office only")
    func originAndOffice() {
        #expect(scope([]) == ["C4", "CENTRAL"])
    }

    @Test("lead: the lead department holds it")
    func lead() {
        #expect(scope([.set(field: "lead_department", value: "SALUD")]) == ["C4", "SALUD", "CENTRAL"])
    }

    @Test("worked on it: every department whose node wrote to it holds it")
    func workedOnIt() {
        #expect(scope([], writers: ["C4", "BOMBEROS"]) == ["C4", "BOMBEROS", "CENTRAL"])
    }

    @Test("referred: a department it is referred to holds it, unless the referral was rejected; outside institutions add no one")
    func referred() {
        #expect(scope(referralTo("IMMUJERES")) == ["C4", "IMMUJERES", "CENTRAL"])
        #expect(scope(referralTo("IMMUJERES", state: "rechazada")) == ["C4", "CENTRAL"])
        #expect(scope(referralTo("REFUGIO")) == ["C4", "CENTRAL"])
    }

    @Test("children: PROCURADURIA_NNA holds it when children are present")
    func children() {
        #expect(scope([.add(field: "risk_factors", element: "ninas_ninos_presentes")]) == ["C4", "PROCURADURIA_NNA", "CENTRAL"])
        #expect(scope([.add(field: "risk_factors", element: "armas")]) == ["C4", "CENTRAL"])
    }

    @Test("consent_to_share = false: only immediate referrals, no children rule; origin, lead and writers stay")
    func consentWithheld() {
        let withheld: [FieldOperation] = [.set(field: "consent_to_share", value: false)]
        #expect(scope(withheld + referralTo("DIF")) == ["C4", "CENTRAL"])
        #expect(scope(withheld + referralTo("DIF", urgency: "inmediata")) == ["C4", "DIF", "CENTRAL"])
        #expect(scope(withheld + [.add(field: "risk_factors", element: "ninas_ninos_presentes")]) == ["C4", "CENTRAL"])
        #expect(scope(withheld + [.set(field: "lead_department", value: "SALUD")], writers: ["C4", "SUBSEC_DDHH"])
            == ["C4", "SALUD", "SUBSEC_DDHH", "CENTRAL"])
        #expect(scope([.set(field: "consent_to_share", value: true)] + referralTo("DIF")) == ["C4", "DIF", "CENTRAL"])
    }

    @Test("a field in conflict counts with every competing value: no clock decides who receives a case")
    func conflictCountsEveryValue() {
        var (a, b) = pairSharing(key, creation: Fixture.creation())
        a.edit(key, [.set(field: "lead_department", value: "SALUD")])
        b.edit(key, [.set(field: "lead_department", value: "DIF")])
        a.sync(from: b)
        b.sync(from: a)
        let record = a.record(key)
        #expect(record.openConflicts.contains { $0.field == "lead_department" })
        #expect(CaseScope.departments(of: record, writers: ["C4"]) == ["C4", "SALUD", "DIF", "CENTRAL"])
        #expect(CaseScope.departments(of: record, writers: ["C4"]) == CaseScope.departments(of: b.record(key), writers: ["C4"]))
    }

    @Test("worked on it, from the journal: a department that only answers the referral addressed to it has not worked on the case")
    func answeringIsNotWorking() {
        let departments = ["c4-01": "C4", "dif-01": "DIF"]
        func scope(_ node: TestNode) -> Set<String> {
            CaseScope.departments(of: node.replica.state(of: key)!) { departments[$0.rawValue] }
        }
        var (c4, dif) = pairSharing(key, creation: Fixture.creation() + referralTo("DIF"))
        dif.sync(from: c4)
        #expect(scope(dif) == ["C4", "DIF", "CENTRAL"])
        // DIF receives, then rejects the referral: only answers, so it leaves.
        dif.edit(key, [.set(field: "referrals.\(referral).state", value: "recibida")])
        #expect(scope(dif) == ["C4", "DIF", "CENTRAL"])
        dif.edit(key, [.set(field: "referrals.\(referral).state", value: "rechazada")])
        #expect(scope(dif) == ["C4", "CENTRAL"])
        // DIF's answers are not work: C4 alone worked on it.
        #expect(CaseScope.workers(of: dif.replica.state(of: key)!) { departments[$0.rawValue] } == ["C4"])
        // Had DIF written an attention, it would stay after rejecting.
        c4.sync(from: dif)
        dif.edit(key, [.set(field: "attentions.01JDQ8Z6N4W2C4X9V3K5M7P8AA.kind", value: "trabajo_social")])
        #expect(scope(dif) == ["C4", "DIF", "CENTRAL"])
        #expect(CaseScope.workers(of: dif.replica.state(of: key)!) { departments[$0.rawValue] } == ["C4", "DIF"])
    }

    @Test("the central office's resolutions count as the office's work, never as a department's")
    func officeWork() {
        var office = TestNode("central")
        office.edit(key, Fixture.creation())
        #expect(CaseScope.workers(of: office.replica.state(of: key)!) { _ in "DIF" } == ["CENTRAL"])
    }
}
