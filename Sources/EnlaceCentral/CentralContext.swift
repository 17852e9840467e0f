import EnlaceAPI
import EnlaceStore
import Hummingbird

/// A request's context at the central server: who presented the bearer token.
public struct CentralContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated node or office user (nil on open paths).
    public var principal: Principal?

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
    }
}

/// Every path but `/healthz` and `/metrics` needs a live bearer token: 401 otherwise.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = CentralContext
    let storage: any CentralStorage

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/healthz" || path == "/metrics" { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError(401, "missing bearer token: send Authorization: Bearer TOKEN")
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        let hash = Credentials.hash(token)
        let storage = self.storage
        guard let principal = try await offload({ try storage.principal(tokenHash: hash) }) else {
            throw APIError(401, "unknown or revoked token")
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
