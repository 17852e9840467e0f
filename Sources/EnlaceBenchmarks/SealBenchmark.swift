import Crypto
import EnlaceModel
import EnlaceStore
import Foundation

/// What encrypting case contents costs, side by side in one run: the journal format's coder in
/// clear (body kind 1) and sealed (kind 2); a node applying pulled pages of sealed entries into
/// a real SQLite store (vault-encrypted records), and the share of that time spent opening
/// bodies; and the per-case key wraps (HPKE) a page carries.
enum SealBenchmark {
    static func run(caseCount: Int, pageSize: Int) async throws {
        print("enlace-bench seal: \(caseCount) cases, 4 entries each, pages of \(pageSize)")
        var replica = Replica()
        var edits: [JournalEntry] = []
        var keys: [String: SymmetricKey] = [:]
        var millis: Int64 = 1_764_000_000_000
        let origin = NodeID("c4-01")!
        var seq: UInt64 = 0
        func add(_ key: RecordKey, _ operations: [FieldOperation]) {
            seq += 1
            millis += 1
            let edit = replica.makeEntry(origin: ReplicaID(origin), seq: seq, key: key, operations: operations,
                                         timestamp: HybridTimestamp(millis: millis))
            replica.apply(edit)
            edits.append(edit)
        }
        for index in 0..<caseCount {
            let key = RecordKey(.caseFile, ULID.make(millis: UInt64(millis), random: (UInt64(index), 42)))
            keys[key.id] = SymmetricKey(size: .bits256)
            let (first, second, referral) = (ULID.make(millis: UInt64(millis), random: (UInt64(index), 1)),
                                             ULID.make(millis: UInt64(millis), random: (UInt64(index), 2)),
                                             ULID.make(millis: UInt64(millis), random: (UInt64(index), 3)))
            let stamp = JSONValue.string(RFC3339.format(millis: millis))
            add(key, [.set(field: "folio", value: .string(Schema.folio(node: origin, year: 2026, number: index + 1))),
                      .set(field: "origin_department", value: "C4"), .set(field: "intake_channel", value: "presencial"),
                      .set(field: "person.full_name", value: .string("Persona \(index)")),
                      .set(field: "summary", value: .string(String(repeating: "Relato de la usuaria. ", count: 8)))])
            add(key, [.set(field: "attentions.\(first).kind", value: "primer_contacto"), .set(field: "attentions.\(first).at", value: stamp),
                      .set(field: "attentions.\(first).department", value: "C4"),
                      .set(field: "attentions.\(first).note", value: "Se orienta a la usuaria y se valora el riesgo.")])
            add(key, [.set(field: "referrals.\(referral).from", value: "C4"), .set(field: "referrals.\(referral).to", value: "IMMUJERES"),
                      .set(field: "referrals.\(referral).state", value: "enviada")])
            add(key, [.set(field: "attentions.\(second).kind", value: "seguimiento"), .set(field: "attentions.\(second).at", value: stamp),
                      .set(field: "attentions.\(second).department", value: "C4"), .set(field: "risk_level", value: "alto")])
        }
        let salts = edits.map { _ in SystemClock.salt() }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func rate(_ count: Int, _ work: () throws -> Void) rethrows -> Double {
            var rates: [Double] = []
            for _ in 1...3 {
                let start = Date()
                try work()
                rates.append(Double(count) / Date().timeIntervalSince(start))
            }
            return median(rates)
        }

        // The coder, clear and sealed.
        var clear: [[UInt8]] = []
        var sealed: [EntryBody] = []
        let encodeClear = rate(edits.count) { clear = edits.map(\.encodedBody) }
        let encodeSealed = rate(edits.count) {
            sealed = zip(edits, salts).map { EntryBody(salt: $1, bytes: SealedEdit.seal($0, key: keys[$0.recordID]!, salt: $1)) }
        }
        let decodeClear = try rate(edits.count) { for (edit, bytes) in zip(edits, clear) { _ = try JournalEntry(id: edit.id, body: bytes) } }
        let decodeSealed = try rate(edits.count) {
            for (edit, body) in zip(edits, sealed) { _ = try SealedEdit.open(id: edit.id, body: body, key: keys[edit.recordID]!) }
        }
        let bytesClear = Double(clear.reduce(0) { $0 + $1.count }) / Double(edits.count)
        let bytesSealed = Double(sealed.reduce(0) { $0 + $1.bytes.count }) / Double(edits.count)
        print(String(format: "  encode   clear %9.0f entries/s   sealed %9.0f entries/s  (%.2f×)", encodeClear, encodeSealed, encodeSealed / encodeClear))
        print(String(format: "  decode   clear %9.0f entries/s   opened %9.0f entries/s  (%.2f×)", decodeClear, decodeSealed, decodeSealed / decodeClear))
        print(String(format: "  body     clear %9.0f bytes/entry  sealed %9.0f bytes/entry", bytesClear, bytesSealed))

        // The keys a page carries: one HPKE context per page, each case's key sealed in it.
        let recipient = ReplicaKey.generate()
        let perPage = CaseKeySet(data: Dictionary(uniqueKeysWithValues: Array(keys.prefix(pageSize / 4))))
        let pages = 50
        var bundles: [(encapsulated: [UInt8], sealed: [(caseID: String, keyID: String?, bytes: [UInt8])])] = []
        let wrapRate = try rate(pages * perPage.data.count) {
            bundles = try (0..<pages).map { _ in try KeyWrap.sealBundle(perPage, to: recipient.agreementPublicKey) }
        }
        let openRate = try rate(pages * perPage.data.count) {
            for bundle in bundles { _ = try KeyWrap.openBundle(encapsulated: bundle.encapsulated, bundle.sealed, with: recipient) }
        }
        print(String(format: "  page keys (%d per page) sealed %9.0f keys/s   opened %9.0f keys/s", perPage.data.count, wrapRate, openRate))

        // A node applying pulled pages of sealed entries (the case keys arrive with each page).
        var chained: [ChainedEntry] = []
        var prev: Hash256?
        for (edit, body) in zip(edits, sealed) {
            let entry = ChainedEntry(id: edit.id, body: body.bytes, prev: prev, salt: body.salt)
            prev = entry.envelope.hash
            chained.append(entry)
        }
        var applyRates: [Double] = []
        for _ in 1...3 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("enlace-bench-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let store = try JournalStore(path: JournalStore.file(in: folder), create: true, keys: [ReplicaKey.generate()])
            try await store.initialize(ReplicaIdentity(nodeID: NodeID("imm-01")!, department: "IMMUJERES", centralURL: "http://127.0.0.1:9",
                                                 token: "", createdAt: SystemClock.now))
            let start = Date()
            var position: Int64 = 0
            for page in stride(from: 0, to: chained.count, by: pageSize).map({ Array(chained[$0..<min($0 + pageSize, chained.count)]) }) {
                position += Int64(page.count)
                var pageKeys = CaseKeySet()
                for entry in page { if let id = entry.body.flatMap(JournalEntry.recordKey(ofBody:))?.id { pageKeys.data[id] = keys[id] } }
                _ = try await store.applyPulled(page, heads: [], next: FeedCursor(position: position, entry: page.last!.id.description),
                                          keys: pageKeys, storeID: "bench")
            }
            applyRates.append(Double(chained.count) / Date().timeIntervalSince(start))
        }
        let apply = median(applyRates)
        let openingShare = apply / decodeSealed
        let wrapShare = apply / 4 / openRate  // a case's key per 4 entries, opened once
        print(String(format: "  node apply of pulled sealed pages: %.0f entries/s (median of 3); opening bodies is %.1f%% of it, opening case keys %.1f%%",
                     apply, openingShare * 100, wrapShare * 100))
    }
}
