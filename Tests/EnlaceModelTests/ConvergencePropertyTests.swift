import EnlaceTestSupport
import EnlaceModel
import Foundation
import Testing

/// Property-based tests of the merge core: random histories, every delivery order, duplicates
/// and partitions. `ENLACE_PROPERTY_RUNS` raises the number of histories (default 2000),
/// `ENLACE_PROPERTY_SEED` replays one seed.
@Suite("Convergence properties")
struct ConvergencePropertyTests {
    static let shards = 8
    static let runs = ProcessInfo.processInfo.environment["ENLACE_PROPERTY_RUNS"].flatMap(Int.init) ?? 2000
    static let onlySeed = ProcessInfo.processInfo.environment["ENLACE_PROPERTY_SEED"].flatMap { UInt64($0) }

    static func seeds(shard: Int) -> [UInt64] {
        if let onlySeed { return shard == 0 ? [onlySeed] : [] }
        return stride(from: shard, to: runs, by: shards).map { 0xE71A_CE00 + UInt64($0) }
    }

    @Test("replicas converge whatever the delivery order, duplicates and partitions; nothing is lost",
          arguments: 0..<shards)
    func convergence(shard: Int) {
        var conflictsResolved = 0
        for seed in Self.seeds(shard: shard) {
            let (failures, resolved) = Self.check(seed: seed)
            conflictsResolved += resolved
            if !failures.isEmpty {
                Issue.record("seed \(seed) (replay: ENLACE_PROPERTY_SEED=\(seed)): \(failures.prefix(3).joined(separator: "; "))")
                return
            }
        }
        // The histories must exercise conflicts, or the resolution property proves nothing.
        if Self.onlySeed == nil { #expect(conflictsResolved > Self.runs / Self.shards / 4) }
    }

    /// The departments of the generator's nodes (`n0`, `n1`, …), as the journalled directory would say.
    static let departments = ["C4", "DIF", "IMMUJERES", "SALUD", "BOMBEROS", "PROCURADURIA_NNA"]

    /// Who holds each case of a replica (need to know), by the scope table.
    static func scopes(_ replica: Replica, _ records: [MaterializedRecord]) -> [RecordKey: Set<String>] {
        var scopes: [RecordKey: Set<String>] = [:]
        for record in records where record.key.type == .caseFile {
            let writers = CaseScope.workers(of: replica.state(of: record.key)!) { node in
                Int(node.rawValue.dropFirst()).map { departments[$0 % departments.count] }
            }
            scopes[record.key] = CaseScope.departments(of: record, writers: writers)
        }
        return scopes
    }

    /// Generates one history and checks every property; returns what failed and how many
    /// conflicts were resolved.
    static func check(seed: UInt64) -> (failures: [String], resolved: Int) {
        var generator = HistoryGenerator(seed: seed)
        let steps = Int.random(in: 4...36, using: &generator.rng)
        let entries = generator.run(steps: steps)
        var failures: [String] = []

        var reference = Replica()
        for entry in entries { reference.apply(entry) }
        let expected = reference.materializeAll()
        let expectedScopes = scopes(reference, expected)

        // Every delivery order (exhaustive for tiny histories), with duplicates and re-deliveries:
        // the same records, conflicts and scopes (who holds each case).
        for order in deliveryOrders(entries, rng: &generator.rng) {
            var replica = Replica()
            for entry in order { replica.apply(entry) }
            let records = replica.materializeAll()
            if records != expected { failures.append("order \(order.map(\.id)) diverged") }
            if scopes(replica, records) != expectedScopes { failures.append("order \(order.map(\.id)) gave another scope") }
            // A re-delivered entry is known whichever way it is told apart (its origin's counter
            // or the applied ids), and changes nothing.
            for entry in entries where replica.state(of: entry.recordKey)?.contains(entry.id) != true || replica.apply(entry) {
                failures.append("order \(order.map(\.id)): \(entry.id) not known as applied")
            }
        }

        // The live replicas converge once partitions heal.
        var nodes = generator.nodes
        for index in nodes.indices { nodes[index].receive(entries) }
        for node in nodes where node.replica.materializeAll() != expected {
            failures.append("node \(node.id) diverged after healing")
        }

        failures += nothingLost(entries: entries, records: expected)
        failures += resolutionsClose(entries: entries, nodes: nodes, records: expected)
        return (failures, expected.reduce(0) { $0 + $1.openConflicts.count })
    }

    static func deliveryOrders(_ entries: [JournalEntry], rng: inout SplitMix64) -> [[JournalEntry]] {
        if entries.count <= 5 { return permutations(entries) }
        var orders: [[JournalEntry]] = [entries.reversed()]
        for _ in 0..<4 {
            var order = entries.shuffled(using: &rng)
            for _ in 0..<Int.random(in: 0...entries.count / 2, using: &rng) {
                order.insert(entries.randomElement(using: &rng)!, at: Int.random(in: 0...order.count, using: &rng))
            }
            orders.append(order)
        }
        return orders
    }

    static func permutations(_ items: [JournalEntry]) -> [[JournalEntry]] {
        guard items.count > 1 else { return [items] }
        var result: [[JournalEntry]] = []
        for index in items.indices {
            var rest = items
            let head = rest.remove(at: index)
            for tail in permutations(rest) { result.append([head] + tail) }
        }
        return result
    }

    /// An independent oracle: recomputes each register's frontier naively from the entries and
    /// checks that no attention, referral, set addition or concurrent review value is lost.
    static func nothingLost(entries: [JournalEntry], records: [MaterializedRecord]) -> [String] {
        var failures: [String] = []
        for record in records {
            let mine = entries.filter { $0.recordKey == record.key }
            let schema = record.key.type.schema
            var writes: [String: [(clock: VectorClock, value: JSONValue)]] = [:]
            for entry in mine {
                for operation in entry.operations {
                    writes[operation.registerPath, default: []].append((entry.clock, operation.registerValue))
                }
            }
            for (path, all) in writes {
                let frontier = all.filter { write in !all.contains { write.clock.compare($0.clock) == .before } }
                let values = Set(frontier.map(\.value))
                guard let register = schema.register(forPath: path) else { continue }
                switch register {
                case .element(let spec, let element):
                    let present = (record.fields[spec.path]?.arrayValue ?? []).contains(.string(element))
                    if present != values.contains(.bool(true)) { failures.append("\(record.key) \(path): add-wins violated") }
                case .item(let spec, let itemID):
                    let items = record.fields[spec.collection!]?.arrayValue ?? []
                    if !items.contains(where: { $0["id"] == .string(itemID) }) { failures.append("\(record.key) lost item \(itemID)") }
                case .field(let spec):
                    if spec.rule.keepsConcurrentValues || spec.rule == .max || spec.rule == .min {
                        failures += checkRegister(record, spec: spec, values: values)
                    }
                }
            }
        }
        return failures
    }

    static func checkRegister(_ record: MaterializedRecord, spec: FieldSpec, values: Set<JSONValue>) -> [String] {
        var current = record.fields
        for part in spec.path.split(separator: ".") { current = current[String(part)] ?? .null }
        if spec.rule.keepsConcurrentValues, values.count > 1 {
            guard let conflict = record.openConflicts.first(where: { $0.field == spec.path }) else {
                return ["\(record.key) \(spec.path): concurrent values \(values) without a conflict"]
            }
            return Set(conflict.versions.map(\.value)) == values ? [] : ["\(record.key) \(spec.path): lost a version"]
        }
        if values.count == 1, current != values.first! {
            return ["\(record.key) \(spec.path): shows \(current), frontier holds \(values.first!)"]
        }
        if spec.rule == .max, case .vocabulary(let vocabulary) = spec.type {
            let best = values.compactMap(\.stringValue).max { vocabulary.rank(of: $0)! < vocabulary.rank(of: $1)! }
            if let best, current != .string(best) { return ["\(record.key) \(spec.path): max is \(best), shows \(current)"] }
        }
        if spec.rule == .min {
            let best = values.compactMap(\.stringValue).min()
            if let best, current != .string(best) { return ["\(record.key) \(spec.path): min is \(best), shows \(current)"] }
        }
        return []
    }

    /// The central office resolves every open conflict; once the resolutions reach every node,
    /// no replica has an open conflict and all list the same resolved ones.
    static func resolutionsClose(entries: [JournalEntry], nodes: [TestNode], records: [MaterializedRecord]) -> [String] {
        var central = TestNode("central", millis: 1_800_000_000_000)
        central.receive(entries)
        var rng = SplitMix64(seed: UInt64(entries.count))
        var resolutions: [JournalEntry] = []
        let open = records.flatMap(\.openConflicts)
        for conflict in open {
            let key = RecordKey(conflict.recordType, conflict.recordID)
            let value = Bool.random(using: &rng) ? conflict.provisionalValue : conflict.versions.randomElement(using: &rng)!.value
            resolutions.append(central.edit(key, [.set(field: conflict.field, value: value)], author: "office", note: "resolved"))
        }
        var failures: [String] = []
        var final: [MaterializedRecord]?
        for var node in nodes + [central] {
            node.receive(resolutions.reversed())
            let records = node.replica.materializeAll()
            if records.contains(where: { !$0.openConflicts.isEmpty }) { failures.append("\(node.id) still has open conflicts") }
            let resolvedIDs = Set(records.flatMap(\.resolvedConflicts).map(\.id))
            if !Set(open.map(\.id)).isSubset(of: resolvedIDs) { failures.append("\(node.id) does not list every resolution") }
            if let final, final != records { failures.append("\(node.id) differs after resolutions") }
            final = records
        }
        return failures
    }
}
