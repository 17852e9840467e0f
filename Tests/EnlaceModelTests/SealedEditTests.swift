import Crypto
import EnlaceModel
import EnlaceTestSupport
import Testing

@Suite("Sealed edits and location tokens")
struct SealedEditTests {
    static let caseID = "01JDQ8Z6N4W2C4X9V3K5M7P8RA"
    static let edit = JournalEntry(
        id: EntryID(origin: NodeID("c4-01")!, seq: 1), recordType: .caseFile, recordID: caseID,
        clock: VectorClock([NodeID("c4-01")!: 1]), timestamp: HybridTimestamp(millis: 1_764_000_000_000), author: "srv-7", note: "Llamada.",
        operations: [.set(field: "folio", value: "LEON-C4-01-2026-000001"), .set(field: "origin_department", value: "C4"),
                     .set(field: "person.full_name", value: "Elvira Campos"), .set(field: "summary", value: "Relato.")])

    static func salt() -> [UInt8] { (0..<EntryBody.saltLength).map { _ in UInt8.random(in: 0...255) } }

    @Test("a sealed edit opens with its case's key to the same edit; its clear part holds only folio, origin and dates")
    func roundTrip() throws {
        let key = SymmetricKey(size: .bits256)
        let salt = Self.salt()
        let body = EntryBody(salt: salt, bytes: SealedEdit.seal(Self.edit, key: key, salt: salt))
        #expect(try SealedEdit.open(id: Self.edit.id, body: body, key: key) == Self.edit)
        let clear = try SealedEdit.clear(body.bytes)
        #expect(clear.recordKey == Self.edit.recordKey && clear.clock == Self.edit.clock)
        #expect(clear.operations.map { $0.field } == ["folio", "origin_department"])
        for secret in ["Elvira Campos", "Relato.", "srv-7", "Llamada."] {
            #expect(!body.bytes.contains(subsequence: Array(secret.utf8)), "«\(secret)» is readable in the sealed body")
        }
        #expect(JournalEntry.recordKey(ofBody: body) == Self.edit.recordKey)
        // Another key, another salt (nonce) or a missing key never opens it.
        #expect(throws: FormatError.self) { try SealedEdit.open(id: Self.edit.id, body: body, key: SymmetricKey(size: .bits256)) }
        #expect(throws: FormatError.self) {
            try SealedEdit.open(id: Self.edit.id, body: EntryBody(salt: Self.salt(), bytes: body.bytes), key: key)
        }
        #expect(throws: EditReadError.self) { try JournalEntry.read(id: Self.edit.id, body: body) { _ in nil } }
    }

    @Test("a clear part that lies about the sealed contents, or any flipped byte, is refused")
    func tampering() throws {
        let key = SymmetricKey(size: .bits256)
        let salt = Self.salt()
        let bytes = SealedEdit.seal(Self.edit, key: key, salt: salt)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            var mutated = bytes
            let index = Int.random(in: 2..<mutated.count, using: &rng)
            mutated[index] ^= UInt8.random(in: 1...255, using: &rng)
            #expect(throws: (any Error).self) { try SealedEdit.open(id: Self.edit.id, body: EntryBody(salt: salt, bytes: mutated), key: key) }
        }
    }

    @Test("location tokens are deterministic under their key: equal values are equal tokens; they open only for their case and field")
    func locationTokens() throws {
        let key = SymmetricKey(size: .bits256)
        func token(_ text: String, field: String = "person.address", caseID: String = SealedEditTests.caseID) -> JSONValue {
            LocationSeal.seal(.string(text), field: field, caseID: caseID, keyID: "IMMUJERES:imm-01", key: key)
        }
        #expect(token("Calle Juárez 12") == token("Calle Juárez 12"))
        #expect(token("Calle Juárez 12") != token("Calle Juárez 13"))
        #expect(token("Calle Juárez 12") != token("Calle Juárez 12", field: "person.colonia"))
        #expect(!token("Calle Juárez 12").canonicalText.contains("Juárez"))
        #expect(LocationSeal.open(token("Calle Juárez 12"), field: "person.address", caseID: Self.caseID, key: key) == "Calle Juárez 12")
        #expect(LocationSeal.open(token("Calle Juárez 12"), field: "person.colonia", caseID: Self.caseID, key: key) == nil)
        #expect(LocationSeal.open(token("Calle Juárez 12"), field: "person.address", caseID: "01JDQ8Z6N4W2C4X9V3K5M7P8RB", key: key) == nil)
        #expect(LocationSeal.open(token("Calle Juárez 12"), field: "person.address", caseID: Self.caseID, key: SymmetricKey(size: .bits256)) == nil)
        let document: JSONValue = ["person": ["address": token("Calle Juárez 12"), "full_name": "Elvira"]]
        #expect(LocationSeal.reveal(document, caseID: Self.caseID) { $0 == "IMMUJERES:imm-01" ? key : nil }["person"]?["address"] == "Calle Juárez 12")
        #expect(LocationSeal.reveal(document, caseID: Self.caseID) { _ in nil } == document)
        // The schema takes a well-formed token where a restricted field's text goes, nothing else.
        #expect(LocationSeal.isKeyID("IMMUJERES:imm-01") && !LocationSeal.isKeyID("NOPE:imm-01") && !LocationSeal.isKeyID("IMMUJERES"))
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
