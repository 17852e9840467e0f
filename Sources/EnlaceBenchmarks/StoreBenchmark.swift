import Crypto
import EnlaceModel
import EnlaceStore
import Foundation

/// Journal throughput: append a generated journal to a fresh SQLite store in batches (what a
/// central server does with pushes and a node with pulled pages): validation, hash-chain checks,
/// `synchronous=FULL` commits, and materialising every touched record in the same transaction.
enum StoreBenchmark {
    static func run(entryCount: Int, recordCount: Int, batchSize: Int, postgres: PostgresLocation? = nil) async throws {
        print("enlace-bench store\(postgres == nil ? "" : "-postgres"): \(entryCount) entries over \(recordCount) records, batches of \(batchSize)")
        let generated = JournalGenerator(records: recordCount, replicas: 8).generate(entries: entryCount).entries
        var tips: [ReplicaID: Hash256] = [:]
        // Case contents are sealed with each case's key, as nodes write them.
        var keys: [String: SymmetricKey] = [:]
        let entries = generated.map { entry -> ChainedEntry in
            let key = SealedEdit.seals(entry.recordType) ? keys[entry.recordID] ?? SymmetricKey(size: .bits256) : nil
            if let key { keys[entry.recordID] = key }
            let chained = ChainedEntry(sealing: entry, prev: tips[entry.id.replica], salt: SystemClock.salt(), key: key)
            tips[entry.id.replica] = chained.envelope.hash
            return chained
        }
        var rates: [Double] = []
        for round in 1...3 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("enlace-bench-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let store: any ReplicaStore
            if let server = postgres {
                let central = try await PostgresStore(
                    location: try await PostgresStore.createDatabase("enlace_bench_" + UUID().uuidString.prefix(8).lowercased(), on: server),
                    create: true, keys: [ReplicaKey.generate()])
                // A central store has its identity (its writes keep a generation: the state cache).
                try await central.initialize(ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: "2026-12-01T00:00:00Z"))
                store = central
            } else {
                store = try JournalStore(path: JournalStore.file(in: folder), create: true, keys: [ReplicaKey.generate()])
            }
            try await store.write { transaction in for (id, key) in keys { try await transaction.storeCaseKey(id, key) } }
            let start = Date()
            var index = 0
            while index < entries.count {
                let batch = Array(entries[index..<min(index + batchSize, entries.count)])
                _ = try await store.write { try await ReplicaWriter.append(batch, in: $0) }
                index += batchSize
            }
            let seconds = Date().timeIntervalSince(start)
            rates.append(Double(entries.count) / seconds)
            print(String(format: "  round %d: %.2f s", round, seconds))
        }
        print(String(format: "append: %.0f entries/s (median of 3; each batch one fsync'd transaction)", rates.sorted()[1]))
    }
}
