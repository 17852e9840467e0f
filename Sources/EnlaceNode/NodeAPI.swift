import EnlaceModel
import EnlaceStore
import Foundation
import Hummingbird
import Logging

/// The node's local API (INTERFACE.md): routes over a `FieldNode`.
public struct NodeAPI: Sendable {
    /// The node it serves.
    public let node: FieldNode
    /// Largest accepted request body.
    public let maxBodyBytes: Int
    /// Runs one sync round for `POST /v1/sync`.
    public let sync: @Sendable () async throws -> JSONValue

    /// An API over `node`; until sync exists, `POST /v1/sync` answers 503.
    public init(
        node: FieldNode, maxBodyBytes: Int = 4 << 20,
        sync: @escaping @Sendable () async throws -> JSONValue = {
            throw APIError(503, "sync with the central server is not available in this version")
        }
    ) {
        self.node = node
        self.maxBodyBytes = maxBodyBytes
        self.sync = sync
    }

    /// A router with every route and JSON errors.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        addRoutes(to: router)
        return router
    }

    /// Adds the node's routes to `router`.
    public func addRoutes(to router: Router<BasicRequestContext>) {
        let node = self.node
        router.get("/v1/status") { _, _ in try await NodeAPI.json(offload { try node.status().canonicalText }) }
        router.post("/v1/sync") { _, _ in try await NodeAPI.json(self.sync().canonicalText) }

        router.post("/v1/cases") { request, context in
            let body = try await self.jsonBody(request, context)
            let author = try NodeAPI.author(request)
            let result = try await offload { try node.createCase(body, author: author) }
            return NodeAPI.json(result.document, status: result.created ? .created : .ok)
        }
        router.get("/v1/cases") { request, _ in
            let (after, limit) = try NodeAPI.page(request)
            return try await NodeAPI.json(offload { try node.list(.caseFile, after: after, limit: limit) })
        }
        router.get("/v1/cases/:id") { _, context in
            let id = try NodeAPI.id(context)
            return try await NodeAPI.json(offload { try node.documentText(RecordKey(.caseFile, id)) })
        }
        router.patch("/v1/cases/:id") { request, context in
            let id = try NodeAPI.id(context)
            let body = try await self.jsonBody(request, context)
            let author = try NodeAPI.author(request)
            return try await NodeAPI.json(offload { try node.patchCase(id: id, body, author: author) })
        }
        router.post("/v1/cases/:id/attentions") { request, context in
            let id = try NodeAPI.id(context)
            let body = try await self.jsonBody(request, context)
            let author = try NodeAPI.author(request)
            let result = try await offload { try node.addAttention(caseID: id, body, author: author) }
            return NodeAPI.json(result.attention.canonicalText, status: result.created ? .created : .ok)
        }
        router.post("/v1/cases/:id/referrals") { request, context in
            let id = try NodeAPI.id(context)
            let body = try await self.jsonBody(request, context)
            let author = try NodeAPI.author(request)
            let result = try await offload { try node.addReferral(caseID: id, body, author: author) }
            return NodeAPI.json(result.referral.canonicalText, status: result.created ? .created : .ok)
        }
        router.patch("/v1/cases/:id/referrals/:rid") { request, context in
            let id = try NodeAPI.id(context)
            let referralID = try NodeAPI.id(context, "rid")
            let body = try await self.jsonBody(request, context)
            let author = try NodeAPI.author(request)
            return try await NodeAPI.json(offload {
                try node.patchReferral(caseID: id, referralID: referralID, body, author: author).canonicalText
            })
        }

        router.post("/v1/certifications") { request, context in
            let body = try await self.jsonBody(request, context)
            let author = try NodeAPI.author(request)
            let result = try await offload { try node.createCertification(body, author: author) }
            return NodeAPI.json(result.document, status: result.created ? .created : .ok)
        }
        router.post("/v1/certifications/import") { request, context in
            let bytes = try await self.body(request, context)
            let author = try NodeAPI.author(request)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw APIError.badRequest("the roster is not UTF-8 text")
            }
            return try await NodeAPI.json(offload { try node.importRoster(text, author: author).canonicalText }, status: .created)
        }
        router.get("/v1/certifications") { request, _ in
            let (after, limit) = try NodeAPI.page(request)
            return try await NodeAPI.json(offload { try node.list(.certification, after: after, limit: limit) })
        }
        router.get("/v1/certifications/:id") { _, context in
            let id = try NodeAPI.id(context)
            return try await NodeAPI.json(offload { try node.documentText(RecordKey(.certification, id)) })
        }
        router.patch("/v1/certifications/:id") { request, context in
            let id = try NodeAPI.id(context)
            let body = try await self.jsonBody(request, context)
            let author = try NodeAPI.author(request)
            return try await NodeAPI.json(offload { try node.patchCertification(id: id, body, author: author) })
        }

        router.get("/v1/conflicts") { request, _ in
            let (after, limit) = try NodeAPI.page(request)
            let status: Conflict.Status
            switch request.uri.queryParameters.get("status") ?? "open" {
            case "open": status = .open
            case "resolved": status = .resolved
            case let other: throw APIError.badRequest("status must be open or resolved, not \(other)", field: "status")
            }
            return try await NodeAPI.json(offload { try node.conflicts(status: status, after: after, limit: limit) })
        }
    }

    // MARK: Request helpers

    func body(_ request: Request, _ context: BasicRequestContext) async throws -> [UInt8] {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        return Array(buffer.readableBytesView)
    }

    func jsonBody(_ request: Request, _ context: BasicRequestContext) async throws -> JSONValue {
        if let type = request.headers[.contentType]?.lowercased(),
           !(type.hasPrefix("application/json") || type.hasPrefix("application/merge-patch+json"))
        {
            throw APIError(415, "Content-Type must be application/json or application/merge-patch+json, not \(type)")
        }
        return try FieldNode.parseJSON(try await body(request, context))
    }

    static func author(_ request: Request) throws -> String? {
        guard let value = request.headers.first(where: { $0.name.canonicalName == "x-enlace-author" })?.value else { return nil }
        guard !value.isEmpty, value.count <= Schema.maxAuthorLength,
              !value.unicodeScalars.contains(where: { $0.value < 0x20 })
        else {
            throw APIError.badRequest("X-Enlace-Author must be 1 to \(Schema.maxAuthorLength) printable characters", field: "X-Enlace-Author")
        }
        return value
    }

    static func id(_ context: BasicRequestContext, _ name: String = "id") throws -> String {
        guard let id = context.parameters.get(name), ULID.isValid(id) else {
            throw APIError(404, "no record with id \(context.parameters.get(name) ?? ""): ids are ULIDs")
        }
        return id
    }

    static func page(_ request: Request) throws -> (after: String?, limit: Int) {
        let query = request.uri.queryParameters
        var limit = 50
        if let text = query.get("limit") {
            guard let value = Int(text), (1...500).contains(value) else {
                throw APIError.badRequest("limit must be an integer from 1 to 500", field: "limit")
            }
            limit = value
        }
        let after: String? = query.get("after").map { "\($0)" }
        return (after, limit)
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Runs blocking store work off Swift's cooperative threads.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try work() })
        }
    }
}

/// Renders every error as `{"error": …, "field": …}` with a precise status; only unexpected
/// failures become 500, and they are logged.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return NodeAPI.json(error.json.canonicalText, status: .init(code: error.status))
        } catch let error as StoreError {
            let api = APIError(error)
            if api.status >= 500 { context.logger.error("store failure", metadata: ["error": "\(error)"]) }
            return NodeAPI.json(api.json.canonicalText, status: .init(code: api.status))
        } catch let error as ValidationError {
            let api = APIError(error)
            return NodeAPI.json(api.json.canonicalText, status: .init(code: api.status))
        } catch let error as HTTPResponseError {
            let message = error.status == .notFound ? "no such path: \(request.method) \(request.uri.path)"
                : error.status == .contentTooLarge ? "the request body is too large"
                : error.status.reasonPhrase
            return NodeAPI.json(APIError(error.status.code, message).json.canonicalText, status: error.status)
        } catch {
            context.logger.error("unexpected failure", metadata: ["error": "\(error)", "http.path": "\(request.uri.path)"])
            return NodeAPI.json(APIError(500, "internal error; the request was not applied").json.canonicalText, status: .internalServerError)
        }
    }
}
