import Crypto
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation

/// A round's pull: the feed after the node's checkpoint, page by page, each verified
/// (`PageVerifier`) before it is stored with its keys and scope changes; a replaced central
/// store resets the checkpoint, and a central server holding more of the node's own chain
/// than the node starts its recovery.
struct Puller: RoundPart {
    let context: RoundContext
    let recovery: RestoreRecovery

    func pull(_ report: inout RoundReport) async throws(SyncError) {
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
            head = try await store.ownHead().map { ChainHead(id: $0.id, hash: $0.hash, signature: try key.signHead($0.id, hash: $0.hash)) }
        } catch {
            throw SyncError(.failed, "local store: \(error)")
        }
        while true {
            let state = try await local { try await store.syncState() }
            let cursor = state.pullCursor
            let started = ContinuousClock.now
            let answer = try await session.send("GET", Route.pull(after: cursor.position, entry: cursor.entry, limit: configuration.batchSize,
                                                            scopeAfter: state.scopePosition, historyAfter: state.scopeHistoryAfter, head: head),
                                          body: [], contentType: nil, signer: key)
            if answer.status == 409, ErrorAnswer.decode(answer.body)?.reset == true, resets < 2 {
                resets += 1
                try await local { try await store.resetCheckpoint(storeID: state.centralStoreID) }
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
                if held > (try await local { try await store.read { try await $0.lastSeq(of: own) } }) {
                    try await recovery.openEpoch(&report)
                    continue
                }
            }
            let page: PullPage
            do { page = try PullPage.decode(answer.body) } catch { throw SyncError(.malformed, error.description) }
            if let known = state.centralStoreID, known != page.storeID, resets < 2 {
                resets += 1
                try await local { try await store.resetCheckpoint(storeID: page.storeID) }
                continue
            }
            // The cursor only moves forward, so a round always ends.
            guard page.nextPosition >= 0,
                  !page.more || page.nextPosition > cursor.position || page.scopeNext > state.scopePosition
                    || page.scopeHistoryAfter > state.scopeHistoryAfter else {
                throw SyncError(.malformed, "the central server's feed does not advance past position \(cursor.position)")
            }
            let (anchor, directory) = try await local { try await store.read { await (try $0.anchorKey(), try $0.directory()) } }
            let heads = try PageVerifier.verify(page, anchor: anchor, directory: directory)
            let outcome: AppendOutcome
            do {
                outcome = try await store.applyPulled(
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

    /// Opens the keys of a page with this node's key (the next one too, while a rotation is
    /// under way).
    func openKeys(_ bundle: KeyBundle) throws -> CaseKeySet {
        guard !bundle.items.isEmpty else { return CaseKeySet() }
        let sealed = bundle.sealed
        for candidate in [keys.current] + (keys.next.map { [$0] } ?? []) {
            if let opened = try? KeyWrap.openBundle(encapsulated: bundle.encapsulated, sealed, with: candidate) { return opened }
        }
        throw StoreError.brokenChain("the page's case keys do not open with this node's key")
    }
}
