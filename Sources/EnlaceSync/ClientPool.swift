import EnlaceHTTP
import Foundation

/// A round's connections to the central server: libcurl handles, each used by one thread at a
/// time. A request takes a free one, waiting while every one is busy, and gives it back.
final class ClientPool: @unchecked Sendable {
    // Unchecked: a client is touched only by the thread that took it out of `free`, and `free`
    // only under `condition`.
    private var free: [JSONClient]
    private let condition = NSCondition()

    init(_ clients: [JSONClient]) {
        precondition(!clients.isEmpty, "a round needs a connection")
        free = clients
    }

    /// Runs `body` with a client no other thread uses meanwhile.
    func withClient<T>(_ body: (JSONClient) throws(SyncError) -> T) throws(SyncError) -> T {
        condition.lock()
        while free.isEmpty { condition.wait() }
        let client = free.removeFirst()
        condition.unlock()
        defer {
            condition.lock()
            free.append(client)
            condition.signal()
            condition.unlock()
        }
        return try body(client)
    }
}
