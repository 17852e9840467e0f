import Synchronization

/// A lock whose waiters wait without a thread, first come first served: one store transaction
/// of a process at a time, through its commit and the cache's update.
package final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Runs `body` holding the lock.
    package func withLock<T>(_ body: () async throws -> sending T) async throws -> sending T {
        await lock()
        defer { unlock() }
        return try await body()
    }

    private func lock() async {
        if state.withLock({ state in
            guard !state.locked else { return false }
            state.locked = true
            return true
        }) { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state in
                guard state.locked else {
                    state.locked = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    private func unlock() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.locked = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
