import Crypto
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation

/// Runs sync rounds for one node: its first contact (binding its own keys), then push its own
/// entries the central server lacks and pull the feed after its checkpoint, page by page, every
/// page verified against the anchor and the journalled directory before it is stored. Every
/// request carries the node's token and its signature. Blocking; call it off the cooperative
/// threads.
public struct SyncClient: Sendable {
    /// The node's store.
    public let store: JournalStore
    /// The node's identity (its id and epoch, central URL and token).
    public let identity: ReplicaIdentity
    /// Batch size, timeouts, TLS, proxy.
    public let configuration: SyncConfiguration
    /// The node's own keys: they sign every request and the head of each pushed batch.
    public let keys: NodeKeys
    /// The key in force.
    var key: ReplicaKey { keys.current }

    public init(store: JournalStore, identity: ReplicaIdentity, keys: NodeKeys, configuration: SyncConfiguration) {
        self.store = store
        self.identity = identity
        self.keys = keys
        self.configuration = configuration
    }

    /// A client whose keys are held in memory.
    public init(store: JournalStore, identity: ReplicaIdentity, key: ReplicaKey, configuration: SyncConfiguration) {
        self.init(store: store, identity: identity, keys: NodeKeys(current: key), configuration: configuration)
    }

    /// One round (first contact if needed, push, pull); records its outcome for `enlace status`
    /// and the metrics.
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
            client = try JSONClient(baseURL: identity.centralURL, headers: [("Authorization", "Bearer \(identity.token)")], configuration: http)
        } catch {
            throw SyncError(.failed, error.message)
        }
        let session = Session(client: client, store: store, node: identity.nodeID,
                              offset: try local { try store.syncState().clockOffsetMillis })
        try bindIfNeeded(session)
        var report = RoundReport()
        if try push(session, &report) == .diverged { try openEpoch(session, &report) }
        try rotateIfAsked(session)
        try pull(session, &report)
        try reissue(session, &report)
        try relay(session, &report)
        return report
    }

    /// After the central store changed (restored from a copy, or replaced), once: every chain
    /// this node holds further than the central server — the central server's own entries made
    /// since the copy, other origins' that no longer push — is sent back, each batch under the
    /// origin's signed head this node stored, so the central server verifies it as the origin's.
    /// A chain the central server refuses is left to its origin; the others go on.
    private func relay(_ session: Session, _ report: inout RoundReport) throws(SyncError) {
        guard try local({ try store.relayPending() }) else { return }
        // The checkpoint reset during this round's pull: the node's own entries go first.
        if try push(session, &report) == .diverged { return }
        let answer = try session.send("GET", Route.holdings, body: [], contentType: nil, signer: key)
        try check(answer)
        let held: [ReplicaID: UInt64]
        do { held = try HoldingsAnswer.decode(answer.body).chains } catch { throw SyncError(.malformed, error.description) }
        let own = try local { try store.syncState().pushed.replica }
        let mine = try local { try store.read { try $0.heldChains() } }
        // The central server's own chains first: they carry the directory the others verify under.
        let behind = mine.filter { $0.key != own && $0.value > held[$0.key] ?? 0 }.keys
            .sorted { ($0.node == .central ? 0 : 1, $0.node.rawValue, $0.epoch) < ($1.node == .central ? 0 : 1, $1.node.rawValue, $1.epoch) }
        for replica in behind {
            var after = held[replica] ?? 0
            while let batch = try local({ try store.relayBatch(of: replica, after: after, limit: configuration.batchSize) }) {
                let head = ChainHead(id: batch.head.id, hash: batch.head.hash, signature: batch.head.signature)
                let request = PushRequest(head: head, entries: batch.entries, keys: try keyBundle(of: batch.entries))
                let answer = try session.send("POST", Route.relay, body: request.bytes,
                                              contentType: PushRequest.mediaType, signer: key)
                guard answer.status == 200, let relayed = try? PushResponse.decode(answer.body) else { break }
                report.relayed += relayed.stored
                after = batch.head.id.seq
            }
        }
        try local { try store.relayDone() }
    }

    /// The central server holds a different entry at one of this node's ids: the node was
    /// restored from an older copy. It asks for a new epoch, and sets aside its own entries the
    /// central server has not acknowledged; the pull then adopts what the central server holds.
    private func openEpoch(_ session: Session, _ report: inout RoundReport) throws(SyncError) {
        let from = try local { try store.syncState().pushed.epoch }
        let answer = try session.send("POST", Route.epoch, body: [], contentType: nil, signer: key)
        try check(answer)
        guard let epoch = try? EpochAnswer.decode(answer.body).epoch, epoch > from else {
            throw SyncError(.malformed, "the central server's answer to a new epoch names none after \(from)")
        }
        let setAside = try local { try store.beginEpoch(epoch, at: SystemClock.now) }
        report.recovery = RecoveryReport(fromEpoch: from, toEpoch: epoch, setAside: setAside)
    }

    /// After a complete pull: every set-aside entry is adopted (the central server held it) or
    /// re-made in the new epoch, and what was re-made is pushed.
    private func reissue(_ session: Session, _ report: inout RoundReport) throws(SyncError) {
        guard try local({ try store.pendingReissues() }) > 0 else { return }
        let result = try local { try store.reissue(physicalMillis: SystemClock.millis()) }
        let epoch = try local { try store.syncState().pushed.epoch }
        var recovery = report.recovery ?? RecoveryReport(toEpoch: epoch)
        recovery.adopted += result.adopted
        recovery.remade += result.remade
        recovery.renumbered += result.renumbered
        report.recovery = recovery
        _ = try push(session, &report)
    }

    /// The node's first contact: its own keys are bound, signed with the key its enrollment
    /// token derives; the token's secret is then forgotten.
    private func bindIfNeeded(_ session: Session) throws(SyncError) {
        guard let secret = try local({ try store.pendingEnrollment() }) else { return }
        let binding = KeyBinding(signingKey: key.signingPublicKey, agreementKey: key.agreementPublicKey,
                                 from: EntryID(replica: try local { try store.syncState().pushed.replica }, seq: 1))
        let answer = try session.send("POST", Route.bind, body: Array(binding.json.utf8), contentType: "application/json",
                                      signer: ReplicaKey.enrollment(secret: secret))
        try check(answer)
        try local { try store.completeEnrollment(at: SystemClock.now) }
    }

    /// A key rotation the node's admin asked for: the next key is bound, signed with the current
    /// one, from the first entry the central server does not hold yet; then it signs everything.
    private func rotateIfAsked(_ session: Session) throws(SyncError) {
        guard let next = keys.next else { return }
        // The vault opens with the next key too before the switch, so no moment exists when the
        // store's key opens nothing.
        try local { try store.wrapVault(to: next) }
        let state = try local { try store.syncState() }
        let replica = state.pushed.replica
        let pushedHere = state.pushed.seq
        let binding = KeyBinding(signingKey: next.signingPublicKey, agreementKey: next.agreementPublicKey,
                                 from: EntryID(replica: replica, seq: pushedHere + 1))
        let answer = try session.send("POST", Route.rotate, body: Array(binding.json.utf8), contentType: "application/json", signer: key)
        try check(answer)
        do { try keys.rotated() } catch { throw SyncError(.failed, "the central server accepted the new key, but: \(error)") }
        // The old private key is gone: its wrap of the vault goes too.
        try local { try store.retireVaultWraps(keeping: keys.current) }
    }

    /// How a push ended.
    enum PushEnd { case done, diverged }

    private func push(_ session: Session, _ report: inout RoundReport) throws(SyncError) -> PushEnd {
        var restarts = 0
        while true {
            let state = try local { try store.syncState() }
            let entries = try local { try store.ownEntries(after: state.pushed, limit: configuration.batchSize) }
            guard let last = entries.last else { return .done }
            let replica = last.id.replica
            // Sign the batch's head: the hash of its last envelope vouches for the whole chain.
            let hash = last.envelope.hash
            let signature: [UInt8]
            do { signature = try key.signHead(last.id, hash: hash) } catch { throw SyncError(.failed, "cannot sign the batch: \(error)") }
            let head = ChainHead(id: last.id, hash: hash, signature: signature)
            let started = ContinuousClock.now
            let request = PushRequest(head: head, entries: entries, keys: try keyBundle(of: entries))
            let answer = try session.send("POST", Route.push, body: request.bytes,
                                          contentType: PushRequest.mediaType, signer: key)
            SyncMetrics.batch(ContinuousClock.now - started)
            let resumeFrom = state.pushed.replica == replica ? state.pushed.seq : 0
            if answer.status == 409, let expected = ErrorAnswer.decode(answer.body)?.expectedSeq, restarts < 3 {
                // Only a seq this node has written can be resent from.
                guard expected >= 1, expected <= resumeFrom + 1 else {
                    throw SyncError(.malformed, "the central server asks to resend from seq \(expected), which this node never wrote")
                }
                // The central server lacks earlier entries (e.g. restored from a backup): resend from there.
                restarts += 1
                try local { try store.recordPushed(through: EntryID(replica: replica, seq: expected - 1), storeID: state.centralStoreID ?? "") }
                continue
            }
            if answer.status == 409, ErrorAnswer.decode(answer.body)?.heldThrough != nil, report.recovery == nil {
                return .diverged
            }
            try check(answer)
            let pushed: PushResponse
            do { pushed = try PushResponse.decode(answer.body) } catch { throw SyncError(.malformed, error.description) }
            if let known = state.centralStoreID, known != pushed.storeID, restarts < 3 {
                // A different central store: start over; identical entries are no-ops on both sides.
                restarts += 1
                try local { try store.resetCheckpoint(storeID: pushed.storeID) }
                continue
            }
            // A push is atomic: the central server now holds at least through the batch's head
            // (more when an earlier answer was lost), and never more than this node wrote.
            let written = try local { try store.read { try $0.lastSeq(of: replica) } }
            guard pushed.lastSeq >= last.id.seq, pushed.lastSeq <= written else {
                throw SyncError(.malformed, "the central server's push answer does not acknowledge the batch through \(last.id)")
            }
            report.pushed += pushed.stored
            SyncMetrics.entries(pushed: pushed.stored)
            // Entries stamped too far ahead (a clock that ran ahead) are re-made with the clock
            // corrected by the offset this round measured, and pushed in the next batch.
            let corrected = SystemClock.millis().addingReportingOverflow(session.offset)
            let remade = try local {
                try store.recordPushed(through: EntryID(replica: replica, seq: pushed.lastSeq), storeID: pushed.storeID,
                                       quarantined: pushed.quarantined.count, remake: pushed.ahead.compactMap(EntryID.init),
                                       physicalMillis: corrected.overflow ? SystemClock.millis() : corrected.partialValue)
            }
            report.retimed += remade
        }
    }

    private func pull(_ session: Session, _ report: inout RoundReport) throws(SyncError) {
        var resets = 0
        var checkedHeld = false
        // After the last page that brought entries, one more (usually empty) pull tells the
        // central server this node now holds them: the office sees a decision as received
        // when the node has stored it, not a round later.
        var acknowledged = false
        // Where the node's own chain stands, signed: a page that tells it a case left its
        // department's scope fixes its later entries to the case as written after it knew.
        let head: ChainHead?
        do {
            head = try store.ownHead().map { ChainHead(id: $0.id, hash: $0.hash, signature: try key.signHead($0.id, hash: $0.hash)) }
        } catch {
            throw SyncError(.failed, "local store: \(error)")
        }
        while true {
            let state = try local { try store.syncState() }
            let cursor = state.pullCursor
            let started = ContinuousClock.now
            let answer = try session.send("GET", Route.pull(after: cursor.position, entry: cursor.entry, limit: configuration.batchSize,
                                                            scopeAfter: state.scopePosition, historyAfter: state.scopeHistoryAfter, head: head),
                                          body: [], contentType: nil, signer: key)
            if answer.status == 409, ErrorAnswer.decode(answer.body)?.reset == true, resets < 2 {
                resets += 1
                try local { try store.resetCheckpoint(storeID: state.centralStoreID) }
                continue
            }
            try check(answer)
            // The central server holds more of this node's own chain than the node: it was
            // restored from an older copy. It recovers as from a diverging push, then pulls again.
            // Asked once per pull (its first page), not per page.
            if report.recovery == nil, !checkedHeld, let text = answer.header(Route.heldThroughHeader) {
                checkedHeld = true
                guard let held = UInt64(text) else { throw SyncError(.malformed, "the central server's \(Route.heldThroughHeader) is not a seq") }
                let own = state.pushed.replica
                if held > (try local { try store.read { try $0.lastSeq(of: own) } }) {
                    try openEpoch(session, &report)
                    continue
                }
            }
            let page: PullPage
            do { page = try PullPage.decode(answer.body) } catch { throw SyncError(.malformed, error.description) }
            if let known = state.centralStoreID, known != page.storeID, resets < 2 {
                resets += 1
                try local { try store.resetCheckpoint(storeID: page.storeID) }
                continue
            }
            // The cursor only moves forward, so a round always ends.
            guard page.nextPosition >= 0,
                  !page.more || page.nextPosition > cursor.position || page.scopeNext > state.scopePosition
                    || page.scopeHistoryAfter > state.scopeHistoryAfter else {
                throw SyncError(.malformed, "the central server's feed does not advance past position \(cursor.position)")
            }
            let heads = try verify(page)
            let outcome: AppendOutcome
            do {
                outcome = try store.applyPulled(
                    page.entries, heads: heads, next: FeedCursor(position: page.nextPosition, entry: page.nextEntry),
                    scope: PulledScope(history: page.history, left: page.left, next: page.scopeNext, historyAfter: page.scopeHistoryAfter),
                    keys: try openKeys(page.keys), storeID: page.storeID)
            } catch let error as StoreError {
                throw SyncError(.untrusted, "refused a page from the central server: \(error)")
            } catch {
                throw SyncError(.failed, "local store: \(error)")
            }
            SyncMetrics.batch(ContinuousClock.now - started)
            SyncMetrics.entries(pulled: outcome.applied.count)
            report.pulled += outcome.applied.count
            report.conflictsOpened += outcome.conflictsOpened.count
            report.casesPurged += outcome.casesPurged
            report.bodiesPurged += outcome.bodiesPurged
            if !page.more {
                if page.entries.isEmpty || acknowledged { return }
                acknowledged = true
            }
        }
    }

    /// The keys of the cases `entries` carry bodies of — data keys, and the location keys this
    /// node holds — sealed to the central server's key (from the enrollment token): the central
    /// server opens the sealed bodies with them.
    private func keyBundle(of entries: [ChainedEntry]) throws(SyncError) -> KeyBundle {
        let cases = Set(entries.compactMap { $0.body.flatMap(JournalEntry.recordKey(ofBody:)) }.filter { $0.type == .caseFile }.map(\.id))
        guard !cases.isEmpty else { return .empty }
        let (keys, central) = try local { (try store.caseKeys(for: cases), try store.centralAgreementKey()) }
        guard let central else {
            throw SyncError(.failed, "this node holds no X25519 key of the central server: initialise it with an enl3_ enrollment token")
        }
        do {
            let (encapsulated, sealed) = try KeyWrap.sealBundle(keys, to: central)
            return KeyBundle(encapsulated: encapsulated, sealed: sealed)
        } catch {
            throw SyncError(.failed, "cannot seal case keys for the central server: \(error)")
        }
    }

    /// Opens the keys of a page with this node's key (the next one too, while a rotation is
    /// under way).
    private func openKeys(_ bundle: KeyBundle) throws -> CaseKeySet {
        guard !bundle.items.isEmpty else { return CaseKeySet() }
        let sealed = bundle.sealed
        for candidate in [keys.current] + (keys.next.map { [$0] } ?? []) {
            if let opened = try? KeyWrap.openBundle(encapsulated: bundle.encapsulated, sealed, with: candidate) { return opened }
        }
        throw StoreError.brokenChain("the page's case keys do not open with this node's key")
    }

    /// Checks a pulled page before storing it: the central server's heads verify under the
    /// anchor key; every other origin's under the key the journalled directory (with this
    /// page's directory events) says it held there; each chain in the page ends at a head that
    /// names its last envelope. Chain links and body commitments are checked as entries are
    /// stored.
    private func verify(_ page: PullPage) throws(SyncError) -> [StoredHead] {
        let (anchor, stored) = try local { try store.read { (try $0.anchorKey(), try $0.directory()) } }
        guard let anchor else { throw SyncError(.failed, "this node has no anchor key: run `enlace node init` with its enrollment token") }
        var directory = stored
        var byID: [EntryID: ChainedEntry] = [:]
        var lastOfChain: [ReplicaID: EntryID] = [:]
        for entry in page.entries {
            byID[entry.id] = entry
            lastOfChain[entry.id.replica] = entry.id
        }
        func refuse(_ reason: String) -> SyncError { SyncError(.untrusted, "refused a page from the central server: \(reason)") }
        for head in page.heads where head.id.origin == .central {
            guard EntryChain.verifyHead(head.id, hash: head.hash, signature: head.signature, publicKey: anchor) else {
                throw refuse("the head \(head.id) is not signed by the central server (forged)")
            }
        }
        for entry in page.entries where entry.id.origin == .central {
            guard let body = entry.body, entry.bodyMatches, body.bytes.count >= 2, body.bytes[1] == BodyKind.directory.rawValue,
                  let event = try? DirectoryEvent(body: body.bytes)
            else { continue }
            directory.apply(event)
        }
        var verified: [StoredHead] = []
        for head in page.heads {
            if let entry = byID[head.id], entry.envelope.hash != head.hash {
                throw refuse("entry \(head.id) does not match its signed head (altered)")
            }
            if head.id.origin != .central {
                guard let key = directory.signingKey(for: head.id) else { throw refuse("no key of \(head.id.origin) vouches for \(head.id)") }
                guard EntryChain.verifyHead(head.id, hash: head.hash, signature: head.signature, publicKey: key) else {
                    throw refuse("the head \(head.id) is not signed by \(head.id.origin) (forged)")
                }
            }
            verified.append(StoredHead(id: head.id, hash: head.hash, signature: head.signature))
        }
        for (replica, last) in lastOfChain where !page.heads.contains(where: { $0.id == last }) {
            throw refuse("entries of \(replica) up to \(last) carry no signed head")
        }
        return verified
    }

    private func check(_ answer: JSONClient.Answer) throws(SyncError) {
        guard !answer.isSuccess else { return }
        let reason = ErrorAnswer.decode(answer.body)?.error ?? "no reason given"
        throw SyncError(.rejected(status: answer.status), "central server answered \(answer.status): \(reason)")
    }

    @discardableResult
    private func local<T>(_ body: () throws -> T) throws(SyncError) -> T {
        do { return try body() } catch { throw SyncError(.failed, "local store: \(StoreError(translating: error).map(String.init(describing:)) ?? "\(error)")") }
    }
}
