import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// The rules every replica store must keep, run against each implementation (SQLite here; a
/// PostgreSQL store adds itself to `StoreKind.all` and passes the same tests unchanged).
@Suite("Replica store contract")
struct ReplicaStoreContractTests {
    static let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RA")

    /// Entry `seq` of origin dif-01, chained to entry `seq - 1` as written by `entry(seq: seq - 1)`.
    func entry(seq: UInt64, risk: String, clock: Int = 1, previousRisk: String = "alto") -> ChainedEntry {
        let prev = seq == 1 ? nil : entry(seq: seq - 1, risk: previousRisk, clock: clock - 1).envelope.hash
        let edit = JournalEntry(
            id: EntryID(origin: NodeID("dif-01")!, seq: seq), recordType: .caseFile, recordID: Self.key.id,
            clock: VectorClock([NodeID("dif-01")!: UInt64(clock)]), timestamp: HybridTimestamp(millis: 1_764_000_000_000 + Int64(seq)),
            operations: [.set(field: "risk_level", value: .string(risk))])
        return ChainedEntry(testSealing: edit, prev: prev, salt: [UInt8](repeating: UInt8(seq), count: EntryBody.saltLength))
    }

    func append(_ store: any ReplicaStore, _ entries: [ChainedEntry]) async throws -> AppendOutcome {
        try await store.write { transaction in
            try await transaction.takeTestKeys(of: entries)
            return try await ReplicaWriter.append(entries, in: transaction)
        }
    }

    func count(_ store: any ReplicaStore) async throws -> Int { try await store.read { try await $0.entryCount() } }

    @Test("an identical resend changes nothing; a different entry at a stored id is refused and stores nothing",
          arguments: StoreKind.all)
    func idempotentAppend(kind: StoreKind) async throws {
        let store = try await kind.make()
        let first = try await append(store, [entry(seq: 1, risk: "alto")])
        #expect(first.applied.count == 1 && first.stored == 1)
        let again = try await append(store, [entry(seq: 1, risk: "alto")])
        #expect(again.applied.isEmpty && again.duplicates == 1)
        await #expect(throws: StoreError.conflictingEntry(EntryID(origin: NodeID("dif-01")!, seq: 1))) {
            try await append(store, [entry(seq: 2, risk: "medio", clock: 2), entry(seq: 1, risk: "bajo")])
        }
        // An entry whose predecessor was altered (or that skips ahead) breaks the chain: refused.
        await #expect(throws: StoreError.self) { try await append(store, [entry(seq: 2, risk: "medio", clock: 2, previousRisk: "bajo")]) }
        await #expect(throws: StoreError.self) { try await append(store, [entry(seq: 3, risk: "medio", clock: 3)]) }
        #expect(try await count(store) == 1)
        #expect(try await store.read { try await $0.lastSeq(of: ReplicaID(NodeID("dif-01")!)) } == 1)
        // A rolled-back batch leaves nothing behind, not even in a store's in-memory state.
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await store.write { transaction in
                try await transaction.takeTestKeys(of: [entry(seq: 2, risk: "extremo", clock: 2)])
                _ = try await ReplicaWriter.append([entry(seq: 2, risk: "extremo", clock: 2)], in: transaction)
                throw Abort()
            }
        }
        _ = try await append(store, [entry(seq: 2, risk: "medio", clock: 2)])
        let document = try await store.read { try await $0.documentText(Self.key) }.map(JSONValue.parse)
        #expect(document?["risk_level"] == "medio")
        #expect(try await store.verify().isSound)
    }

    @Test("within one batch, an entry must continue the chain of the entry before it", arguments: StoreKind.all)
    func chainWithinBatch(kind: StoreKind) async throws {
        let store = try await kind.make()
        await #expect(throws: StoreError.self) {
            try await append(store, [entry(seq: 1, risk: "alto"), entry(seq: 2, risk: "medio", clock: 2, previousRisk: "bajo")])
        }
        #expect(try await count(store) == 0)
        _ = try await append(store, [entry(seq: 1, risk: "alto"), entry(seq: 2, risk: "medio", clock: 2),
                               entry(seq: 3, risk: "bajo", clock: 3, previousRisk: "medio")])
        #expect(try await store.verify().isSound)
    }

    @Test("local entries follow everything held; after random writes, rebuild reproduces the materialised state exactly",
          arguments: StoreKind.all)
    func rebuildReproduces(kind: StoreKind) async throws {
        let store = try await kind.make()
        let origin = NodeID("c4-01")!
        var random = SplitMix64(seed: 7)
        var ids: [String] = []
        var tick: Int64 = 0
        func write(_ key: RecordKey, _ operations: [FieldOperation]) async throws {
            tick += 1000
            _ = try await store.write { try await ReplicaWriter.appendLocal(origin: ReplicaID(origin), key: key, operations: operations,
                                                            physicalMillis: 1_764_400_000_000 + tick, in: $0) }
        }
        for index in 0..<40 {
            if ids.isEmpty || Int.random(in: 0..<4, using: &random) == 0 {
                let id = ULID.make(millis: UInt64(1_764_400_000_000 + index), random: (random.next(), 1))
                ids.append(id)
                try await write(RecordKey(.caseFile, id), [
                    .set(field: "folio", value: .string(Schema.folio(node: origin, year: 2025, number: ids.count))),
                    .set(field: "origin_department", value: "C4"), .set(field: "intake_channel", value: "presencial"),
                ])
            } else {
                let key = RecordKey(.caseFile, ids[Int.random(in: 0..<ids.count, using: &random)])
                switch Int.random(in: 0..<3, using: &random) {
                case 0: try await write(key, [.set(field: "risk_level", value: .string(Vocabulary.riskLevel.values.randomElement(using: &random)!))])
                case 1: try await write(key, [.set(field: "attentions.\(ULID.make(millis: UInt64(index), random: (random.next(), 2))).kind",
                                             value: "seguimiento")])
                default: try await write(key, [.add(field: "violence_types", element: "fisica")])
                }
            }
        }
        let before = try await store.read { reader in try await reader.recordKeys().asyncMap { try await reader.documentText($0)! } }
        #expect(try await store.read { try await $0.lastFolioNumber(node: "C4-01", year: 2025) } == ids.count)
        let report = try await store.rebuild()
        #expect(report.differences.isEmpty)
        #expect(report.records == ids.count)
        let after = try await store.read { reader in try await reader.recordKeys().asyncMap { try await reader.documentText($0)! } }
        #expect(before == after)
        #expect(try await store.read { try await $0.lastFolioNumber(node: "C4-01", year: 2025) } == ids.count)
        #expect(try await store.verify().isSound)
    }

    @Test("conflicts are stored with their record's department and filtered by status, department, type, field and age",
          arguments: StoreKind.all)
    func conflictFilters(kind: StoreKind) async throws {
        let store = try await kind.make()
        func creation(_ origin: String, _ summary: String) -> ChainedEntry {
            ChainedEntry(testSealing: JournalEntry(
                id: EntryID(origin: NodeID(origin)!, seq: 1), recordType: .caseFile, recordID: Self.key.id,
                clock: VectorClock([NodeID(origin)!: 1]), timestamp: HybridTimestamp(millis: 1_764_000_000_000),
                operations: [.set(field: "origin_department", value: "C4"), .set(field: "summary", value: .string(summary))]),
                prev: nil, salt: SystemClock.salt())
        }
        _ = try await append(store, [creation("a", "uno"), creation("b", "dos")])
        let open = try await store.read { try await $0.conflicts(ConflictFilter(), after: nil, limit: 10) }
        #expect(open.items.map(\.field) == ["summary"])
        #expect(open.items.first?.department == "C4")
        var filter = ConflictFilter()
        filter.department = "DIF"
        #expect(try await store.read { try await $0.conflicts(filter, after: nil, limit: 10) }.items.isEmpty)
        filter = ConflictFilter()
        filter.fieldPrefix = "sum"
        filter.recordType = .caseFile
        filter.firstAtOrBefore = 1_764_000_000_000
        #expect(try await store.read { try await $0.conflicts(filter, after: nil, limit: 10) }.items.count == 1)
        filter.firstAtOrBefore = 1_763_999_999_999
        #expect(try await store.read { try await $0.conflicts(filter, after: nil, limit: 10) }.items.isEmpty)
        #expect(try await store.read { try await $0.openConflictsByDepartment() } == ["C4": 1])
        let id = open.items[0].id
        #expect(try await store.read { try await $0.conflictLocation(id: id) } == ConflictLocation(key: Self.key, field: "summary"))
    }

    @Test("stubs keep every chain verifiable; a stub later receives its body; a body its envelope does not commit to is refused",
          arguments: StoreKind.all)
    func stubs(kind: StoreKind) async throws {
        let store = try await kind.make()
        let chain = (1...3).map { entry(seq: UInt64($0), risk: ["alto", "medio", "bajo"][$0 - 1], clock: $0,
                                        previousRisk: ["alto", "alto", "medio"][$0 - 1]) }
        // The first two arrive as envelopes only, the third whole.
        let outcome = try await append(store, [chain[0].stub, chain[1].stub, chain[2]])
        #expect(outcome.stubs == 2 && outcome.applied.count == 1)
        #expect(try await store.verify().isSound)
        #expect(try await store.read { try await $0.entries(of: Self.key) }.map(\.id.seq) == [3])
        // The body of entry 2 arrives later: it fills the stub and applies.
        let filled = try await append(store, [chain[1]])
        #expect(filled.applied.map(\.id.seq) == [2] && filled.duplicates == 0)
        #expect(try await store.verify().isSound)
        // A body that is not the one committed to is refused, whole or filling a stub.
        let forged = ChainedEntry(envelope: chain[0].envelope, body: chain[1].body)
        await #expect(throws: StoreError.self) { try await append(store, [forged]) }
        #expect(try await store.read { try await $0.entries(of: Self.key) }.map(\.id.seq) == [2, 3])
    }

    @Test("an entry sound in its chain whose body cannot apply is quarantined, and the origin's later entries still apply",
          arguments: StoreKind.all)
    func quarantine(kind: StoreKind) async throws {
        let store = try await kind.make()
        let first = entry(seq: 1, risk: "alto")
        // Entry 2 writes a value no rule accepts (as a newer rule might refuse an older value).
        let invalid = JournalEntry(
            id: EntryID(origin: NodeID("dif-01")!, seq: 2), recordType: .caseFile, recordID: Self.key.id,
            clock: VectorClock([NodeID("dif-01")!: 2]), timestamp: HybridTimestamp(millis: 1_764_000_000_002),
            operations: [.set(field: "risk_level", value: "altisimo")])
        let second = ChainedEntry(testSealing: invalid, prev: first.envelope.hash, salt: SystemClock.salt())
        let third = ChainedEntry(testSealing: JournalEntry(
            id: EntryID(origin: NodeID("dif-01")!, seq: 3), recordType: .caseFile, recordID: Self.key.id,
            clock: VectorClock([NodeID("dif-01")!: 3]), timestamp: HybridTimestamp(millis: 1_764_000_000_003),
            operations: [.set(field: "summary", value: "Relato.")]), prev: second.envelope.hash, salt: SystemClock.salt())
        let outcome = try await append(store, [first, second, third])
        #expect(outcome.quarantined.map(\.id.seq) == [2])
        #expect(outcome.quarantined.first?.reason.contains("risk_level") == true)
        #expect(outcome.applied.map(\.id.seq) == [1, 3])
        #expect(try await store.read { try await $0.quarantinedCount() } == 1)
        // The office desk counts quarantined entries by their origin node.
        if let central = (store as? StoreInFolder)?.store as? any CentralStore {
            #expect(try await central.deskRead { try await $0.quarantinedByOrigin() } == ["dif-01": 1])
        }
        let document = try await store.read { try await $0.documentText(Self.key) }.map(JSONValue.parse)
        #expect(document?["risk_level"] == "alto" && document?["summary"] == "Relato.")
        #expect(try await store.verify().isSound)
    }
}

