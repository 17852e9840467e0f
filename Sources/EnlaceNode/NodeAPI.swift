import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceSync
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
    /// Told after every successful write (schedules a sync round).
    public let onWrite: @Sendable () async -> Void
    /// Sync counters for `GET /metrics`.
    public let metrics: SyncMetrics

    /// An API over `node`; without a sync engine, `POST /v1/sync` answers 503.
    public init(
        node: FieldNode, maxBodyBytes: Int = 4 << 20,
        sync: @escaping @Sendable () async throws -> JSONValue = {
            throw APIError(503, "this node has no sync engine configured")
        },
        onWrite: @escaping @Sendable () async -> Void = {},
        metrics: SyncMetrics = SyncMetrics()
    ) {
        self.node = node
        self.maxBodyBytes = maxBodyBytes
        self.sync = sync
        self.onWrite = onWrite
        self.metrics = metrics
    }

    /// An API whose `POST /v1/sync` runs a round on `coordinator`, which hears of every write.
    public init(node: FieldNode, coordinator: SyncCoordinator, metrics: SyncMetrics, maxBodyBytes: Int = 4 << 20) {
        self.init(
            node: node, maxBodyBytes: maxBodyBytes,
            sync: {
                switch await coordinator.syncNow() {
                case .success(let report): return report.json
                case .failure(let error):
                    switch error.kind {
                    case .unreachable: throw APIError(503, error.message)
                    case .rejected, .untrusted: throw APIError(502, error.message)
                    case .failed: throw APIError(500, error.message)
                    }
                }
            },
            onWrite: { await coordinator.noteLocalWrite() }, metrics: metrics)
    }

    /// A router with every route and JSON errors.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware<BasicRequestContext>())
        router.add(middleware: WriteNoticeMiddleware(onWrite: onWrite))
        addRoutes(to: router)
        return router
    }

    /// Adds the node's routes to `router`.
    public func addRoutes(to router: Router<BasicRequestContext>) {
        let node = self.node
        router.get("/v1/status") { _, _ in try await NodeAPI.json(offload { try node.status().canonicalText }) }
        let metrics = self.metrics
        router.get("/metrics") { _, _ in
            let text = try await offload { () throws -> String in
                let status = try node.status()
                let last = status["last_sync_at"]?.stringValue.flatMap(RFC3339.parseTimestamp)
                return metrics.prometheus(
                    prefix: "enlace_node", pending: Int(status["pending_entries"]?.intValue ?? 0),
                    openConflicts: Int(status["open_conflicts"]?.intValue ?? 0),
                    lastSuccessSeconds: last.map { Double(node.now() - $0) / 1000 })
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
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

        for type in RecordType.allCases {
            let path = type == .caseFile ? "/v1/cases/:id/history" : "/v1/certifications/:id/history"
            router.get(RouterPath(path)) { _, context in
                let id = try NodeAPI.id(context)
                guard let history = try await offload({ try node.store.read { try $0.history(RecordKey(type, id)) } }) else {
                    throw APIError.notFound("no \(type.rawValue) with id \(id)")
                }
                return NodeAPI.json(history.canonicalText)
            }
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
        guard !value.isEmpty, value.utf8.count <= Schema.maxAuthorLength,
              !value.unicodeScalars.contains(where: { $0.value < 0x20 })
        else {
            throw APIError.badRequest("X-Enlace-Author must be 1 to \(Schema.maxAuthorLength) bytes of printable UTF-8", field: "X-Enlace-Author")
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
        JSONResponse.make(text, status: status)
    }
}


/// Tells the sync schedule about every successful write.
struct WriteNoticeMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let onWrite: @Sendable () async -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        if request.method == .post || request.method == .patch, request.uri.path != "/v1/sync",
           response.status == .created || response.status == .ok
        {
            await onWrite()
        }
        return response
    }
}
