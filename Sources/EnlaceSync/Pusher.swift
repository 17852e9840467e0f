import Crypto
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation

/// A round's push: the node's own entries the central server lacks, batch by batch, each signed
/// at its head, with the keys of the cases they edit sealed to the central server; resent from
/// where the central server says it holds through, and re-made when stamped too far ahead.
struct Pusher: RoundPart {
    let context: RoundContext

    /// How a push ended.
    enum PushEnd { case done, diverged }

    /// A batch read, signed and sent, and its answer to come.
    private struct Sent {
        let first: EntryID
        let last: EntryID
        let count: Int
        let started: ContinuousClock.Instant
        let pending: Session.Pending
    }

    func push(_ report: inout RoundReport) async throws(SyncError) -> PushEnd {
        var ahead: Sent?
        do {
            let end = try await pushBatches(&report, ahead: &ahead)
            await session.letGo(ahead?.pending)
            return end
        } catch {
            // No request outlives the push: the round's next requests need its connections.
            await session.letGo(ahead?.pending)
            throw error
        }
    }

    /// The push, batch by batch: while the central server stores one batch, the next is read,
    /// signed and sent (`ahead`), so that the central server opens it meanwhile.
    private func pushBatches(_ report: inout RoundReport, ahead: inout Sent?) async throws(SyncError) -> PushEnd {
        var restarts = 0
        while true {
            let state = try await local { try await store.syncState() }
            // The batch sent ahead is this one when it follows what the central server holds;
            // otherwise (a restart, an answer that acknowledged more) its answer is let go.
            let current: Sent
            if let sent = ahead, sent.first.replica == state.pushed.replica, sent.first.seq == state.pushed.seq &+ 1 {
                current = sent
            } else {
                await session.letGo(ahead?.pending)
                ahead = nil
                guard let sent = try await send(after: state.pushed) else { return .done }
                current = sent
            }
            ahead = nil
            if current.count >= configuration.batchSize {
                do { ahead = try await send(after: current.last) } catch {
                    await session.letGo(current.pending)
                    throw error
                }
            }
            var answer = try await session.answer(to: current.pending, signer: key)
            let replica = current.last.replica
            let resumeFrom = state.pushed.replica == replica ? state.pushed.seq : 0
            // A batch sent ahead that reached the central server before the one before it was
            // stored (another central process, a resend of that one) is refused for the gap;
            // that one has been stored since, so this one is sent again as it is, once, before
            // any gap counts as the central server lacking entries.
            if answer.status == 409, let expected = ErrorAnswer.decode(answer.body)?.expectedSeq, expected <= resumeFrom {
                answer = try await session.resend(current.pending, signer: key)
            }
            SyncMetrics.batch(ContinuousClock.now - current.started)
            if answer.status == 409, let expected = ErrorAnswer.decode(answer.body)?.expectedSeq, restarts < 3 {
                // Only a seq this node has written can be resent from.
                guard expected >= 1, expected <= resumeFrom + 1 else {
                    throw SyncError(.malformed, "the central server asks to resend from seq \(expected), which this node never wrote")
                }
                // The central server lacks earlier entries (e.g. restored from a backup): resend from there.
                restarts += 1
                try await local { try await store.recordPushed(through: EntryID(replica: replica, seq: expected - 1), storeID: state.centralStoreID ?? "") }
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
                try await local { try await store.resetCheckpoint(storeID: pushed.storeID) }
                continue
            }
            // A push is atomic: the central server now holds at least through the batch's head
            // (more when an earlier answer was lost), and never more than this node wrote.
            let written = try await local { try await store.read { try await $0.lastSeq(of: replica) } }
            guard pushed.lastSeq >= current.last.seq, pushed.lastSeq <= written else {
                throw SyncError(.malformed, "the central server's push answer does not acknowledge the batch through \(current.last)")
            }
            report.pushed += pushed.stored
            SyncMetrics.entries(pushed: pushed.stored)
            // Entries stamped too far ahead (a clock that ran ahead) are re-made with the clock
            // corrected by the offset this round measured, and pushed in the next batch.
            let corrected = SystemClock.millis().addingReportingOverflow(session.offset)
            let remade = try await local {
                try await store.recordPushed(through: EntryID(replica: replica, seq: pushed.lastSeq), storeID: pushed.storeID,
                                       quarantined: pushed.quarantined.count, remake: pushed.ahead.compactMap(EntryID.init),
                                       physicalMillis: corrected.overflow ? SystemClock.millis() : corrected.partialValue)
            }
            report.retimed += remade
        }
    }

    /// Reads the node's own entries after `pushed` (a batch's worth), signs the batch's head
    /// (the hash of its last envelope vouches for the whole chain) and sends it; nil when the
    /// central server holds everything.
    private func send(after pushed: EntryID) async throws(SyncError) -> Sent? {
        let entries = try await local { try await store.ownEntries(after: pushed, limit: configuration.batchSize) }
        guard let first = entries.first, let last = entries.last else { return nil }
        let hash = last.envelope.hash
        let signature: [UInt8]
        do { signature = try key.signHead(last.id, hash: hash) } catch { throw SyncError(.failed, "cannot sign the batch: \(error)") }
        let head = ChainHead(id: last.id, hash: hash, signature: signature)
        let started = ContinuousClock.now
        let request = await PushRequest(head: head, entries: entries, keys: try keyBundle(of: entries))
        let pending = try session.sendAhead("POST", Route.push, body: request.bytes, contentType: PushRequest.mediaType, signer: key)
        return Sent(first: first.id, last: last.id, count: entries.count, started: started, pending: pending)
    }

    /// The keys of the cases `entries` carry bodies of — data keys, and the location keys this
    /// node holds — sealed to the central server's key (from the enrollment token): the central
    /// server opens the sealed bodies with them.
    func keyBundle(of entries: [ChainedEntry]) async throws(SyncError) -> KeyBundle {
        let cases = Set(entries.compactMap { $0.body.flatMap(JournalEntry.recordKey(ofBody:)) }.filter { $0.type == .caseFile }.map(\.id))
        guard !cases.isEmpty else { return .empty }
        let (keys, central) = try await local { await (try store.caseKeys(for: cases), try store.centralAgreementKey()) }
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
}
