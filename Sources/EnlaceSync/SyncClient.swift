import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation
import Metrics

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
    /// The node's signing key: it signs the head of each pushed batch.
    public let key: ReplicaKey

    public init(store: JournalStore, identity: ReplicaIdentity, key: ReplicaKey, configuration: SyncConfiguration) {
        self.store = store
        self.identity = identity
        self.key = key
        self.configuration = configuration
    }

    /// One round (push then pull); records its outcome for `enlace status` and the metrics.
    public func round() throws(SyncError) -> RoundReport {
        let start = ContinuousClock.now
        do {
            var report = try runRound()
            report.durationMillis = Int((ContinuousClock.now - start) / .milliseconds(1))
            try? store.recordRound(at: SystemClock.now, error: nil)
            SyncMetrics.rounds(succeeded: true)
            return report
        } catch {
            try? store.recordRound(at: SystemClock.now, error: error.message)
            SyncMetrics.rounds(succeeded: false)
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
        let client: JSONClient
        do {
            client = try JSONClient(
                baseURL: identity.centralURL, headers: [("Authorization", "Bearer \(identity.token)"), ("Accept", "application/json")],
                configuration: http)
        } catch {
            throw SyncError(.failed, error.message)
        }
        var report = RoundReport()
        try push(client, &report)
        try pull(client, &report)
        return report
    }

    private func push(_ client: JSONClient, _ report: inout RoundReport) throws(SyncError) {
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
            let started = ContinuousClock.now
            let answer = try send(client, "POST", Route.push, body: PushRequest.encode(entries: bodies, head: head))
            SyncMetrics.batch(ContinuousClock.now - started)
            if answer.status == 409, let expected = ErrorAnswer.decode(answer.body)?.expectedSeq, restarts < 3 {
                // Only a seq this node has written can be resent from.
                guard expected >= 1, expected <= state.pushedSeq + 1 else {
                    throw SyncError(.failed, "the central server asks to resend from seq \(expected), which this node never wrote")
                }
                // The central server lacks earlier entries (e.g. restored from a backup): resend from there.
                restarts += 1
                try local { try store.recordPushed(through: expected - 1, storeID: state.centralStoreID ?? "") }
                continue
            }
            try check(answer)
            let pushed: PushResponse
            do { pushed = try PushResponse.decode(answer.body) } catch { throw SyncError(.failed, error.description) }
            if let known = state.centralStoreID, known != pushed.storeID, restarts < 3 {
                // A different central store: start over; identical entries are no-ops on both sides.
                restarts += 1
                try local { try store.resetCheckpoint(storeID: pushed.storeID) }
                continue
            }
            // A push is atomic: the central server now holds at least through the batch's head
            // (more when an earlier answer was lost), and never more than this node wrote.
            let written = try local { try store.read { try $0.lastSeq(of: identity.nodeID) } }
            guard pushed.lastSeq >= lastSeq, pushed.lastSeq <= written, pushed.stored >= 0, pushed.duplicates >= 0 else {
                throw SyncError(.failed, "the central server's push answer does not acknowledge the batch through seq \(lastSeq)")
            }
            report.pushed += pushed.stored
            SyncMetrics.entries(pushed: pushed.stored)
            let signed = pushed.lastSeq == lastSeq
                ? StoredHead(origin: head.origin, seq: lastSeq, hash: lastHash, signature: signature) : nil
            try local { try store.recordPushed(through: pushed.lastSeq, storeID: pushed.storeID, head: signed) }
        }
    }

    private func pull(_ client: JSONClient, _ report: inout RoundReport) throws(SyncError) {
        var resets = 0
        while true {
            let state = try local { try store.syncState() }
            let cursor = state.pullCursor
            let started = ContinuousClock.now
            let answer = try send(client, "GET", Route.pull(after: cursor.position, entry: cursor.entry, limit: configuration.batchSize),
                                  body: nil)
            if answer.status == 409, ErrorAnswer.decode(answer.body)?.reset == true, resets < 2 {
                resets += 1
                try local { try store.resetCheckpoint(storeID: state.centralStoreID) }
                continue
            }
            try check(answer)
            let page: PullPage
            do { page = try PullPage.decode(answer.body) } catch { throw SyncError(.failed, error.description) }
            if let known = state.centralStoreID, known != page.storeID, resets < 2 {
                resets += 1
                try local { try store.resetCheckpoint(storeID: page.storeID) }
                continue
            }
            // The cursor only moves forward, so a round always ends.
            guard page.nextPosition >= 0, !page.more || page.nextPosition > cursor.position else {
                throw SyncError(.failed, "the central server's feed does not advance past position \(cursor.position)")
            }
            let heads = try verify(page, client)
            let outcome: AppendOutcome
            do {
                outcome = try store.applyPulled(
                    page.entries, heads: heads, next: FeedCursor(position: page.nextPosition, entry: page.nextEntry), storeID: page.storeID)
            } catch let error as StoreError {
                throw SyncError(.untrusted, "refused a page from the central server: \(error)")
            } catch let error as ValidationError {
                throw SyncError(.untrusted, "refused a page from the central server: \(error)")
            } catch {
                throw SyncError(.failed, "local store: \(error)")
            }
            SyncMetrics.batch(ContinuousClock.now - started)
            SyncMetrics.entries(pulled: outcome.applied.count)
            report.pulled += outcome.applied.count
            report.conflictsOpened += outcome.conflictsOpened.count
            if !page.more { return }
        }
    }

    /// Checks a pulled page before storing it: each origin's entries end at a head whose hash
    /// is their last entry's and whose signature holds under the origin's pinned key (chain
    /// links are checked as they are stored). Keys are pinned on first sight.
    private func verify(_ page: PullPage, _ client: JSONClient) throws(SyncError) -> [StoredHead] {
        var lastByOrigin: [NodeID: JournalEntry] = [:]
        var byID: [EntryID: JournalEntry] = [:]
        for entry in page.entries {
            lastByOrigin[entry.id.origin] = entry
            byID[entry.id] = entry
        }
        var keys = try local { try store.pinnedKeys() }
        if lastByOrigin.keys.contains(where: { keys[$0.rawValue] == nil }) {
            let answer = try send(client, "GET", Route.keys, body: nil)
            try check(answer)
            guard let offered = answer.json["keys"]?.objectValue else {
                throw SyncError(.failed, "the central server's key list is not understood")
            }
            do { try store.pinKeys(offered.compactMapValues(\.stringValue), at: SystemClock.now) } catch let error as StoreError {
                throw SyncError(.untrusted, "refused the central server's keys: \(error)")
            } catch {
                throw SyncError(.failed, "local store: \(error)")
            }
            keys = try local { try store.pinnedKeys() }
        }
        var verified: [StoredHead] = []
        for head in page.heads {
            guard let origin = NodeID(head.origin) else {
                throw SyncError(.untrusted, "refused a page from the central server: a head names no valid origin")
            }
            guard let key = keys[head.origin] else {
                throw SyncError(.untrusted, "refused a page from the central server: no key for origin \(origin)")
            }
            if let entry = byID[EntryID(origin: origin, seq: head.seq)], EntryChain.hash(EntryCoding.encode(entry)) != head.hash {
                throw SyncError(.untrusted,
                                "refused a page from the central server: entry \(origin):\(head.seq) does not match its signed head (altered)")
            }
            guard EntryChain.verifyHead(origin: origin, seq: head.seq, hash: head.hash, signature: head.signature, publicKey: key) else {
                throw SyncError(.untrusted,
                                "refused a page from the central server: the head \(origin):\(head.seq) is not signed by \(origin) (forged)")
            }
            verified.append(StoredHead(origin: head.origin, seq: head.seq, hash: head.hash, signature: head.signature))
        }
        for (origin, last) in lastByOrigin where !page.heads.contains(where: { $0.origin == origin.rawValue && $0.seq == last.id.seq }) {
            throw SyncError(.untrusted, "refused a page from the central server: entries of \(origin) up to \(last.id) carry no signed head")
        }
        return verified
    }

    private func send(_ client: JSONClient, _ method: String, _ path: String, body: [UInt8]?) throws(SyncError) -> JSONClient.Answer {
        do {
            return try client.call(method, path, raw: body)
        } catch {
            if error.kind == .tooLarge { throw SyncError(.failed, "central server \(identity.centralURL): \(error.message)") }
            throw SyncError(.unreachable, "central server \(identity.centralURL) unreachable: \(error.message)")
        }
    }

    private func check(_ answer: JSONClient.Answer) throws(SyncError) {
        guard !answer.isSuccess else { return }
        let reason = ErrorAnswer.decode(answer.body)?.error ?? "no reason given"
        throw SyncError(.rejected(status: answer.status), "central server answered \(answer.status): \(reason)")
    }

    private func local<T>(_ body: () throws -> T) throws(SyncError) -> T {
        do { return try body() } catch { throw SyncError(.failed, "local store: \(error)") }
    }
}
