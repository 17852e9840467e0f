import EnlaceModel
import Foundation

/// Merge-core throughput: apply a generated journal to a fresh replica, materialise every record,
/// and code entries as JSON.
enum MergeBenchmark {
    static func run(entryCount: Int, recordCount: Int, replicaCount: Int) throws {
        let rounds = 3
        print("enlace-bench: \(entryCount) entries over \(recordCount) records on \(replicaCount) replicas")
        let generationStart = Date()
        let journal = JournalGenerator(records: recordCount, replicas: replicaCount).generate(entries: entryCount)
        print(String(format: "  generated in %.1f s (%.1f%% of edits made on a stale view: concurrent)",
                     Date().timeIntervalSince(generationStart), journal.concurrentShare * 100))

        var applyRates: [Double] = []
        var materializeRates: [Double] = []
        var openConflicts = 0
        for round in 1...rounds {
            var replica = Replica()
            let start = Date()
            for entry in journal.entries { replica.apply(entry) }
            let applySeconds = Date().timeIntervalSince(start)
            applyRates.append(Double(entryCount) / applySeconds)
            let materializeStart = Date()
            let records = replica.materializeAll()
            let materializeSeconds = Date().timeIntervalSince(materializeStart)
            materializeRates.append(Double(records.count) / materializeSeconds)
            openConflicts = records.reduce(0) { $0 + $1.openConflicts.count }
            print(String(format: "  round %d: apply %.2f s, materialize %.2f s", round, applySeconds, materializeSeconds))
        }

        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print(String(format: "apply:       %.0f entries/s (median of %d)", median(applyRates), rounds))
        print(String(format: "materialize: %.0f records/s (median of %d), %d open conflicts", median(materializeRates), rounds, openConflicts))

        // The journal format's coder: what a sync batch costs to encode and decode.
        let sample = Array(journal.entries.prefix(100_000))
        let encodeStart = Date()
        let encoded = sample.map(\.encodedBody)
        let encodeSeconds = Date().timeIntervalSince(encodeStart)
        let decodeStart = Date()
        for (entry, bytes) in zip(sample, encoded) { _ = try JournalEntry(id: entry.id, body: bytes) }
        let decodeSeconds = Date().timeIntervalSince(decodeStart)
        let meanBytes = encoded.reduce(0) { $0 + $1.count } / encoded.count
        print(String(format: "format:      encode %.0f entries/s, decode %.0f entries/s, %d bytes/body",
                     Double(sample.count) / encodeSeconds, Double(sample.count) / decodeSeconds, meanBytes))
    }
}
