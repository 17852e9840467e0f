import Crypto
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation

/// What a round does after a restore on either side: a node restored from an older copy opens a
/// new epoch and re-makes what never left; a central server restored from a copy gets back, by
/// relay, every chain this node holds further than it does.
struct RestoreRecovery: RoundPart {
    let context: RoundContext
    let pusher: Pusher

    /// The central server holds a different entry at one of this node's ids: the node was
    /// restored from an older copy. It asks for a new epoch, and sets aside its own entries the
    /// central server has not acknowledged; the pull then adopts what the central server holds.
    func openEpoch(_ report: inout RoundReport) async throws(SyncError) {
        let from = try await local { try await store.syncState().pushed.epoch }
        let answer = try await session.send("POST", Route.epoch, body: [], contentType: nil, signer: key)
        try check(answer)
        guard let epoch = try? EpochAnswer.decode(answer.body).epoch, epoch > from else {
            throw SyncError(.malformed, "the central server's answer to a new epoch names none after \(from)")
        }
        let setAside = try await local { try await store.beginEpoch(epoch, at: SystemClock.now) }
        report.recovery = RecoveryReport(fromEpoch: from, toEpoch: epoch, setAside: setAside)
    }

    /// After a complete pull: every set-aside entry is adopted (the central server held it) or
    /// re-made in the new epoch, and what was re-made is pushed.
    func reissue(_ report: inout RoundReport) async throws(SyncError) {
        guard try await local({ try await store.pendingReissues() }) > 0 else { return }
        let result = try await local { try await store.reissue(physicalMillis: SystemClock.millis()) }
        let epoch = try await local { try await store.syncState().pushed.epoch }
        var recovery = report.recovery ?? RecoveryReport(toEpoch: epoch)
        recovery.adopted += result.adopted
        recovery.remade += result.remade
        recovery.renumbered += result.renumbered
        report.recovery = recovery
        _ = try await pusher.push(&report)
    }

    /// After the central store changed (restored from a copy, or replaced), once: every chain
    /// this node holds further than the central server — the central server's own entries made
    /// since the copy, other origins' that no longer push — is sent back, each batch under the
    /// origin's signed head this node stored, so the central server verifies it as the origin's.
    /// A chain the central server refuses is left to its origin; the others go on.
    func relay(_ report: inout RoundReport) async throws(SyncError) {
        guard try await local({ try await store.relayPending() }) else { return }
        // The checkpoint reset during this round's pull: the node's own entries go first.
        if try await pusher.push(&report) == .diverged { return }
        let answer = try await session.send("GET", Route.holdings, body: [], contentType: nil, signer: key)
        try check(answer)
        let held: [ReplicaID: UInt64]
        do { held = try HoldingsAnswer.decode(answer.body).chains } catch { throw SyncError(.malformed, error.description) }
        let own = try await local { try await store.syncState().pushed.replica }
        let mine = try await local { try await store.read { try await $0.heldChains() } }
        // The central server's own chains first: they carry the directory the others verify under.
        let behind = mine.filter { $0.key != own && $0.value > held[$0.key] ?? 0 }.keys
            .sorted { ($0.node == .central ? 0 : 1, $0.node.rawValue, $0.epoch) < ($1.node == .central ? 0 : 1, $1.node.rawValue, $1.epoch) }
        for replica in behind {
            var after = held[replica] ?? 0
            while let batch = try await local({ try await store.relayBatch(of: replica, after: after, limit: configuration.batchSize) }) {
                let head = ChainHead(id: batch.head.id, hash: batch.head.hash, signature: batch.head.signature)
                let request = await PushRequest(head: head, entries: batch.entries, keys: try pusher.keyBundle(of: batch.entries))
                let answer = try await session.send("POST", Route.relay, body: request.bytes,
                                              contentType: PushRequest.mediaType, signer: key)
                guard answer.status == 200, let relayed = try? PushResponse.decode(answer.body) else { break }
                report.relayed += relayed.stored
                after = batch.head.id.seq
            }
        }
        try await local { try await store.relayDone() }
    }
}
