import Metrics

/// The node's sync metrics, through swift-metrics: the daemon bootstraps a Prometheus registry
/// and serves it at `GET /metrics`. Counts and latencies only, never personal data.
enum SyncMetrics {
    /// Counts a finished round by outcome.
    static func rounds(succeeded: Bool) {
        Counter(label: "enlace_node_sync_rounds_total", dimensions: [("outcome", succeeded ? "success" : "failure")]).increment()
    }

    /// Counts entries the central server stored from this node, and entries pulled and stored here.
    static func entries(pushed: Int = 0, pulled: Int = 0) {
        if pushed > 0 { Counter(label: "enlace_node_entries_pushed_total").increment(by: pushed) }
        if pulled > 0 { Counter(label: "enlace_node_entries_pulled_total").increment(by: pulled) }
    }

    /// Counts request and response body bytes exchanged with the central server.
    static func bytes(sent: Int, received: Int) {
        if sent > 0 { Counter(label: "enlace_node_sync_bytes_total", dimensions: [("direction", "sent")]).increment(by: sent) }
        if received > 0 { Counter(label: "enlace_node_sync_bytes_total", dimensions: [("direction", "received")]).increment(by: received) }
    }

    /// Observes one batch's latency (a push or a pull page, request to stored).
    static func batch(_ duration: Duration) {
        Metrics.Timer(label: "enlace_node_sync_batch_seconds").record(duration: duration)
    }
}
