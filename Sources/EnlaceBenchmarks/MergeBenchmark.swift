import EnlaceModel
import Foundation

/// Merge-core throughput: apply a generated journal to a fresh replica, materialise every record,
/// and code entries as JSON.
///
/// Apply is measured two ways. Record by record is how the product applies: a store
/// materialises a record from its own entries, and a sync batch applies each record it touches
/// to that record's state. In journal order, 10,000 records interleaved, is the verifier's
/// whole-journal replay: each entry lands on a record state last touched thousands of entries
/// ago, so it measures memory latency as much as the merge.
enum MergeBenchmark {
    static func run(entryCount: Int, recordCount: Int, replicaCount: Int) throws {
        let rounds = 3
        print("enlace-bench: \(entryCount) entries over \(recordCount) records on \(replicaCount) replicas")
        let generationStart = Date()
        let journal = JournalGenerator(records: recordCount, replicas: replicaCount).generate(entries: entryCount)
        print(String(format: "  generated in %.1f s (%.1f%% of edits made on a stale view: concurrent)",
                     Date().timeIntervalSince(generationStart), journal.concurrentShare * 100))

        // The same entries as a store reads them: grouped by record, in journal order within
        // each, decoded one after another from their bodies.
        let byRecord = try journal.entries.indices.sorted { (journal.entries[$0].recordKey, $0) < (journal.entries[$1].recordKey, $1) }
            .map { try JournalEntry(id: journal.entries[$0].id, body: journal.entries[$0].encodedBody) }
        var recordRates: [Double] = []
        for round in 1...rounds {
            var replica = Replica()
            let start = Date()
            for entry in byRecord { replica.apply(entry) }
            let seconds = Date().timeIntervalSince(start)
            recordRates.append(Double(entryCount) / seconds)
            print(String(format: "  round %d: apply record by record %.2f s", round, seconds))
        }

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
            print(String(format: "  round %d: apply in journal order %.2f s, materialize %.2f s", round, applySeconds, materializeSeconds))
        }

        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print(String(format: "apply:       %.0f entries/s record by record, %.0f entries/s in journal order (medians of %d)",
                     median(recordRates), median(applyRates), rounds))
        print(String(format: "materialize: %.0f records/s (median of %d), %d open conflicts", median(materializeRates), rounds, openConflicts))

        // The journal format's coder: what a sync batch costs to encode and decode.
        let sample = Array(journal.entries.prefix(100_000))
        var encoded: [[UInt8]] = []
        let encodeSeconds = median((1...rounds).map { _ in
            let start = Date()
            encoded = sample.map(\.encodedBody)
            return Date().timeIntervalSince(start)
        })
        let decodeSeconds = try median((1...rounds).map { _ in
            let start = Date()
            for (entry, bytes) in zip(sample, encoded) { _ = try JournalEntry(id: entry.id, body: bytes) }
            return Date().timeIntervalSince(start)
        })
        let meanBytes = encoded.reduce(0) { $0 + $1.count } / encoded.count
        print(String(format: "format:      encode %.0f entries/s, decode %.0f entries/s (medians of 3), %d bytes/body",
                     Double(sample.count) / encodeSeconds, Double(sample.count) / decodeSeconds, meanBytes))

        // Materialisation linear in a record's writes: the cost per write at a few depths.
        let depths = [25, 100, 400]
        let perWrite = depths.map { depth -> Double in
            let records = 200
            let deep = JournalGenerator(records: records, replicas: replicaCount).generate(entries: records * depth)
            var replica = Replica()
            for entry in deep.entries { replica.apply(entry) }
            let seconds = (1...rounds).map { _ -> Double in
                let start = Date()
                _ = replica.materializeAll()
                return Date().timeIntervalSince(start)
            }
            return median(seconds) / Double(deep.entries.count)
        }
        print("goals (the merge core, in memory):")
        func line(_ goal: String, _ figure: String, _ ratio: String) {
            print("  " + goal.padding(toLength: 60, withPad: " ", startingAt: 0) + figure.padding(toLength: 34, withPad: " ", startingAt: 0) + ratio)
        }
        line("apply, record by record (≥ 1,000,000 entries/s; ≥ 500,000)", String(format: "%.0f entries/s", median(recordRates)),
             String(format: "%.2f× of goal", median(recordRates) / 1_000_000))
        line("apply, in journal order (the verifier's replay)", String(format: "%.0f entries/s", median(applyRates)),
             String(format: "%.2f× of goal", median(applyRates) / 1_000_000))
        line("coder, encode (≥ 500,000 entries/s)", String(format: "%.0f entries/s", Double(sample.count) / encodeSeconds),
             String(format: "%.2f× of goal", Double(sample.count) / encodeSeconds / 500_000))
        line("coder, decode (≥ 500,000 entries/s)", String(format: "%.0f entries/s", Double(sample.count) / decodeSeconds),
             String(format: "%.2f× of goal", Double(sample.count) / decodeSeconds / 500_000))
        line("materialise, cost per write at \(depths.map(String.init).joined(separator: " / ")) writes a record",
             perWrite.map { String(format: "%.1f", $0 * 1_000_000) }.joined(separator: " / ") + " µs",
             String(format: "%.2f× from %d to %d (linear: 1×)", perWrite.last! / perWrite.first!, depths.first!, depths.last!))
    }
}
