import HummingbirdCore
import Metrics
import NIOCore
import NIOHTTPTypes
import Synchronization

/// How many connections each client holds at once: a client past its share is closed at once,
/// so a few hundred half-open connections from one address cannot keep the server from
/// everyone else. A client is its address; a configured trusted proxy (a load balancer) is
/// exempt, since its connections carry many clients.
final class ConnectionLimit: Sendable {
    let perClient: Int
    let trustedProxies: Set<String>
    private let open = Mutex<[String: Int]>([:])

    init(perClient: Int, trustedProxies: Set<String>) {
        self.perClient = perClient
        self.trustedProxies = trustedProxies
    }

    /// Takes a place for a connection from `address`; false when the client holds its share.
    func admit(_ address: String) -> Bool {
        guard !trustedProxies.contains(address) else { return true }
        return open.withLock { counts in
            guard counts[address, default: 0] < perClient else { return false }
            counts[address, default: 0] += 1
            return true
        }
    }

    func release(_ address: String) {
        guard !trustedProxies.contains(address) else { return }
        open.withLock { counts in
            let left = counts[address, default: 1] - 1
            counts[address] = left > 0 ? left : nil
        }
    }

    /// The handler each accepted connection carries.
    func handler() -> Handler { Handler(limit: self) }

    /// Counts its connection while it is in the pipeline; closes it at once when its client
    /// holds its share already.
    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        private let limit: ConnectionLimit
        private var address: String?

        init(limit: ConnectionLimit) {
            self.limit = limit
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
            guard limit.admit(address) else {
                Counter(label: "enlace_central_connections_refused_total").increment()
                context.close(promise: nil)
                return
            }
            self.address = address
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            if let address { limit.release(address) }
            address = nil
        }

        func channelInactive(context: ChannelHandlerContext) {
            if let address { limit.release(address) }
            address = nil
            context.fireChannelInactive()
        }
    }
}
