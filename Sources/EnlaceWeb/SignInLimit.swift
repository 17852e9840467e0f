import Foundation
import Metrics
import Synchronization

/// How many sign-ins each client may attempt: one at a time, and a few a minute, counted in
/// this process before anything is read or hashed. A client is its credential when it has one
/// and otherwise its address (behind a trusted proxy, the address the proxy reports).
public final class SignInLimit: Sendable {
    /// Attempts a client may make in a minute.
    public let perMinute: Int
    /// The counter a refusal increments (`reason="client"`).
    private let refusedLabel: String
    private let state = Mutex<[String: (inFlight: Int, window: Int64, count: Int)]>([:])

    public init(perMinute: Int = 20, refusedLabel: String = "enlace_central_signins_refused_total") {
        self.refusedLabel = refusedLabel
        self.perMinute = perMinute
    }

    /// Takes a place for an attempt by `client` at `millis`; false when it has one in flight or
    /// has used its minute's share. `release` gives the place back.
    public func admit(_ client: String, at millis: Int64) -> Bool {
        state.withLock { clients in
            // Forget clients idle for a minute, so the table stays small.
            if clients.count > 10_000 { clients = clients.filter { $0.value.inFlight > 0 || millis - $0.value.window < 60_000 } }
            var entry = clients[client] ?? (0, millis, 0)
            if millis - entry.window >= 60_000 { entry = (entry.inFlight, millis, 0) }
            guard entry.inFlight == 0, entry.count < perMinute else {
                Counter(label: refusedLabel, dimensions: [("reason", "client")]).increment()
                return false
            }
            entry.inFlight += 1
            entry.count += 1
            clients[client] = entry
            return true
        }
    }

    public func release(_ client: String) {
        state.withLock { clients in
            if var entry = clients[client] {
                entry.inFlight = max(0, entry.inFlight - 1)
                clients[client] = entry
            }
        }
    }
}
