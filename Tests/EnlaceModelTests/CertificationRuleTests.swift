import EnlaceModel
import Testing

@Suite("Certification merge rules")
struct CertificationRuleTests {
    let key = Fixture.certKey

    func concurrently(_ left: [FieldOperation], _ right: [FieldOperation]) -> (TestNode, TestNode) {
        var (a, b) = pairSharing(key, creation: Fixture.certCreation)
        a.edit(key, left)
        b.edit(key, right)
        a.sync(from: b)
        b.sync(from: a)
        #expect(a.record(key) == b.record(key))
        return (a, b)
    }

    @Test("a revocation concurrent with a renewal → en_revision and a conflict on status")
    func revocationVersusRenewal() throws {
        let (a, _) = concurrently(
            [.set(field: "status", value: "revocada")],
            [.set(field: "valid_until", value: "2029-06-30"), .set(field: "status", value: "vigente")])
        #expect(a.value(key, "status") == "en_revision")
        #expect(a.value(key, "valid_until") == "2029-06-30")
        let conflict = try #require(a.record(key).openConflicts.first)
        #expect(conflict.field == "status")
        #expect(conflict.rule == .revocationReview)
        #expect(Set(conflict.versions.map(\.value)) == ["revocada", "vigente"])
        #expect(conflict.provisionalValue == "en_revision")
    }

    @Test("a revocation concurrent with a write to any other field → en_revision")
    func revocationVersusOtherField() throws {
        let (a, _) = concurrently([.set(field: "status", value: "revocada")], [.set(field: "holder_name", value: "María E. Ruiz")])
        #expect(a.value(key, "status") == "en_revision")
        let conflict = try #require(a.record(key).openConflicts.first { $0.field == "status" })
        #expect(conflict.versions.count == 2)
    }

    @Test("a revocation alone → revocada; a later write that has seen everything decides")
    func revocationThenDecision() throws {
        var (a, b) = concurrently([.set(field: "status", value: "revocada")], [.set(field: "valid_until", value: "2029-06-30")])
        let open = try #require(a.record(key).openConflicts.first)
        b.edit(key, [.set(field: "status", value: "revocada")], author: "oficina-1", note: "Revocación confirmada")
        a.sync(from: b)
        #expect(a.value(key, "status") == "revocada")
        #expect(a.record(key).openConflicts.isEmpty)
        let resolved = try #require(a.record(key).resolvedConflicts.first)
        #expect(resolved.id == open.id)
        #expect(resolved.resolution?.note == "Revocación confirmada")
    }

    @Test("among concurrent writes without a revocation, suspendida beats vigente")
    func suspendedBeatsValid() {
        let (a, _) = concurrently([.set(field: "status", value: "suspendida")], [.set(field: "status", value: "vigente")])
        #expect(a.value(key, "status") == "suspendida")
        #expect(a.record(key).openConflicts.isEmpty)
    }

    @Test("standard_code is write-once: a concurrent different value → conflict")
    func writeOnce() throws {
        let (a, _) = concurrently([.set(field: "standard_code", value: "EC0497")], [.set(field: "standard_code", value: "EC0308")])
        let conflict = try #require(a.record(key).openConflicts.first)
        #expect(conflict.rule == .writeOnce)
        #expect(conflict.field == "standard_code")
    }

    @Test("a conflict has the same id on every replica and closes everywhere once resolved")
    func sameConflictEverywhere() throws {
        var (a, b) = concurrently([.set(field: "holder_name", value: "Ana")], [.set(field: "holder_name", value: "Ana María")])
        var central = TestNode("central")
        central.sync(from: a)
        let conflict = try #require(central.record(key).openConflicts.first)
        #expect(a.record(key).openConflicts == [conflict])
        #expect(b.record(key).openConflicts == [conflict])
        central.edit(key, [.set(field: "holder_name", value: "Ana María")], author: "lucia.office", note: "Según INE")
        a.sync(from: central)
        b.sync(from: central)
        for node in [a, b, central] {
            #expect(node.record(key).openConflicts.isEmpty)
            #expect(node.record(key).resolvedConflicts.map(\.id) == [conflict.id])
            #expect(node.value(key, "holder_name") == "Ana María")
        }
        #expect(a.record(key).resolvedConflicts.first?.resolution?.by == "lucia.office@central")
    }
}
