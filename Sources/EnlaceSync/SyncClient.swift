import Crypto
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation

/// Runs sync rounds for one node: its first contact and key rotations (`KeyExchange`), then
/// push its own entries the central server lacks (`Pusher`) and pull the feed after its
/// checkpoint (`Puller`), page by page, every page verified (`PageVerifier`) before it is
/// stored; recovery from a restore on either side (`RestoreRecovery`) after. Every request carries the
/// node's token and its signature. Blocking; call it off the cooperative threads.
public struct SyncClient: Sendable {
    /// The node's store.
    public let store: any NodeStore
    /// The node's identity (its id and epoch, central URL and token).
    public let identity: ReplicaIdentity
    /// Batch size, timeouts, TLS, proxy.
    public let configuration: SyncConfiguration
    /// The node's own keys: they sign every request and the head of each pushed batch.
    public let keys: NodeKeys
    public init(store: any NodeStore, identity: ReplicaIdentity, keys: NodeKeys, configuration: SyncConfiguration) {
        self.store = store
        self.identity = identity
        self.keys = keys
        self.configuration = configuration
    }

    /// A client whose keys are held in memory.
    public init(store: any NodeStore, identity: ReplicaIdentity, key: ReplicaKey, configuration: SyncConfiguration) {
        self.init(store: store, identity: identity, keys: NodeKeys(current: key), configuration: configuration)
    }

    /// One round (first contact if needed, push, pull); records its outcome for `enlace status`
    /// and the metrics.
    public func round() async throws(SyncError) -> RoundReport {
        let start = ContinuousClock.now
        do {
            var report = try await runRound()
            report.durationMillis = Int((ContinuousClock.now - start) / .milliseconds(1))
            try? await store.recordRound(at: SystemClock.now, error: nil)
            SyncMetrics.rounds(succeeded: true)
            return report
        } catch {
            try? await store.recordRound(at: SystemClock.now, error: error.message)
            SyncMetrics.rounds(succeeded: false)
            throw error
        }
    }

    private func runRound() async throws(SyncError) -> RoundReport {
        if let problem = TransportPolicy.problem(centralURL: identity.centralURL) { throw SyncError(.failed, problem) }
        var http = HTTPClientConfiguration()
        http.connectTimeoutMillis = configuration.connectTimeoutMillis
        http.lowSpeedSeconds = configuration.lowSpeedSeconds
        http.totalTimeoutMillis = configuration.requestTimeoutMillis
        http.maxResponseBytes = configuration.maxResponseBytes
        http.caFile = configuration.caFile
        http.proxy = configuration.proxy
        // Two connections: a push sends its next batch on the second while the central server
        // stores the one before (the second connects only then).
        let clients: [JSONClient]
        do {
            clients = try (0..<2).map { _ throws(HTTPClientError) in
                try JSONClient(baseURL: identity.centralURL, headers: [("Authorization", "Bearer \(identity.token)")], configuration: http)
            }
        } catch {
            throw SyncError(.failed, error.message)
        }
        let session = Session(clients: clients, store: store, node: identity.nodeID,
                              offset: try await RoundContext.local { try await store.syncState().clockOffsetMillis })
        let context = RoundContext(store: store, keys: keys, configuration: configuration, session: session)
        let pusher = Pusher(context: context)
        let recovery = RestoreRecovery(context: context, pusher: pusher)
        let exchange = KeyExchange(context: context)
        try await exchange.bindIfNeeded()
        var report = RoundReport()
        if try await pusher.push(&report) == .diverged { try await recovery.openEpoch(&report) }
        try await exchange.rotateIfAsked()
        try await Puller(context: context, recovery: recovery).pull(&report)
        try await recovery.reissue(&report)
        try await recovery.relay(&report)
        return report
    }
}
