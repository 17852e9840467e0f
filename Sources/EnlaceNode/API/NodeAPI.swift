import EnlaceAPI
import EnlaceModel
import EnlaceProtocol
import EnlaceSync
import Hummingbird
import Prometheus

/// The node's local API (openapi/node.yaml), built in one place from its controllers: records,
/// conflicts, status and sync, metrics.
public struct NodeAPI: Sendable {
    /// The node it serves.
    public let node: FieldNode
    /// Largest accepted request body.
    public let maxBodyBytes: Int
    /// Runs one sync round for `POST /v1/sync`.
    public let sync: @Sendable () async throws -> JSONValue
    /// Told after every successful write (schedules a sync round).
    public let onWrite: @Sendable () async -> Void
    /// When the schedule's next round is due (epoch milliseconds), if one is scheduled.
    public let nextRound: @Sendable () async -> Int64?
    /// Where the process's metrics go (`GET /metrics`); none in tests that do not bootstrap them.
    public let metrics: PrometheusCollectorRegistry?

    /// An API over `node`; without a sync engine, `POST /v1/sync` answers 503.
    public init(
        node: FieldNode, maxBodyBytes: Int = 4 << 20,
        sync: @escaping @Sendable () async throws -> JSONValue = { throw APIError(503, "this node has no sync engine configured") },
        onWrite: @escaping @Sendable () async -> Void = {},
        nextRound: @escaping @Sendable () async -> Int64? = { nil },
        metrics: PrometheusCollectorRegistry? = nil
    ) {
        self.node = node
        self.maxBodyBytes = maxBodyBytes
        self.sync = sync
        self.onWrite = onWrite
        self.nextRound = nextRound
        self.metrics = metrics
    }

    /// An API whose `POST /v1/sync` runs a round on `coordinator`, which hears of every write.
    public init(node: FieldNode, coordinator: SyncCoordinator, metrics: PrometheusCollectorRegistry?, maxBodyBytes: Int = 4 << 20) {
        self.init(
            node: node, maxBodyBytes: maxBodyBytes,
            sync: {
                switch await coordinator.syncNow() {
                case .success(let report): return report.json
                case .failure(let error):
                    switch error.kind {
                    case .unreachable: throw APIError(503, error.message)
                    case .rejected, .untrusted, .malformed: throw APIError(502, error.message)
                    case .failed: throw APIError(500, error.message)
                    }
                }
            },
            onWrite: { await coordinator.noteLocalWrite() }, nextRound: { await coordinator.nextRound() }, metrics: metrics)
    }

    /// A router with every route and JSON errors; `access`: what a request to the loopback TCP
    /// listener must show (nil on the Unix socket).
    public func router(access: LocalAccess? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware<BasicRequestContext>())
        if let access { router.add(middleware: LocalAccessMiddleware(access: access)) }
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: WriteNoticeMiddleware(onWrite: onWrite))
        // Liveness, touching nothing: what a probe asks, and the transport's floor in the benchmark.
        router.get("/healthz") { _, _ in JSONResponse.make(#"{"status":"ok"}"#) }
        RecordsController(node: node, maxBodyBytes: maxBodyBytes).addRoutes(to: router)
        NodeSyncController(node: node, sync: sync, nextRound: nextRound).addRoutes(to: router)
        if let metrics {
            let node = self.node
            MetricsEndpoint(registry: metrics) {
                let status = try await node.status()
                let last = status.lastSyncAt.flatMap(RFC3339.parseTimestamp)
                let now = await node.now()
                return [
                    .init("enlace_node_pending_entries", "Own entries the central server has not acknowledged.", Double(status.pendingEntries)),
                    .init("enlace_node_open_conflicts", "Open merge conflicts.", Double(status.openConflicts)),
                    .init("enlace_node_journal_entries", "Entries in the node's journal.", Double(status.journalEntries)),
                    .init("enlace_node_quarantined_entries", "Entries the node keeps without applying them.", Double(status.quarantinedEntries)),
                ] + (last.map { [.init("enlace_node_seconds_since_last_sync", "Seconds since the last successful sync round.",
                                       Double(now - $0) / 1000)] } ?? [])
            }.addRoutes(to: router)
        }
        return router
    }
}

/// Tells the sync schedule about every successful write.
struct WriteNoticeMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let onWrite: @Sendable () async -> Void

    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        if request.method == .post || request.method == .patch, request.uri.path != NodeRoute.sync,
           response.status == .created || response.status == .ok
        {
            await onWrite()
        }
        return response
    }
}
