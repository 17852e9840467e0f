import EnlaceModel
import Synchronization

/// A node's pushes kept in their chain's order within this process. A node sends its next
/// batch while the central server stores the one before (`Pusher`): the later batch is opened
/// beside the earlier one, then waits here until no push of the same chain that starts before
/// it is still in this process, so it never takes the append lock first and is refused for the
/// gap. Only pushes of a node's own chain take a ticket (never a relay), so no node can hold
/// another's batches back. Across processes (several central processes on one PostgreSQL store)
/// the gap refusal remains, and the node sends that batch again once the one before is stored.
final class PushOrder: Sendable {
    /// A push in this process: its chain and first seq.
    struct Ticket: Sendable {
        fileprivate let id: UInt64
        let replica: ReplicaID
        let first: UInt64
    }

    private struct Waiter {
        let ticket: Ticket
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var next: UInt64 = 0
        /// First seqs of the pushes in this process, by chain, then ticket.
        var inFlight: [ReplicaID: [UInt64: UInt64]] = [:]
        var waiting: [Waiter] = []

        func mustWait(_ ticket: Ticket) -> Bool {
            inFlight[ticket.replica]?.contains { $0.key != ticket.id && $0.value < ticket.first } ?? false
        }
    }

    private let state = Mutex(State())

    /// Notes a push of `replica` from seq `first` as it arrives, before anything of it is done.
    func arrive(_ replica: ReplicaID, first: UInt64) -> Ticket {
        state.withLock { state in
            state.next += 1
            let ticket = Ticket(id: state.next, replica: replica, first: first)
            state.inFlight[replica, default: [:]][ticket.id] = first
            return ticket
        }
    }

    /// Returns once no push of the ticket's chain that starts before it is in this process.
    func turn(_ ticket: Ticket) async {
        guard state.withLock({ $0.mustWait(ticket) }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { state in
                guard state.mustWait(ticket) else { return false }
                state.waiting.append(Waiter(ticket: ticket, continuation: continuation))
                return true
            }
            if !wait { continuation.resume() }
        }
    }

    /// The push ended (stored, refused or failed): the pushes that waited for it go on.
    func leave(_ ticket: Ticket) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight[ticket.replica]?.removeValue(forKey: ticket.id)
            if state.inFlight[ticket.replica]?.isEmpty ?? false { state.inFlight.removeValue(forKey: ticket.replica) }
            var ready: [CheckedContinuation<Void, Never>] = []
            var still: [Waiter] = []
            for waiter in state.waiting {
                if state.mustWait(waiter.ticket) { still.append(waiter) } else { ready.append(waiter.continuation) }
            }
            state.waiting = still
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Pushes in this process now (for tests).
    var count: Int { state.withLock { $0.inFlight.values.reduce(0) { $0 + $1.count } } }
}
