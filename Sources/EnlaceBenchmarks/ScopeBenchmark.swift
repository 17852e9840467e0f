import Crypto
import EnlaceModel
import EnlaceStore
import Foundation

/// The central server's feed read through a department's scope (need to know), side by side
/// with the unscoped feed in the same run: a municipality-sized mix of cases opened by 8
/// departments, each referred to one department and worked on there (2–3 departments and the
/// office per case). Prints entries/s, the bodies a department receives and bytes per entry.
enum ScopeBenchmark {
    static let departments = ["C4", "PROTECCION_CIVIL", "BOMBEROS", "SALUD", "DIF", "IMMUJERES", "SUBSEC_DDHH", "PROCURADURIA_NNA"]
    static let targets = ["IMMUJERES", "SALUD", "DIF", "PROCURADURIA_NNA"]

    static func node(of department: String) -> NodeID { NodeID(department.lowercased().replacingOccurrences(of: "_", with: "") + "-01")! }

    static func run(caseCount: Int, pageSize: Int) async throws {
        print("enlace-bench scope: \(caseCount) cases by 8 departments, 4 entries each, pages of \(pageSize)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("enlace-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try JournalStore(path: JournalStore.file(in: folder), create: true, keys: [ReplicaKey.generate()])
        try await build(store, caseCount: caseCount)

        // What the central server adds to each page: every case key wrapped to the puller (HPKE).
        let puller = ReplicaKey.generate()
        var rows: [(String, [Double], Int, Int, Int, Int, Int)] = []
        for (department, wrapping) in [(nil, false), ("DIF", false), ("DIF", true), ("BOMBEROS", true)] as [(String?, Bool)] {
            var rates: [Double] = []
            var (entries, bodies, bytes, pages, history) = (0, 0, 0, 0, 0)
            for _ in 1...3 {
                (entries, bodies, bytes, pages, history) = (0, 0, 0, 0, 0)
                var cursor = FeedCursor.start
                var scopeAfter: Int64 = 0
                let start = Date()
                while true {
                    let page = try await store.feed(after: cursor, excluding: nil, limit: pageSize,
                                              scope: department.map { FeedScope(department: $0, after: scopeAfter) })
                    scopeAfter = page.scope?.next ?? 0
                    if wrapping {
                        _ = try KeyWrap.sealBundle(page.caseKeys, to: puller.agreementPublicKey)
                    }
                    pages += 1
                    history += page.scope?.history.count ?? 0
                    entries += page.entries.count
                    bodies += page.entries.filter { $0.body != nil }.count
                    bytes += page.entries.reduce(0) { $0 + $1.envelope.count + ($1.body?.count ?? 0) }
                    cursor = page.next
                    if !page.more && !(page.scope?.more ?? false) { break }
                }
                rates.append(Double(entries) / Date().timeIntervalSince(start))
            }
            rows.append(((department ?? "(unscoped)") + (wrapping ? "+keys" : ""), rates, entries, bodies, bytes, pages, history))
        }
        let floor = rows[0].1.sorted()[1]
        for (name, rates, entries, bodies, bytes, pages, history) in rows {
            let median = rates.sorted()[1]
            print("  feed " + name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: " %9.0f entries/s (median of 3, %.2f× unscoped)  %d entries, %d bodies, %.0f bytes/entry, %d pages, %d history",
                         median, median / floor, entries, bodies, Double(bytes) / Double(max(entries, 1)), pages, history))
        }
    }

    /// Appends the mix and indexes every case's scope, as the central server does on push.
    static func build(_ store: JournalStore, caseCount: Int) async throws {
        var replica = Replica()
        var seqs: [NodeID: UInt64] = [:]
        var tips: [ReplicaID: Hash256] = [:]
        var batch: [ChainedEntry] = []
        var caseKeys: [String: SymmetricKey] = [:]
        var millis: Int64 = 1_764_000_000_000
        func add(_ origin: NodeID, _ key: RecordKey, _ operations: [FieldOperation]) {
            let seq = (seqs[origin] ?? 0) + 1
            seqs[origin] = seq
            millis += 1
            let edit = replica.makeEntry(origin: ReplicaID(origin), seq: seq, key: key, operations: operations,
                                         timestamp: HybridTimestamp(millis: millis))
            replica.apply(edit)
            // Case contents are sealed with the case's key, as nodes write them.
            let caseKey = caseKeys[key.id] ?? SymmetricKey(size: .bits256)
            caseKeys[key.id] = caseKey
            let chained = ChainedEntry(sealing: edit, prev: tips[ReplicaID(origin)], salt: SystemClock.salt(), key: caseKey)
            tips[ReplicaID(origin)] = chained.envelope.hash
            batch.append(chained)
        }
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let heads = Dictionary(batch.map { ($0.id.replica, $0) }, uniquingKeysWith: { _, last in last })
            try await store.transaction { transaction in
                for (id, key) in caseKeys { try await transaction.storeCaseKey(id, key) }
                _ = try await ReplicaWriter.append(batch, in: transaction)
                for (_, last) in heads {
                    try await transaction.recordHead(StoredHead(id: last.id, hash: last.envelope.hash, signature: [UInt8](repeating: 0, count: 64)))
                }
            }
            batch.removeAll(keepingCapacity: true)
            caseKeys.removeAll(keepingCapacity: true)
        }
        var keys: [RecordKey] = []
        for index in 0..<caseCount {
            let department = departments[index % departments.count]
            let target = targets[(index / departments.count) % targets.count]
            let origin = node(of: department)
            let key = RecordKey(.caseFile, ULID.make(millis: UInt64(millis), random: (UInt64(index), 42)))
            let (first, second, referral) = (ULID.make(millis: UInt64(millis), random: (UInt64(index), 1)),
                                             ULID.make(millis: UInt64(millis), random: (UInt64(index), 2)),
                                             ULID.make(millis: UInt64(millis), random: (UInt64(index), 3)))
            keys.append(key)
            let stamp = JSONValue.string(RFC3339.format(millis: millis))
            add(origin, key, [
                .set(field: "folio", value: .string(Schema.folio(node: origin, year: 2026, number: index + 1))),
                .set(field: "origin_department", value: .string(department)), .set(field: "intake_channel", value: "presencial"),
                .set(field: "person.full_name", value: .string("Persona \(index)")),
                .set(field: "summary", value: .string(String(repeating: "Relato de la usuaria. ", count: 8))),
            ])
            add(origin, key, [.set(field: "attentions.\(first).kind", value: "primer_contacto"), .set(field: "attentions.\(first).at", value: stamp),
                              .set(field: "attentions.\(first).department", value: .string(department))])
            add(origin, key, [.set(field: "referrals.\(referral).from", value: .string(department)),
                              .set(field: "referrals.\(referral).to", value: .string(target)), .set(field: "referrals.\(referral).state", value: "enviada")])
            add(node(of: target), key, [.set(field: "attentions.\(second).kind", value: "seguimiento"),
                                        .set(field: "attentions.\(second).at", value: stamp),
                                        .set(field: "attentions.\(second).department", value: .string(target))])
            if batch.count >= 2000 { try await flush() }
        }
        try await flush()
        let departmentOf = Dictionary(uniqueKeysWithValues: departments.map { (node(of: $0), $0) })
        try await store.transaction { transaction in
            for key in keys {
                guard let state = try await transaction.recordState(key) else { continue }
                try await transaction.setScope(ofCase: key.id, to: CaseScope.departments(of: state) { departmentOf[$0] })
            }
        }
        let applied = try await store.read { try await $0.entryCount() - $0.quarantinedCount() }
        print("  built: \(applied) applied entries")
    }
}
