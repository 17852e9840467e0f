import EnlaceAPI
import EnlaceModel
import EnlaceStore
import Hummingbird
import Prometheus

/// The central API (openapi/central.yaml), built in one place from its controllers: sync for nodes,
/// the office's reads and the conflicts API, the office's web desk (`/oficina/`), health and
/// metrics. The API's routes are one group behind a bearer token; health, metrics and the desk
/// (which has its own session cookie) are outside it.
public struct CentralAPI: Sendable {
    /// The server it serves.
    public let server: CentralServer
    /// Largest accepted request body.
    public let maxBodyBytes: Int
    /// Most entries in one push.
    public let maxBatch: Int
    /// Where the process's metrics go (`GET /metrics`); none in tests that do not bootstrap them.
    public let metrics: PrometheusCollectorRegistry?
    /// Whether the desk's session cookies are `Secure` (the server speaks TLS).
    public let secureCookies: Bool
    /// How long the desk waits before answering a refused sign-in.
    public let signInRefusalDelay: Duration
    /// Addresses of load balancers whose `X-Forwarded-For` names the client (per-client limits).
    public let trustedProxies: Set<String>
    /// After how long without contact the desk's nodes page flags a node as not syncing.
    public let nodeSilentAfterMillis: Int64
    /// How many desk requests each client may make (a burst, then a rate).
    var pageBudget: PageBudget
    /// The default: a day, so a machine switched off over a night is not flagged but one off
    /// since yesterday is.
    public static let defaultNodeSilentAfterMillis: Int64 = 24 * 3_600_000

    public init(
        server: CentralServer, maxBodyBytes: Int = 32 << 20, maxBatch: Int = 5000, metrics: PrometheusCollectorRegistry? = nil,
        secureCookies: Bool = false, signInRefusalDelay: Duration = .seconds(1), trustedProxies: Set<String> = [],
        nodeSilentAfterMillis: Int64 = CentralAPI.defaultNodeSilentAfterMillis
    ) {
        pageBudget = PageBudget()
        self.trustedProxies = trustedProxies
        self.nodeSilentAfterMillis = nodeSilentAfterMillis
        self.server = server
        self.maxBodyBytes = maxBodyBytes
        self.maxBatch = maxBatch
        self.metrics = metrics
        self.secureCookies = secureCookies
        self.signInRefusalDelay = signInRefusalDelay
    }

    /// A router with every route, bearer authentication and JSON errors.
    public func router() -> Router<CentralContext> {
        let router = Router(context: CentralContext.self)
        router.add(middleware: JSONErrorMiddleware<CentralContext>(component: "central"))
        router.add(middleware: MetricsMiddleware())
        router.get("/healthz") { _, _ in JSONResponse.make(#"{"status":"ok"}"#) }
        // The API's routes, for nodes and office users, each behind a bearer token.
        let authenticated = router.group().add(middleware: BearerAuthMiddleware(storage: server.storage))
        SyncController(server: server, maxBodyBytes: maxBodyBytes, maxBatch: maxBatch).addRoutes(to: authenticated)
        OfficeController(server: server).addRoutes(to: authenticated)
        ConflictsController(server: server).addRoutes(to: authenticated)
        // The desk signs people in with a session cookie of its own; each client's requests are
        // admitted against its page budget first.
        let desk = router.group().add(middleware: PageBudgetMiddleware(budget: pageBudget, trustedProxies: trustedProxies, delay: signInRefusalDelay))
        DeskController(server: server, secure: secureCookies, refusalDelay: signInRefusalDelay, trustedProxies: trustedProxies,
                       silentAfterMillis: nodeSilentAfterMillis).addRoutes(to: desk)
        if let metrics {
            let server = self.server
            MetricsEndpoint(registry: metrics) { try await CentralAPI.readings(server) }.addRoutes(to: router)
        }
        return router
    }

    /// The central server's gauges at scrape time: totals, the feed, the oldest open conflict,
    /// and per live node its last contact, how far behind it is, what is quarantined from it and
    /// its clock's skew (counts and times only, never personal data).
    static func readings(_ server: CentralServer) async throws -> [MetricsEndpoint.Reading] {
        let now = SystemClock.millis()
        let status = try await server.status()
        let lag = try await server.storage.feedLag(at: now)
        let oldest = try await server.storage.read { try await $0.oldestOpenConflictAt() }
        var readings: [MetricsEndpoint.Reading] = [
            .init("enlace_central_open_conflicts", "Open merge conflicts.", Double(status.openConflicts)),
            .init("enlace_central_journal_entries", "Entries in the central journal.", Double(status.journalEntries)),
            .init("enlace_central_quarantined_entries", "Entries kept without applying them.", Double(status.quarantinedEntries)),
            .init("enlace_central_feed_head_position", "The highest committed feed position.", Double(lag.head)),
            .init("enlace_central_feed_lag_entries", "Feed entries the furthest-behind node seen in the last day has not acknowledged.",
                  Double(lag.entries)),
            .init("enlace_central_feed_held_seconds",
                  "How long the append in progress has held the feed back (later appends wait; 0 on SQLite).", lag.heldSeconds),
            .init("enlace_central_oldest_open_conflict_seconds", "Age of the oldest open conflict (0 when none is open).",
                  oldest.map { Double(max(0, now - $0)) / 1000 } ?? 0),
        ]
        for node in try await server.deskNodes() where !node.revoked {
            let labels = [("node", node.node), ("department", node.department)]
            readings.append(.init("enlace_central_node_last_contact_timestamp_seconds",
                                  "When the node last pulled (Unix seconds; 0 when it never has).", labels: labels,
                                  Double(node.contact?.at ?? 0) / 1000))
            readings.append(.init("enlace_central_node_quarantined_entries", "The node's entries kept without applying them.", labels: labels,
                                  Double(node.quarantined)))
            if let contact = node.contact {
                readings.append(.init("enlace_central_node_behind_entries", "Feed entries the node has not pulled yet.", labels: labels,
                                      Double(max(0, lag.head - contact.position))))
            }
            if let skew = node.skew {
                readings.append(.init("enlace_central_node_clock_skew_seconds", "The node's clock minus the central server's, last seen.",
                                      labels: labels, Double(skew) / 1000))
            }
        }
        return readings
    }
}
