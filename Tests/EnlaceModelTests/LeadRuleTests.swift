import EnlaceModel
import Testing

/// Who may name a case's lead (docs/domain.md, "Who may name the lead"), judged on what the writing
/// entry saw: every replica decides the same, whatever it received since.
@Suite("Who may name the lead")
struct LeadRuleTests {
    let key = Fixture.caseKey

    /// Why `writer` may not write the lead in `entry` on `node`'s replica (nil: it may).
    func refusal(_ writer: String, _ entry: JournalEntry, on node: TestNode) -> String? {
        LeadRule.refusal(writer: writer, clock: entry.clock, state: node.replica.state(of: key), origin: "C4")
    }

    @Test("while none is named only the origin names a lead; then only that lead hands it over; the office always may")
    func whoMayName() {
        var (c4, salud) = pairSharing(key, creation: Fixture.creation())
        // SALUD, in scope through a referral, names itself: refused, whoever judges it.
        let usurped = salud.edit(key, [.set(field: "lead_department", value: "SALUD")])
        #expect(refusal("SALUD", usurped, on: salud)?.contains("only its origin department (C4)") == true)
        var judge = c4
        judge.receive([usurped])
        #expect(refusal("SALUD", usurped, on: judge) == refusal("SALUD", usurped, on: salud))
        #expect(refusal(LeadRule.office, usurped, on: judge) == nil)

        // The origin names DIF; then the origin may no longer, and DIF may hand it to SALUD.
        let named = c4.edit(key, [.set(field: "lead_department", value: "DIF")])
        #expect(refusal("C4", named, on: c4) == nil)
        let again = c4.edit(key, [.set(field: "lead_department", value: "C4")])
        #expect(refusal("C4", again, on: c4)?.contains("only the case's lead department (DIF)") == true)
        var dif = TestNode("dif-02")
        dif.receive([c4.log[0], named])
        let handed = dif.edit(key, [.set(field: "lead_department", value: "SALUD")])
        #expect(refusal("DIF", handed, on: dif) == nil)
        #expect(LeadRule.currentLeads(of: dif.replica.state(of: key)!) == ["SALUD"])
    }

    @Test("an offline hand-over by the lead is honoured on every replica, even one that already holds a later naming")
    func offlineHandOver() {
        var (c4, dif) = pairSharing(key, creation: Fixture.creation())
        let named = c4.edit(key, [.set(field: "lead_department", value: "DIF")])
        dif.receive([named])
        // DIF, offline, hands the case to SALUD; meanwhile the office names IMMUJERES.
        let handed = dif.edit(key, [.set(field: "lead_department", value: "SALUD")])
        var office = TestNode("central")
        office.receive(c4.log)
        let byOffice = office.edit(key, [.set(field: "lead_department", value: "IMMUJERES")])
        // The central server receives DIF's hand-over after the office's naming: judged on what
        // DIF saw, it is allowed; the two namings compete, and both are leads until the office decides.
        office.receive([handed])
        #expect(refusal("DIF", handed, on: office) == nil)
        #expect(LeadRule.currentLeads(of: office.replica.state(of: key)!) == ["IMMUJERES", "SALUD"])
        #expect(office.record(key).openConflicts.contains { $0.field == "lead_department" })
        // A candidate that saw both may not settle it: only the office does.
        var salud = TestNode("sal-01")
        salud.receive(office.log)
        let settle = salud.edit(key, [.set(field: "lead_department", value: "SALUD")])
        #expect(refusal("SALUD", settle, on: salud)?.contains("in dispute between IMMUJERES and SALUD") == true)
        let decided = office.edit(key, [.set(field: "lead_department", value: "SALUD")])
        #expect(refusal(LeadRule.office, decided, on: office) == nil)
        #expect(LeadRule.currentLeads(of: office.replica.state(of: key)!) == ["SALUD"])
        _ = byOffice
    }

    @Test("the leads of a materialised case: the merged lead and every disputed version, or the origin while none is named")
    func leadsOfDocument() throws {
        let none = try JSONValue.parse(#"{"origin_department":"C4","lead_department":null,"conflicts":[]}"#)
        #expect(LeadRule.currentLeads(of: none) == ["C4"])
        let disputed = try JSONValue.parse(#"""
            {"origin_department":"C4","lead_department":"DIF","conflicts":[{"field":"lead_department","versions":[{"value":"DIF"},{"value":"SALUD"}]},{"field":"summary","versions":[{"value":"x"}]}]}
            """#)
        #expect(LeadRule.currentLeads(of: disputed) == ["DIF", "SALUD"])
    }
}
