import EnlaceModel
import Testing

/// One focused test per rule of a case (docs/domain.md), each with two nodes editing offline.
@Suite("Case merge rules")
struct CaseRuleTests {
    let key = Fixture.caseKey

    /// Two nodes each make an edit offline, then exchange entries.
    func concurrently(
        _ left: [FieldOperation], _ right: [FieldOperation], setup: [FieldOperation] = []
    ) -> (TestNode, TestNode) {
        var (a, b) = pairSharing(key, creation: Fixture.creation() + setup)
        a.edit(key, left)
        b.edit(key, right)
        a.sync(from: b)
        b.sync(from: a)
        #expect(a.record(key) == b.record(key))
        return (a, b)
    }

    @Test("risk_level: concurrent alto and medio → alto, no conflict")
    func riskLevelMax() {
        let (a, _) = concurrently([.set(field: "risk_level", value: "alto")], [.set(field: "risk_level", value: "medio")])
        #expect(a.value(key, "risk_level") == "alto")
        #expect(a.record(key).openConflicts.isEmpty)
    }

    @Test("risk_level: a causally later bajo after alto → bajo")
    func riskLevelLaterLowers() {
        var (a, b) = pairSharing(key, creation: Fixture.creation())
        a.edit(key, [.set(field: "risk_level", value: "alto")])
        b.sync(from: a)
        b.edit(key, [.set(field: "risk_level", value: "bajo")])
        a.sync(from: b)
        #expect(a.value(key, "risk_level") == "bajo")
        #expect(b.value(key, "risk_level") == "bajo")
    }

    @Test("confidentiality: the most restrictive concurrent value wins; a later write may lower it")
    func confidentialityMax() {
        var (a, b) = concurrently(
            [.set(field: "confidentiality", value: "ubicacion_restringida")],
            [.set(field: "confidentiality", value: "reservado")])
        #expect(a.value(key, "confidentiality") == "ubicacion_restringida")
        b.edit(key, [.set(field: "confidentiality", value: "normal")])
        a.sync(from: b)
        #expect(a.value(key, "confidentiality") == "normal")
    }

    @Test("status: concluido concurrent with a new attention → not concluded, review conflict")
    func concludedVersusAttention() throws {
        var (a, b) = pairSharing(key, creation: Fixture.creation())
        a.edit(key, [.set(field: "status", value: "en_seguimiento")])
        b.sync(from: a)
        a.edit(key, [.set(field: "status", value: "concluido")])
        b.edit(key, Fixture.attention(Fixture.attentionA, at: "2026-11-29T10:00:00.000Z"))
        a.sync(from: b)
        b.sync(from: a)
        #expect(a.record(key) == b.record(key))
        #expect(a.value(key, "status") == "en_seguimiento")
        let conflict = try #require(a.record(key).openConflicts.first { $0.field == "status" })
        #expect(conflict.rule == .openWins)
        #expect(Set(conflict.versions.map(\.value)) == ["concluido", "en_seguimiento"])
        #expect(conflict.provisionalValue == "en_seguimiento")
    }

    @Test("status: concluido concurrent with another status → the other status, conflict")
    func concludedVersusStatus() throws {
        let (a, _) = concurrently(
            [.set(field: "status", value: "concluido")], [.set(field: "status", value: "canalizado")],
            setup: [.set(field: "status", value: "en_atencion")])
        #expect(a.value(key, "status") == "canalizado")
        let conflict = try #require(a.record(key).openConflicts.first { $0.field == "status" })
        #expect(Set(conflict.versions.map(\.value)) == ["concluido", "canalizado"])
    }

    @Test("status: among concurrent non-closing statuses the furthest wins without conflict")
    func furthestStatus() {
        let (a, _) = concurrently([.set(field: "status", value: "canalizado")], [.set(field: "status", value: "en_atencion")])
        #expect(a.value(key, "status") == "canalizado")
        #expect(a.record(key).openConflicts.isEmpty)
    }

    @Test("status: a write that has seen everything may close again, settling the conflict")
    func closeAgain() throws {
        var (a, b) = pairSharing(key, creation: Fixture.creation())
        a.edit(key, [.set(field: "status", value: "concluido")])
        b.edit(key, Fixture.attention(Fixture.attentionA, at: "2026-11-29T10:00:00.000Z"))
        a.sync(from: b)
        let open = try #require(a.record(key).openConflicts.first)
        a.edit(key, [.set(field: "status", value: "concluido")], author: "srv-7")
        b.sync(from: a)
        #expect(a.record(key) == b.record(key))
        #expect(a.value(key, "status") == "concluido")
        #expect(a.record(key).openConflicts.isEmpty)
        let resolved = try #require(a.record(key).resolvedConflicts.first)
        #expect(resolved.id == open.id)
        #expect(resolved.resolution?.by == "srv-7@c4-01")
    }

    @Test("attentions: concurrent attentions are both kept, ordered by (at, id)")
    func attentionsAppendOnly() {
        let (a, _) = concurrently(
            Fixture.attention(Fixture.attentionB, at: "2026-11-29T09:00:00.000Z", department: "C4", kind: "primer_contacto"),
            Fixture.attention(Fixture.attentionA, at: "2026-11-29T11:00:00.000Z"))
        let attentions = a.value(key, "attentions").arrayValue ?? []
        #expect(attentions.map { $0["id"] } == [.string(Fixture.attentionB), .string(Fixture.attentionA)])
        #expect(attentions.first?["kind"] == "primer_contacto")
        #expect(a.record(key).openConflicts.isEmpty)
    }

    @Test("violence_types: an addition wins over a concurrent removal")
    func addWins() {
        let (a, _) = concurrently(
            [.remove(field: "violence_types", element: "fisica")], [.add(field: "violence_types", element: "fisica")],
            setup: [.add(field: "violence_types", element: "fisica")])
        #expect(a.value(key, "violence_types") == ["fisica"])
    }

    @Test("violence_types: a removal removes the additions it has seen")
    func removeSeen() {
        var (a, b) = pairSharing(key, creation: Fixture.creation() + [.add(field: "violence_types", element: "psicologica")])
        b.edit(key, [.remove(field: "violence_types", element: "psicologica"), .add(field: "violence_types", element: "sexual")])
        a.edit(key, [.add(field: "violence_types", element: "fisica")])
        a.sync(from: b)
        #expect(a.value(key, "violence_types") == ["fisica", "sexual"])
    }

    @Test("incident_date: the earliest concurrent date wins; a later correction supersedes it")
    func earliestDate() {
        var (a, b) = concurrently(
            [.set(field: "incident_date", value: "2026-11-20")], [.set(field: "incident_date", value: "2026-11-18")])
        #expect(a.value(key, "incident_date") == "2026-11-18")
        b.edit(key, [.set(field: "incident_date", value: "2026-11-19")])
        a.sync(from: b)
        #expect(a.value(key, "incident_date") == "2026-11-19")
    }

    @Test("first_contact_at: the earliest instant wins")
    func earliestTimestamp() {
        let (a, _) = concurrently(
            [.set(field: "first_contact_at", value: "2026-11-20T09:30:05.000Z")],
            [.set(field: "first_contact_at", value: "2026-11-20T09:30:04.500Z")])
        #expect(a.value(key, "first_contact_at") == "2026-11-20T09:30:04.500Z")
    }

    @Test("safe_contact.no_contact: true wins over a concurrent false")
    func noContactOr() {
        let (a, _) = concurrently(
            [.set(field: "safe_contact.no_contact", value: true)], [.set(field: "safe_contact.no_contact", value: false)])
        #expect(a.value(key, "safe_contact.no_contact") == true)
    }

    @Test("consent_to_share: a revocation wins; consent can be given again later")
    func consentAnd() {
        var (a, b) = concurrently(
            [.set(field: "consent_to_share", value: false)], [.set(field: "consent_to_share", value: true)],
            setup: [.set(field: "consent_to_share", value: true)])
        #expect(a.value(key, "consent_to_share") == false)
        b.edit(key, [.set(field: "consent_to_share", value: true)])
        a.sync(from: b)
        #expect(a.value(key, "consent_to_share") == true)
    }

    @Test("summary: concurrent texts are kept with a deterministic provisional value and a conflict")
    func summaryReview() throws {
        let (a, b) = concurrently(
            [.set(field: "summary", value: "Refiere amenazas por teléfono.")],
            [.set(field: "summary", value: "Refiere agresión física en domicilio.")])
        let conflict = try #require(a.record(key).openConflicts.first)
        #expect(conflict.field == "summary")
        #expect(conflict.rule == .review)
        #expect(conflict.versions.count == 2)
        // The provisional value is the latest write by (timestamp, node): a's write reads later.
        #expect(conflict.provisionalValue == "Refiere amenazas por teléfono.")
        #expect(a.value(key, "summary") == conflict.provisionalValue)
        #expect(b.record(key).openConflicts == [conflict])
    }

    @Test("person.phone: equal concurrent values are not a conflict")
    func equalValuesNoConflict() {
        let (a, _) = concurrently(
            [.set(field: "person.phone", value: "477 555 0101")], [.set(field: "person.phone", value: "477 555 0101")])
        #expect(a.record(key).openConflicts.isEmpty)
        #expect(a.value(key, "person.phone") == "477 555 0101")
    }

    @Test("an edit that has seen only some versions joins the conflict, and its id changes")
    func partialEditJoins() throws {
        var a = TestNode("c4-01")
        var b = TestNode("dif-01")
        var c = TestNode("salud-01")
        a.edit(key, Fixture.creation())
        b.sync(from: a)
        c.sync(from: a)
        a.edit(key, [.set(field: "summary", value: "A")])
        b.edit(key, [.set(field: "summary", value: "B")])
        c.sync(from: a)
        a.sync(from: b)
        let before = try #require(a.record(key).openConflicts.first)
        c.edit(key, [.set(field: "summary", value: "C")])  // has seen A, not B
        a.sync(from: c)
        let after = try #require(a.record(key).openConflicts.first)
        #expect(Set(after.versions.map(\.value)) == ["B", "C"])
        #expect(after.id != before.id)
    }

    @Test("a referral's state: the furthest wins; two different end states open a conflict")
    func referralState() throws {
        let setup: [FieldOperation] = [
            .set(field: "referrals.\(Fixture.referral).from", value: "C4"),
            .set(field: "referrals.\(Fixture.referral).to", value: "IMMUJERES"),
            .set(field: "referrals.\(Fixture.referral).state", value: "enviada"),
        ]
        let (a, _) = concurrently(
            [.set(field: "referrals.\(Fixture.referral).state", value: "recibida"),
             .set(field: "referrals.\(Fixture.referral).urgency", value: "ordinaria")],
            [.set(field: "referrals.\(Fixture.referral).state", value: "atendida"),
             .set(field: "referrals.\(Fixture.referral).urgency", value: "inmediata")],
            setup: setup)
        let referral = try #require(a.value(key, "referrals").arrayValue?.first)
        #expect(referral["state"] == "atendida")
        #expect(referral["urgency"] == "inmediata")
        let (b, _) = concurrently(
            [.set(field: "referrals.\(Fixture.referral).state", value: "cerrada")],
            [.set(field: "referrals.\(Fixture.referral).state", value: "no_localizada")],
            setup: setup)
        let conflict = try #require(b.record(key).openConflicts.first)
        #expect(conflict.field == "referrals.\(Fixture.referral).state")
        #expect(conflict.rule == .referralState)
    }

    @Test("immutable: two concurrent creations of the same id with different folios → conflict")
    func concurrentCreations() throws {
        var a = TestNode("c4-01")
        var b = TestNode("c4-02")
        a.edit(key, Fixture.creation(folio: "LEON-C4-01-2026-000001"))
        b.edit(key, Fixture.creation(folio: "LEON-C4-02-2026-000001"))
        a.sync(from: b)
        b.sync(from: a)
        #expect(a.record(key) == b.record(key))
        let conflict = try #require(a.record(key).openConflicts.first { $0.field == "folio" })
        #expect(conflict.rule == .immutable)
        #expect(conflict.versions.count == 2)
    }

    @Test("the record renders canonically: sets in vocabulary order, every field present")
    func canonicalRendering() {
        var node = TestNode("c4-01")
        node.edit(key, Fixture.creation() + [
            .add(field: "violence_types", element: "sexual"), .add(field: "violence_types", element: "psicologica"),
            .set(field: "person.full_name", value: "Ana"),
        ])
        let fields = node.record(key).fields
        #expect(fields["violence_types"] == ["psicologica", "sexual"])
        #expect(fields["person"]?["phone"] == .null)
        #expect(fields["modalities"] == [])
        #expect(fields["attentions"] == [])
        #expect(fields["id"] == .string(key.id))
    }
}
