import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceSync
import Foundation
import Hummingbird

/// The central API (INTERFACE.md): health, metrics, sync for nodes, read paths for the office.
public struct CentralAPI: Sendable {
    /// The server it serves.
    public let server: CentralServer
    /// Largest accepted request body.
    public let maxBodyBytes: Int
    /// Most entries in one push.
    public let maxBatch: Int
    /// Entries stored from pushes and served to pulls, batch latencies.
    public let metrics = SyncMetrics()

    public init(server: CentralServer, maxBodyBytes: Int = 32 << 20, maxBatch: Int = 5000) {
        self.server = server
        self.maxBodyBytes = maxBodyBytes
        self.maxBatch = maxBatch
    }

    /// A router with every route, bearer authentication and JSON errors.
    public func router() -> Router<CentralContext> {
        let router = Router(context: CentralContext.self)
        router.add(middleware: JSONErrorMiddleware<CentralContext>())
        router.add(middleware: BearerAuthMiddleware(storage: server.storage))
        let store = server.storage
        let server = self.server

        router.get("/healthz") { _, _ in JSONResponse.make(#"{"status":"ok"}"#) }
        let metrics = self.metrics
        router.get("/metrics") { _, _ in
            let counts = try await offload { try store.counts() }
            let text = metrics.prometheus(prefix: "enlace_central", pending: nil, openConflicts: counts.openConflicts, lastSuccessSeconds: nil)
                + "# HELP enlace_central_journal_entries Entries in the central journal.\n"
                + "# TYPE enlace_central_journal_entries gauge\nenlace_central_journal_entries \(counts.entries)\n"
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }

        router.post("/v1/sync/push") { request, context in
            let node = try CentralAPI.node(context)
            let department = context.principal?.department ?? ""
            var request = request
            let buffer = try await request.collectBody(upTo: maxBodyBytes)
            let push: SyncWire.PushRequest
            do {
                push = try JSONDecoder().decode(SyncWire.PushRequest.self, from: Data(buffer.readableBytesView))
            } catch {
                throw APIError.badRequest("the push body is not a valid batch: \(CentralAPI.describe(error))")
            }
            guard push.entries.count <= maxBatch else {
                throw APIError(413, "a batch holds at most \(maxBatch) entries, this one \(push.entries.count)")
            }
            let started = Date()
            let result: (stored: Int, duplicates: Int, lastSeq: UInt64)
            do {
                result = try await offload { try server.push(push.entries, head: push.head, from: node, department: department) }
            } catch let error as APIError {
                // Forged, altered, reordered or foreign batches are refused and logged.
                context.logger.warning("refused a push", metadata: [
                    "node.id": "\(node)", "http.status": "\(error.status)", "push.entries": "\(push.entries.count)",
                    "push.first": "\(push.entries.first?.id.description ?? "-")", "error": "\(error.message)",
                ])
                throw error
            }
            metrics.observeBatch(seconds: Date().timeIntervalSince(started))
            metrics.recordEntries(pushed: result.stored)
            let answer = SyncWire.PushResponse(
                storeID: try await offload { try store.storeID() ?? "" }, stored: result.stored,
                duplicates: result.duplicates, lastSeq: result.lastSeq)
            return JSONResponse.make(String(decoding: try JSONEncoder().encode(answer), as: UTF8.self))
        }

        router.get("/v1/sync/pull") { request, context in
            let node = try CentralAPI.node(context)
            let query = request.uri.queryParameters
            let after = try query.get("after").map { text -> Int64 in
                guard let value = Int64(text), value >= 0 else { throw APIError.badRequest("after must be a position >= 0", field: "after") }
                return value
            } ?? 0
            let afterEntry = query.get("after_entry").map { "\($0)" }
            let limit = try query.get("limit").map { text -> Int in
                guard let value = Int(text), (1...5000).contains(value) else {
                    throw APIError.badRequest("limit must be an integer from 1 to 5000", field: "limit")
                }
                return value
            } ?? 500
            let text = try await offload { () throws -> String in
                guard try store.feedHas(position: after, entry: afterEntry) else {
                    throw APIError(409, "unknown cursor \(after)/\(afterEntry ?? "-"): this central store does not hold it (replaced or restored); pull again from the start",
                                   details: ["reset": true])
                }
                let page = try store.feed(after: after, excluding: node, limit: limit)
                metrics.recordEntries(pulled: page.entries.count)
                return "{\"store_id\":" + JSONValue.string(try store.storeID() ?? "").canonicalText
                    + ",\"entries\":[" + page.entries.joined(separator: ",") + "]"
                    + ",\"next_position\":\(page.lastPosition)"
                    + ",\"next_entry\":" + (page.lastEntry.map { JSONValue.string($0).canonicalText } ?? "null")
                    + ",\"more\":\(page.more)"
                    + ",\"heads\":" + String(decoding: try JSONEncoder().encode(page.heads.map {
                        ChainHead(origin: $0.origin, seq: $0.seq, hash: $0.hash, signature: $0.signature)
                    }), as: UTF8.self) + "}"
            }
            return JSONResponse.make(text)
        }

        router.get("/v1/sync/keys") { _, context in
            _ = try CentralAPI.node(context)
            let keys = try await offload { try store.pinnedKeys() }
            return JSONResponse.make(JSONValue.object(["keys": .object(keys.mapValues(JSONValue.string))]).canonicalText)
        }

        router.get("/v1/status") { _, context in
            _ = try CentralAPI.office(context, .viewer)
            return try await JSONResponse.make(offload {
                let storeID = try store.storeID() ?? ""
                let counts = try store.counts()
                return JSONValue.object([
                    "node_id": "central", "store_id": .string(storeID),
                    "journal_entries": .int(Int64(counts.entries)),
                    "open_conflicts": .int(Int64(counts.openConflicts)),
                    "open_conflicts_by_department": .object(counts.openByDepartment.mapValues { .int(Int64($0)) }),
                ]).canonicalText
            })
        }
        router.get("/v1/conflicts") { request, context in
            _ = try CentralAPI.office(context, .viewer)
            let query = request.uri.queryParameters
            let status: Conflict.Status
            switch query.get("status") ?? "open" {
            case "open": status = .open
            case "resolved": status = .resolved
            case let other: throw APIError.badRequest("status must be open or resolved, not \(other)", field: "status")
            }
            let department = query.get("department").map { "\($0)" }
            if let department, !Vocabulary.department.contains(department) {
                throw APIError(422, "department must be one of \(Vocabulary.department.values.joined(separator: ", "))", field: "department")
            }
            let recordType = try query.get("record_type").map { text -> RecordType in
                guard let type = RecordType(rawValue: "\(text)") else {
                    throw APIError(422, "record_type must be case or certification", field: "record_type")
                }
                return type
            }
            let field = query.get("field").map { "\($0)" }
            let olderThan = try query.get("older_than_hours").map { text -> Int64 in
                guard let hours = Int64(text), (0...CentralAPI.maxAgeHours).contains(hours) else {
                    throw APIError.badRequest("older_than_hours must be a whole number of hours from 0 to \(CentralAPI.maxAgeHours)",
                                              field: "older_than_hours")
                }
                return hours * 3_600_000
            }
            let items = try await offload {
                try server.conflicts(status: status, department: department, recordType: recordType, field: field,
                                     olderThanMillis: olderThan, now: CentralAPI.nowMillis())
            }
            return JSONResponse.make(JSONValue.object(["items": .array(items), "next": .null]).canonicalText)
        }
        router.post("/v1/conflicts/:id/resolve") { request, context in
            let user = try CentralAPI.office(context, .resolver)
            let id = context.parameters.get("id") ?? ""
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            guard let body = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)), case .object(let members) = body else {
                throw APIError.badRequest("expected a JSON object {\"value\": …, \"note\": …}")
            }
            guard let value = members["value"] else { throw APIError.badRequest("value is required", field: "value") }
            if let note = members["note"], !note.isNull, note.stringValue == nil {
                throw APIError.badRequest("note must be text", field: "note")
            }
            let unknown = Set(members.keys).subtracting(["value", "note"])
            if let extra = unknown.sorted().first { throw APIError.badRequest("unknown member \(extra)", field: extra) }
            let note = members["note"]?.stringValue
            return try await JSONResponse.make(offload {
                try server.resolve(conflictID: id, value: value, note: note, by: user.subject, now: CentralAPI.nowMillis())
            })
        }
        router.get("/v1/conflicts/:id") { _, context in
            _ = try CentralAPI.office(context, .viewer)
            let id = context.parameters.get("id") ?? ""
            guard let text = try await offload({ try store.conflictJSONText(id: id) }) else {
                throw APIError.notFound("no conflict with id \(id)")
            }
            return JSONResponse.make(text)
        }
        for type in RecordType.allCases {
            let path = type == .caseFile ? "/v1/cases/:id" : "/v1/certifications/:id"
            router.get(RouterPath(path + "/history")) { _, context in
                let user = try CentralAPI.office(context, .viewer)
                let id = context.parameters.get("id") ?? ""
                guard let history = try await offload({ try store.recordHistory(RecordKey(type, id)) }) else {
                    throw APIError.notFound("no \(type.rawValue) with id \(id)")
                }
                try await offload { try server.auditRead(RecordKey(type, id), by: user.subject, what: "history", now: CentralAPI.nowMillis()) }
                return JSONResponse.make(history.canonicalText)
            }
            router.get(RouterPath(path)) { _, context in
                let user = try CentralAPI.office(context, .viewer)
                let id = context.parameters.get("id") ?? ""
                guard let text = try await offload({ try store.recordText(RecordKey(type, id)) }) else {
                    throw APIError.notFound("no \(type.rawValue) with id \(id)")
                }
                try await offload { try server.auditRead(RecordKey(type, id), by: user.subject, now: CentralAPI.nowMillis()) }
                return JSONResponse.make(text)
            }
        }
        return router
    }

    /// The calling node, or 403 for an office token.
    static func node(_ context: CentralContext) throws -> NodeID {
        guard let principal = context.principal, principal.kind == .node, let node = NodeID(principal.subject) else {
            throw APIError(403, "sync paths need a node's token")
        }
        return node
    }

    /// The calling office user, or 403 for a node token or too small a role.
    static func office(_ context: CentralContext, _ minimum: Principal.Role) throws -> Principal {
        guard let principal = context.principal, principal.kind == .user, let role = principal.role else {
            throw APIError(403, "this path is for central-office users, not for nodes")
        }
        let order: [Principal.Role] = [.viewer, .resolver, .admin]
        guard order.firstIndex(of: role)! >= order.firstIndex(of: minimum)! else {
            throw APIError(403, "role \(role.rawValue) may not do this; it needs \(minimum.rawValue)")
        }
        return principal
    }

    /// The oldest age a conflict filter may ask for: a century, in hours.
    static let maxAgeHours: Int64 = 100 * 366 * 24

    static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func describe(_ error: Error) -> String { SyncWire.describe(error) }
}
