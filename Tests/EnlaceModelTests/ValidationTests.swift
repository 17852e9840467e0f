import EnlaceModel
import Foundation
import Testing

@Suite("Validation and encoding")
struct ValidationTests {
    let schema = Schema.caseFile
    let key = Fixture.caseKey

    func entry(_ operations: [FieldOperation], clock: VectorClock = VectorClock([NodeID("c4-01")!: 1])) -> JournalEntry {
        JournalEntry(
            id: EntryID(origin: NodeID("c4-01")!, seq: 1), recordType: .caseFile, recordID: key.id, clock: clock,
            timestamp: HybridTimestamp(millis: 1_764_000_000_000), operations: operations)
    }

    func refusal(_ operations: [FieldOperation]) -> ValidationError? {
        do {
            try schema.validate(entry(operations))
            return nil
        } catch {
            return error
        }
    }

    @Test("a value outside its vocabulary names the field and the vocabulary, never the value (it may be a name)")
    func vocabulary() throws {
        let error = try #require(refusal([.set(field: "risk_level", value: "altisimo")]))
        #expect(error.kind == .notInVocabulary)
        #expect(error.field == "risk_level")
        #expect(error.description.contains("altisimo") == false)
        #expect(error.description.contains("sin_valorar, bajo, medio, alto, extremo"))
    }

    @Test("wrong types, unknown fields, bad folios and non-canonical timestamps are refused")
    func refusals() {
        #expect(refusal([.set(field: "person.birth_year", value: "1990")])?.kind == .wrongType)
        #expect(refusal([.set(field: "person.birth_year", value: 1850)])?.kind == .invalidValue)
        #expect(refusal([.set(field: "person.age", value: 30)])?.kind == .unknownField)
        #expect(refusal([.set(field: "folio", value: "LEON-C4-2026-1")])?.kind == .invalidValue)
        #expect(refusal([.set(field: "first_contact_at", value: "2026-11-29T10:00:00-06:00")])?.kind == .invalidValue)
        #expect(refusal([.set(field: "violence_types", value: ["fisica"])])?.kind == .wrongType)
        #expect(refusal([.add(field: "violence_types", element: "verbal")])?.kind == .notInVocabulary)
        #expect(refusal([.set(field: "summary", value: .string(String(repeating: "x", count: 10_001)))])?.kind == .tooLong)
        #expect(refusal([.set(field: "attentions.not-a-ulid.kind", value: "orientacion")])?.kind == .unknownField)
        #expect(refusal([.set(field: "risk_level", value: "alto"), .set(field: "risk_level", value: "bajo")])?.kind == .duplicateField)
        #expect(refusal([.set(field: "folio", value: .null)])?.kind == .wrongType)
        #expect(refusal([])?.kind == .malformedEntry)
    }

    @Test("an entry whose clock does not count its own edit is refused")
    func clockMustCountOrigin() {
        #expect(throws: ValidationError.self) {
            try schema.validate(entry([.set(field: "risk_level", value: "alto")], clock: VectorClock([NodeID("dif-01")!: 1])))
        }
    }

    @Test("valid entries pass, and normalisation makes timestamps canonical")
    func accepted() throws {
        try schema.validate(entry(Fixture.creation() + Fixture.attention(Fixture.attentionA, at: "2026-11-29T10:00:00.000Z")))
        let spec = try #require(schema.spec(forPath: "first_contact_at"))
        #expect(try schema.normalize("2026-11-29T10:00:00-06:00", for: spec, at: "first_contact_at") == "2026-11-29T16:00:00.000Z")
        #expect(Schema.isFolio("LEON-C4-01-2026-000123"))
        #expect(Schema.folio(node: NodeID("c4-01")!, year: 2026, number: 123) == "LEON-C4-01-2026-000123")
    }

    @Test("journal entries round-trip through the format's body bytes unchanged")
    func entryRoundTrip() throws {
        let original = JournalEntry(
            id: EntryID(origin: NodeID("dif-01")!, seq: 42), recordType: .caseFile, recordID: key.id,
            clock: VectorClock([NodeID("dif-01")!: 3, NodeID("c4-01")!: 5]),
            timestamp: HybridTimestamp(millis: 1_764_000_000_123, counter: 2), author: "srv-0042", note: "nota",
            operations: [
                .set(field: "risk_level", value: "alto"),
                .set(field: "confidentiality", value: "normal"),
                .add(field: "violence_types", element: "fisica"),
                .remove(field: "modalities", element: "digital"),
                .set(field: "summary", value: .null),
                .set(field: "status", value: "abierto", prior: .null),
            ])
        let body = original.encodedBody
        let decoded = try JournalEntry(id: original.id, body: body)
        #expect(decoded == original)
        #expect(decoded.encodedBody == body)
    }

    @Test("canonical JSON sorts keys and escapes control characters")
    func canonicalJSON() {
        let value: JSONValue = ["b": [1, true, .null], "a": "x\"\n\u{01}"]
        #expect(value.canonicalText == #"{"a":"x\"\n\u0001","b":[1,true,null]}"#)
    }
}
