/// How a node syncs: batch size, timeouts, TLS and proxy, the round schedule.
public struct SyncConfiguration: Sendable {
    /// Entries per push batch and per pull page.
    public var batchSize = 500
    /// Give up connecting after this many milliseconds.
    public var connectTimeoutMillis = 5000
    /// Abort a transfer stalled for this many seconds.
    public var lowSpeedSeconds = 30
    /// Give up on one request (a push batch or a pull page) after this many milliseconds.
    public var requestTimeoutMillis = 120_000
    /// The largest answer accepted from the central server.
    public var maxResponseBytes = 64 << 20
    /// The CA bundle that verifies the central server (the system's when nil).
    public var caFile: String?
    /// An HTTP proxy URL.
    public var proxy: String?
    /// Seconds between rounds when nothing happens.
    public var interval: Double = 60
    /// Seconds to wait after a local write before a round (writes in between join it).
    public var debounce: Double = 2
    /// First retry delay after a failed round; doubles up to `backoffMax`, with jitter.
    public var backoffInitial: Double = 1
    /// Longest retry delay.
    public var backoffMax: Double = 300

    public init() {}
}
