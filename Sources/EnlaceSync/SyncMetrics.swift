import Foundation
import Synchronization

/// Counters and a latency histogram of sync traffic, rendered as Prometheus text. Counts only,
/// never personal data.
public final class SyncMetrics: Sendable {
    /// Histogram bucket bounds in seconds.
    public static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct State {
        var roundsSucceeded = 0
        var roundsFailed = 0
        var entriesPushed = 0
        var entriesPulled = 0
        var bucketCounts = [Int](repeating: 0, count: SyncMetrics.buckets.count)
        var latencyCount = 0
        var latencySum = 0.0
        var lastSuccess: Date?
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts a finished round.
    public func recordRound(succeeded: Bool) {
        state.withLock { state in
            if succeeded {
                state.roundsSucceeded += 1
                state.lastSuccess = Date()
            } else {
                state.roundsFailed += 1
            }
        }
    }

    /// Counts entries moved.
    public func recordEntries(pushed: Int = 0, pulled: Int = 0) {
        state.withLock { state in
            state.entriesPushed += pushed
            state.entriesPulled += pulled
        }
    }

    /// Observes one batch's latency (a push or a pull page, request to stored).
    public func observeBatch(seconds: Double) {
        state.withLock { state in
            for (index, bound) in SyncMetrics.buckets.enumerated() where seconds <= bound { state.bucketCounts[index] += 1 }
            state.latencyCount += 1
            state.latencySum += seconds
        }
    }

    /// Prometheus text for these metrics, with `prefix` (e.g. `enlace_node`).
    public func prometheus(prefix: String, pending: Int?, openConflicts: Int, lastSuccessSeconds: Double?) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
            lines.append("# HELP \(prefix)_\(name) \(help)")
            lines.append("# TYPE \(prefix)_\(name) \(type)")
            for (labels, value) in samples { lines.append("\(prefix)_\(name)\(labels) \(value)") }
        }
        metric("sync_rounds_total", "counter", "Sync rounds by outcome.",
               [("{outcome=\"success\"}", "\(snapshot.roundsSucceeded)"), ("{outcome=\"failure\"}", "\(snapshot.roundsFailed)")])
        metric("entries_pushed_total", "counter", "Journal entries pushed to (stored by) the central server.", [("", "\(snapshot.entriesPushed)")])
        metric("entries_pulled_total", "counter", "Journal entries pulled from (served by) the central server.", [("", "\(snapshot.entriesPulled)")])
        var histogram = SyncMetrics.buckets.enumerated().map { index, bound in
            ("_bucket{le=\"\(bound)\"}", "\(snapshot.bucketCounts[index])")
        }
        histogram.append(("_bucket{le=\"+Inf\"}", "\(snapshot.latencyCount)"))
        lines.append("# HELP \(prefix)_sync_batch_seconds Latency of one sync batch.")
        lines.append("# TYPE \(prefix)_sync_batch_seconds histogram")
        for (suffix, value) in histogram { lines.append("\(prefix)_sync_batch_seconds\(suffix) \(value)") }
        lines.append("\(prefix)_sync_batch_seconds_sum \(snapshot.latencySum)")
        lines.append("\(prefix)_sync_batch_seconds_count \(snapshot.latencyCount)")
        if let pending { metric("pending_entries", "gauge", "Own entries the central server has not acknowledged.", [("", "\(pending)")]) }
        metric("open_conflicts", "gauge", "Open merge conflicts.", [("", "\(openConflicts)")])
        if let lastSuccessSeconds {
            metric("seconds_since_last_sync", "gauge", "Seconds since the last successful sync round.", [("", String(format: "%.3f", lastSuccessSeconds))])
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
