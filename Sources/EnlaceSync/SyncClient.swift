import EnlaceHTTP
import EnlaceModel
import EnlaceStore
import Foundation

/// What one sync round moved.
public struct RoundReport: Sendable {
    /// Own entries the central server newly stored.
    public var pushed = 0
    /// Entries pulled and newly stored here.
    public var pulled = 0
    /// Conflicts opened here by what was pulled.
    public var conflictsOpened = 0
    /// How long the round took.
    public var durationMillis = 0

    /// The JSON of `POST /v1/sync`.
    public var json: JSONValue {
        ["pushed": .int(Int64(pushed)), "pulled": .int(Int64(pulled)),
         "conflicts_opened": .int(Int64(conflictsOpened)), "duration_ms": .int(Int64(durationMillis))]
    }
}

/// Runs sync rounds for one node: push its own entries the central server lacks, then pull the
/// feed after its checkpoint, page by page. Blocking; call it off the cooperative threads.
public struct SyncClient: Sendable {
    /// The node's store.
    public let store: JournalStore
    /// The node's identity (its id, central URL and token).
    public let identity: ReplicaIdentity
    /// Batch size, timeouts, TLS, proxy.
    public let configuration: SyncConfiguration
    /// Where batch latencies and moved entries are counted.
    public let metrics: SyncMetrics
    /// The node's signing key: it signs the head of each pushed batch.
    public let key: ReplicaKey

    public init(
        store: JournalStore, identity: ReplicaIdentity, key: ReplicaKey, configuration: SyncConfiguration,
        metrics: SyncMetrics = SyncMetrics()
    ) {
        self.store = store
        self.identity = identity
        self.key = key
        self.configuration = configuration
        self.metrics = metrics
    }

    /// One round (push then pull); records its outcome for `enlace status`.
    public func round() throws(SyncError) -> RoundReport {
        let start = Date()
        do {
            var report = try runRound()
            report.durationMillis = Int(Date().timeIntervalSince(start) * 1000)
            try? store.recordRound(at: RFC3339.format(millis: Int64(Date().timeIntervalSince1970 * 1000)), error: nil)
            return report
        } catch {
            try? store.recordRound(at: RFC3339.format(millis: Int64(Date().timeIntervalSince1970 * 1000)), error: error.message)
            throw error
        }
    }

    private func runRound() throws(SyncError) -> RoundReport {
        if let problem = TransportPolicy.problem(centralURL: identity.centralURL) { throw SyncError(.failed, problem) }
        var http = HTTPClientConfiguration()
        http.connectTimeoutMillis = configuration.connectTimeoutMillis
        http.lowSpeedSeconds = configuration.lowSpeedSeconds
        http.totalTimeoutMillis = configuration.requestTimeoutMillis
        http.maxResponseBytes = configuration.maxResponseBytes
        http.caFile = configuration.caFile
        http.proxy = configuration.proxy
        let client: HTTPClient
        do { client = try HTTPClient(configuration: http) } catch { throw SyncError(.failed, error.message) }
        var report = RoundReport()
        try push(client, &report)
        try pull(client, &report)
        return report
    }

    private func push(_ client: HTTPClient, _ report: inout RoundReport) throws(SyncError) {
        var restarts = 0
        while true {
            let state = try local { try store.syncState() }
            let bodies = try local { try store.ownEntries(of: identity.nodeID, after: state.pushedSeq, limit: configuration.batchSize) }
            if bodies.isEmpty { return }
            // Sign the batch's head: the hash of its last entry vouches for the whole chain.
            let lastSeq = state.pushedSeq + UInt64(bodies.count)
            let lastHash = EntryChain.hash(bodies[bodies.count - 1])
            let signature: String
            do { signature = try key.signHead(origin: identity.nodeID, seq: lastSeq, hash: lastHash) } catch {
                throw SyncError(.failed, "cannot sign the batch: \(error)")
            }
            let head = ChainHead(origin: identity.nodeID.rawValue, seq: lastSeq, hash: lastHash, signature: signature, publicKey: key.publicKey)
            let headText = String(decoding: (try? JSONEncoder().encode(head)) ?? Data(), as: UTF8.self)
            let body = Array(("{\"entries\":[" + bodies.joined(separator: ",") + "],\"head\":" + headText + "}").utf8)
            let started = Date()
            let (status, data) = try send(client, "POST", "/v1/sync/push", body: body)
            metrics.observeBatch(seconds: Date().timeIntervalSince(started))
            if status == 409, let hint = try? JSONDecoder().decode(SyncWire.ErrorResponse.self, from: data),
               let expected = hint.expectedSeq, restarts < 3
            {
                // Only a seq this node has written can be resent from.
                guard expected >= 1, expected <= state.pushedSeq + 1 else {
                    throw SyncError(.failed, "the central server asks to resend from seq \(expected), which this node never wrote")
                }
                // The central server lacks earlier entries (e.g. restored from a backup): resend from there.
                restarts += 1
                try local { try store.recordPushed(through: expected - 1, storeID: state.centralStoreID ?? "") }
                continue
            }
            try check(status, data)
            guard let answer = try? JSONDecoder().decode(SyncWire.PushResponse.self, from: data) else {
                throw SyncError(.failed, "the central server's push answer is not understood")
            }
            if let known = state.centralStoreID, known != answer.storeID, restarts < 3 {
                // A different central store: start over; identical entries are no-ops on both sides.
                restarts += 1
                try local { try store.resetCheckpoint(storeID: answer.storeID) }
                continue
            }
            // A push is atomic: the central server now holds at least through the batch's head
            // (more when an earlier answer was lost), and never more than this node wrote.
            let written = try local { try store.read { try $0.lastSeq(of: identity.nodeID) } }
            guard answer.lastSeq >= lastSeq, answer.lastSeq <= written, answer.stored >= 0, answer.duplicates >= 0 else {
                throw SyncError(.failed, "the central server's push answer does not acknowledge the batch through seq \(lastSeq)")
            }
            report.pushed += answer.stored
            metrics.recordEntries(pushed: answer.stored)
            let signed = answer.lastSeq == lastSeq ? StoredHead(origin: head.origin, seq: lastSeq, hash: lastHash, signature: signature) : nil
            try local { try store.recordPushed(through: answer.lastSeq, storeID: answer.storeID, head: signed) }
        }
    }

    private func pull(_ client: HTTPClient, _ report: inout RoundReport) throws(SyncError) {
        var resets = 0
        while true {
            let state = try local { try store.syncState() }
            var path = "/v1/sync/pull?after=\(state.pullPosition)&limit=\(configuration.batchSize)"
            if let entry = state.pullEntry { path += "&after_entry=\(entry)" }
            let started = Date()
            let (status, data) = try send(client, "GET", path, body: nil)
            if status == 409, (try? JSONDecoder().decode(SyncWire.ErrorResponse.self, from: data))?.reset == true, resets < 2 {
                resets += 1
                try local { try store.resetCheckpoint(storeID: state.centralStoreID) }
                continue
            }
            try check(status, data)
            let page: SyncWire.PullResponse
            do { page = try JSONDecoder().decode(SyncWire.PullResponse.self, from: data) } catch {
                throw SyncError(.failed, "the central server's feed page is not understood (\(SyncWire.describe(error)))")
            }
            if let known = state.centralStoreID, known != page.storeID, resets < 2 {
                resets += 1
                try local { try store.resetCheckpoint(storeID: page.storeID) }
                continue
            }
            // The cursor only moves forward, so a round always ends.
            guard page.nextPosition >= 0, !page.more || page.nextPosition > state.pullPosition else {
                throw SyncError(.failed, "the central server's feed does not advance past position \(state.pullPosition)")
            }
            let heads = try verify(page, client)
            let outcome: AppendOutcome
            do {
                outcome = try store.applyPulled(page.entries, heads: heads, position: page.nextPosition, entry: page.nextEntry, storeID: page.storeID)
            } catch let error as StoreError {
                throw SyncError(.untrusted, "refused a page from the central server: \(error)")
            } catch {
                throw SyncError(.failed, "local store: \(error)")
            }
            metrics.observeBatch(seconds: Date().timeIntervalSince(started))
            metrics.recordEntries(pulled: outcome.applied.count)
            report.pulled += outcome.applied.count
            report.conflictsOpened += outcome.conflictsOpened.count
            if !page.more { return }
        }
    }

    /// Checks a pulled page before storing it: each origin's entries end at a head whose hash
    /// is their last entry's and whose signature holds under the origin's pinned key (chain
    /// links are checked as they are stored). Keys are pinned on first sight.
    private func verify(_ page: SyncWire.PullResponse, _ client: HTTPClient) throws(SyncError) -> [StoredHead] {
        var lastByOrigin: [String: JournalEntry] = [:]
        var byID: [EntryID: JournalEntry] = [:]
        for entry in page.entries {
            lastByOrigin[entry.id.origin.rawValue] = entry
            byID[entry.id] = entry
        }
        var keys = try local { try store.pinnedKeys() }
        if lastByOrigin.keys.contains(where: { keys[$0] == nil }) {
            let (status, data) = try send(client, "GET", "/v1/sync/keys", body: nil)
            try check(status, data)
            guard let offered = (try? JSONDecoder().decode(JSONValue.self, from: data))?["keys"]?.objectValue else {
                throw SyncError(.failed, "the central server's key list is not understood")
            }
            try local { try store.pinKeys(offered.compactMapValues(\.stringValue), at: RFC3339.format(millis: Int64(Date().timeIntervalSince1970 * 1000))) }
            keys = try local { try store.pinnedKeys() }
        }
        var verified: [StoredHead] = []
        for head in page.heads {
            guard let origin = NodeID(head.origin), let key = keys[head.origin] else {
                throw SyncError(.untrusted, "refused a page from the central server: no key for origin \(head.origin)")
            }
            if let entry = byID[EntryID(origin: origin, seq: head.seq)], EntryChain.hash(EntryCoding.encode(entry)) != head.hash {
                throw SyncError(.untrusted, "refused a page from the central server: entry \(head.origin):\(head.seq) does not match its signed head (altered)")
            }
            guard EntryChain.verifyHead(origin: origin, seq: head.seq, hash: head.hash, signature: head.signature, publicKey: key) else {
                throw SyncError(.untrusted, "refused a page from the central server: the head \(head.origin):\(head.seq) is not signed by \(head.origin) (forged)")
            }
            verified.append(StoredHead(origin: head.origin, seq: head.seq, hash: head.hash, signature: head.signature))
        }
        for (origin, last) in lastByOrigin where !page.heads.contains(where: { $0.origin == origin && $0.seq == last.id.seq }) {
            throw SyncError(.untrusted, "refused a page from the central server: entries of \(origin) up to \(last.id) carry no signed head")
        }
        return verified
    }

    private func send(_ client: HTTPClient, _ method: String, _ path: String, body: [UInt8]?) throws(SyncError) -> (Int, Data) {
        var headers = [("Authorization", "Bearer \(identity.token)"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let base = identity.centralURL.hasSuffix("/") ? String(identity.centralURL.dropLast()) : identity.centralURL
        do {
            let response = try client.perform(HTTPRequest(method: method, url: base + path, headers: headers, body: body))
            return (response.status, Data(response.body))
        } catch {
            if error.kind == .tooLarge { throw SyncError(.failed, "central server \(identity.centralURL): \(error.message)") }
            throw SyncError(.unreachable, "central server \(identity.centralURL) unreachable: \(error.message)")
        }
    }

    private func check(_ status: Int, _ data: Data) throws(SyncError) {
        guard !(200..<300).contains(status) else { return }
        let reason = (try? JSONDecoder().decode(SyncWire.ErrorResponse.self, from: data))?.error ?? "no reason given"
        throw SyncError(.rejected(status: status), "central server answered \(status): \(reason)")
    }

    private func local<T>(_ body: () throws -> T) throws(SyncError) -> T {
        do { return try body() } catch { throw SyncError(.failed, "local store: \(error)") }
    }
}
