import EnlaceTestSupport
import EnlaceModel

/// Random operation histories on 2–8 replicas with random partitions, reproducible from a seed.
struct HistoryGenerator {
    var rng: SplitMix64
    var nodes: [TestNode]
    let keys: [RecordKey]
    private var groups: [Int]
    private var step = 0

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let count = Int.random(in: 2...8, using: &rng)
        nodes = (0..<count).map { TestNode("n\($0)", millis: 1_764_000_000_000 + Int64($0) * 7) }
        let recordCount = Int.random(in: 1...3, using: &rng)
        var keys: [RecordKey] = []
        for index in 0..<recordCount {
            let type: RecordType = Bool.random(using: &rng) ? .caseFile : .certification
            keys.append(RecordKey(type, ULID.make(millis: UInt64(index + 1), random: (UInt64(index), 7))))
        }
        self.keys = keys
        self.rng = rng
        groups = Array(repeating: 0, count: count)
    }

    /// Runs `steps` random edits, syncs and partition changes; returns every entry made.
    mutating func run(steps: Int) -> [JournalEntry] {
        for _ in 0..<steps {
            step += 1
            if Double.random(in: 0..<1, using: &rng) < 0.15 { repartition() }
            if Double.random(in: 0..<1, using: &rng) < 0.6 {
                let node = Int.random(in: 0..<nodes.count, using: &rng)
                let key = keys.randomElement(using: &rng)!
                let operations = randomOperations(node: node, key: key)
                nodes[node].edit(key, operations, author: Bool.random(using: &rng) ? "srv-\(node)" : nil)
            } else {
                let from = Int.random(in: 0..<nodes.count, using: &rng)
                let to = Int.random(in: 0..<nodes.count, using: &rng)
                guard from != to, groups[from] == groups[to] else { continue }
                nodes[to].sync(from: nodes[from])
                if Bool.random(using: &rng) { nodes[from].sync(from: nodes[to]) }
            }
        }
        var seen = Set<EntryID>()
        return nodes.flatMap(\.log).filter { seen.insert($0.id).inserted }
    }

    private mutating func repartition() {
        let groupCount = Int.random(in: 1...3, using: &rng)
        groups = nodes.indices.map { _ in Int.random(in: 0..<groupCount, using: &rng) }
    }

    private mutating func newID() -> String {
        ULID.make(millis: UInt64(1000 + step), random: (rng.next(), UInt16.random(in: 0...UInt16.max, using: &rng)))
    }

    private mutating func pick<T>(_ values: [T]) -> T { values.randomElement(using: &rng)! }

    private mutating func randomOperations(node: Int, key: RecordKey) -> [FieldOperation] {
        let known = nodes[node].replica.state(of: key) != nil
        var operations: [FieldOperation] = []
        if !known {
            // Mostly the same creation everywhere; sometimes a different one (→ immutable conflict).
            let variant = Double.random(in: 0..<1, using: &rng) < 0.2 ? node : 0
            operations += key.type == .caseFile
                ? [.set(field: "folio", value: .string("LEON-N\(variant)-2026-000001")),
                   .set(field: "origin_department", value: "C4"), .set(field: "intake_channel", value: "presencial")]
                : [.set(field: "standard_code", value: "EC0539"), .set(field: "folio", value: .string("F-\(variant)")),
                   .set(field: "status", value: "vigente")]
        }
        let count = Int.random(in: 1...3, using: &rng)
        for _ in 0..<count {
            let candidates = key.type == .caseFile ? caseOperations(node: node, key: key) : certificationOperations()
            for operation in candidates where !operations.contains(where: { $0.registerPath == operation.registerPath }) {
                operations.append(operation)
            }
        }
        return operations
    }

    private mutating func caseOperations(node: Int, key: RecordKey) -> [FieldOperation] {
        switch Int.random(in: 0..<12, using: &rng) {
        case 0: return [.set(field: "risk_level", value: .string(pick(Vocabulary.riskLevel.values)))]
        case 1: return [.set(field: "summary", value: .string(pick(["A", "B", "C"])))]
        case 2: return [.set(field: "person.phone", value: pick(["477 1", "477 2", .null]))]
        case 3:
            let element = pick(["fisica", "psicologica", "sexual"])
            return [Bool.random(using: &rng) ? .add(field: "violence_types", element: element)
                                             : .remove(field: "violence_types", element: element)]
        case 4, 5:
            let status = Double.random(in: 0..<1, using: &rng) < 0.4 ? "concluido" : pick(Vocabulary.caseStatus.values)
            return [.set(field: "status", value: .string(status))]
        case 6:
            let id = newID()
            return [.set(field: "attentions.\(id).at", value: .string(RFC3339.format(millis: 1_764_000_000_000 + Int64(step) * 1000))),
                    .set(field: "attentions.\(id).department", value: pick(["C4", "DIF", "IMMUJERES"])),
                    .set(field: "attentions.\(id).kind", value: pick(["orientacion", "seguimiento"]))]
        case 7:
            let id = newID()
            return [.set(field: "referrals.\(id).from", value: "C4"),
                    .set(field: "referrals.\(id).to", value: pick(["IMMUJERES", "DIF"])),
                    .set(field: "referrals.\(id).state", value: "propuesta")]
        case 8:
            let referrals = nodes[node].replica.state(of: key)?.materialize().fields["referrals"]?.arrayValue ?? []
            guard let referral = referrals.randomElement(using: &rng), let id = referral["id"]?.stringValue else { return [] }
            return [.set(field: "referrals.\(id).state", value: .string(pick(Vocabulary.referralState.values)))]
        case 9: return [.set(field: pick(["safe_contact.no_contact", "consent_to_share"]), value: .bool(Bool.random(using: &rng)))]
        case 10: return [.set(field: "incident_date", value: pick(["2026-11-01", "2026-11-02", "2026-10-30"]))]
        default: return [.set(field: "confidentiality", value: .string(pick(Vocabulary.confidentiality.values)))]
        }
    }

    private mutating func certificationOperations() -> [FieldOperation] {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1, 2, 3:
            return [.set(field: "status", value: .string(pick(["vigente", "suspendida", "revocada", "revocada", "en_revision"])))]
        case 4, 5: return [.set(field: "valid_until", value: pick(["2027-01-31", "2028-01-31", "2029-01-31"]))]
        case 6, 7, 8: return [.set(field: "holder_name", value: pick(["Ana", "Ana M."]))]
        default: return [.set(field: "standard_code", value: pick(["EC0539", "EC0497"]))]
        }
    }
}
