import EnlaceAPI
import EnlaceModel
import EnlaceStore
import Foundation
import Hummingbird

/// A request's context at the central server: who presented the bearer token.
public struct CentralContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated node or office user (nil on open paths).
    public var principal: Principal?
    /// The peer's address (nil when not served over a socket, in tests of the router).
    public let remoteAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Who is asking, for per-client limits: its credential when it has one, else its address —
    /// behind a trusted proxy, the address the proxy reports as the client's (the last hop it
    /// added to `X-Forwarded-For`).
    func client(_ request: Request, trustedProxies: Set<String>) -> String {
        if let principal { return "\(principal.kind):\(principal.subject)" }
        let address = remoteAddress ?? "local"
        if trustedProxies.contains(address), let forwarded = request.headers[.init("X-Forwarded-For")!] {
            if let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty { return last }
        }
        return address
    }

    /// The calling node and its department, or 403 for an office token.
    func node() throws -> (id: NodeID, department: String) {
        guard let principal, principal.kind == .node, let node = NodeID(principal.subject) else {
            throw APIError(403, "sync paths need a node's token")
        }
        return (node, principal.department ?? "")
    }

    /// The calling office user, or 403 for a node token or too small a role.
    func office(_ minimum: Principal.Role) throws -> Principal {
        guard let principal, principal.kind == .user, let role = principal.role else {
            throw APIError(403, "this path is for central-office users, not for nodes")
        }
        guard role.rank >= minimum.rank else {
            throw APIError(403, "role \(role.rawValue) may not do this; it needs \(minimum.rawValue)")
        }
        return principal
    }
}

/// The API's route group (sync, office and conflicts) needs a live bearer token: 401 otherwise.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = CentralContext
    let storage: any CentralStore

    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError(401, "missing bearer token: send Authorization: Bearer TOKEN")
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        let hash = Credentials.hash(token)
        let storage = self.storage
        guard let principal = try await storage.principal(tokenHash: hash) else {
            throw APIError(401, "unknown or revoked token")
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}

extension Principal.Role {
    /// viewer < resolver < admin.
    var rank: Int { Principal.Role.allCases.firstIndex(of: self) ?? 0 }
}
