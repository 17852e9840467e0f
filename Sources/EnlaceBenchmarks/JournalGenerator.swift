import EnlaceModel

/// Generates a realistic journal: replicas edit records, mostly after seeing the latest state,
/// sometimes on a stale view (concurrent edits). Deterministic for a given size.
struct JournalGenerator {
    let records: Int
    let replicas: Int

    struct Journal {
        var entries: [JournalEntry]
        var concurrentShare: Double
    }

    func generate(entries count: Int) -> Journal {
        var rng = SplitMix64(seed: 42)
        let nodes = (0..<replicas).map { NodeID("node-\($0)")! }
        let keys = (0..<records).map { index in
            RecordKey(index % 5 == 0 ? .certification : .caseFile,
                      ULID.make(millis: 1_700_000_000_000 + UInt64(index), random: (UInt64(index), 0)))
        }
        var merged = [VectorClock](repeating: VectorClock(), count: records)
        var views = [[VectorClock]](repeating: [VectorClock](repeating: VectorClock(), count: replicas), count: records)
        var seqs = [UInt64](repeating: 0, count: replicas)
        var entries: [JournalEntry] = []
        entries.reserveCapacity(count)
        var stale = 0
        for index in 0..<count {
            let record = index < records ? index : Int(rng.next() % UInt64(records))
            let replica = Int(rng.next() % UInt64(replicas))
            let key = keys[record]
            if rng.next() % 10 < 8 {
                views[record][replica] = merged[record]
            } else if views[record][replica] != merged[record] {
                stale += 1
            }
            let clock = views[record][replica].incremented(for: ReplicaID(nodes[replica]))
            views[record][replica] = clock
            merged[record].merge(clock)
            seqs[replica] += 1
            let operations = merged[record] == clock && index < records
                ? creation(key, index) : edit(key, &rng, index)
            entries.append(JournalEntry(
                id: EntryID(origin: nodes[replica], seq: seqs[replica]), recordType: key.type, recordID: key.id,
                clock: clock, timestamp: HybridTimestamp(millis: 1_764_000_000_000 + Int64(index)),
                author: "srv-\(replica)", operations: operations))
        }
        return Journal(entries: entries, concurrentShare: Double(stale) / Double(count))
    }

    private func creation(_ key: RecordKey, _ index: Int) -> [FieldOperation] {
        if key.type == .certification {
            return [.set(field: "holder_name", value: .string("Servidora \(index)")),
                    .set(field: "standard_code", value: "EC0539"), .set(field: "folio", value: .string("F-\(index)")),
                    .set(field: "status", value: "vigente")]
        }
        return [.set(field: "folio", value: .string("LEON-NODE-0-2026-\(String(index + 100_000).suffix(6))")),
                .set(field: "origin_department", value: "C4"), .set(field: "intake_channel", value: "presencial"),
                .set(field: "status", value: "abierto"), .set(field: "summary", value: "Primer contacto.")]
    }

    private func edit(_ key: RecordKey, _ rng: inout SplitMix64, _ index: Int) -> [FieldOperation] {
        if key.type == .certification {
            switch rng.next() % 4 {
            case 0: return [.set(field: "status", value: rng.next() % 8 == 0 ? "revocada" : "vigente", prior: "vigente")]
            case 1: return [.set(field: "valid_until", value: "2028-01-31")]
            default: return [.set(field: "holder_name", value: .string("Servidora \(rng.next() % 3)"))]
            }
        }
        switch rng.next() % 6 {
        case 0: return [.set(field: "risk_level", value: .string(Vocabulary.riskLevel.values[Int(rng.next() % 5)]))]
        case 1: return [.add(field: "violence_types", element: Vocabulary.violenceType.values[Int(rng.next() % 7)])]
        case 2: return [.set(field: "summary", value: .string("Resumen \(rng.next() % 4)"))]
        case 3:
            let id = ULID.make(millis: 1_764_000_000_000 + UInt64(index), random: (rng.next(), 1))
            return [.set(field: "attentions.\(id).at", value: .string(RFC3339.format(millis: 1_764_000_000_000 + Int64(index)))),
                    .set(field: "attentions.\(id).department", value: "DIF"),
                    .set(field: "attentions.\(id).kind", value: "seguimiento")]
        case 4: return [.set(field: "status", value: "en_seguimiento", prior: "abierto")]
        default: return [.set(field: "person.phone", value: .string("477 555 \(rng.next() % 100)"))]
        }
    }
}

/// SplitMix64: a small deterministic generator.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
