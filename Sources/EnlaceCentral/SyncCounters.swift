import Metrics

/// The central server's sync metrics, through swift-metrics (the daemon serves them as
/// Prometheus text). Counts and latencies only, never personal data.
enum SyncCounters {
    /// Entries newly stored from pushes.
    static func pushed(_ count: Int) {
        if count > 0 { Counter(label: "enlace_central_entries_pushed_total").increment(by: count) }
    }

    /// Entries served to pulls.
    static func pulled(_ count: Int) {
        if count > 0 { Counter(label: "enlace_central_entries_pulled_total").increment(by: count) }
    }

    /// A sync request whose signature verified, by route (the path without its query): what
    /// got past authentication to the route's own checks.
    static func signed(route: String) {
        Counter(label: "enlace_central_signed_requests_total", dimensions: [("route", route)]).increment()
    }

    /// One push batch's latency, request to stored.
    static func batch(_ duration: Duration) {
        Metrics.Timer(label: "enlace_central_sync_batch_seconds").record(duration: duration)
    }
}
