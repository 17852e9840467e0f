import EnlaceAPI
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Hummingbird

/// The sync protocol for nodes (`openapi/central.yaml`): push, pull, keys.
struct SyncController: Sendable {
    let server: CentralServer
    let maxBodyBytes: Int
    let maxBatch: Int

    func addRoutes(to router: Router<CentralContext>) {
        let server = self.server
        let (maxBodyBytes, maxBatch) = (self.maxBodyBytes, self.maxBatch)
        router.post(RouterPath(Route.push)) { request, context in
            let node = try context.node()
            let push: PushRequest
            do { push = try PushRequest.decode(try await RequestInput.body(request, limit: maxBodyBytes)) } catch let error as WireError {
                throw APIError.badRequest(error.description)
            }
            guard push.entries.count <= maxBatch else {
                throw APIError(413, "a batch holds at most \(maxBatch) entries, this one \(push.entries.count)")
            }
            let started = ContinuousClock.now
            let result: (stored: Int, duplicates: Int, lastSeq: UInt64)
            do {
                result = try await offload { try server.push(push.entries, head: push.head, from: node.id, department: node.department) }
            } catch let error as Refusal {
                // Forged, altered, reordered or foreign batches are refused and logged (ids, never values).
                context.logger.warning("refused a push", metadata: [
                    "node.id": "\(node.id)", "http.status": "\(APIError(error).status)", "push.entries": "\(push.entries.count)",
                    "push.first": "\(push.entries.first?.id.description ?? "-")", "error": "\(error.description)",
                ])
                throw error
            }
            SyncCounters.batch(ContinuousClock.now - started)
            SyncCounters.pushed(result.stored)
            let answer = PushResponse(
                storeID: try await offload { try server.storage.storeID() }, stored: result.stored,
                duplicates: result.duplicates, lastSeq: result.lastSeq)
            return JSONResponse.make(answer.json)
        }
        router.get(RouterPath(Route.pull)) { request, context in
            let node = try context.node()
            let query = request.uri.queryParameters
            let after = try query.get("after").map { text -> Int64 in
                guard let value = Int64(text), value >= 0 else { throw APIError.badRequest("after must be a position >= 0", field: "after") }
                return value
            } ?? 0
            let limit = try query.get("limit").map { text -> Int in
                guard let value = Int(text), (1...5000).contains(value) else {
                    throw APIError.badRequest("limit must be an integer from 1 to 5000", field: "limit")
                }
                return value
            } ?? 500
            let cursor = FeedCursor(position: after, entry: query.get("after_entry").map { "\($0)" })
            return try await JSONResponse.make(offload { try server.pull(after: cursor, for: node.id, limit: limit) })
        }
        router.get(RouterPath(Route.keys)) { _, context in
            _ = try context.node()
            let keys = try await offload { try server.storage.read { try $0.pinnedKeys() } }
            return JSONResponse.make(JSONValue.object(["keys": .object(keys.mapValues(JSONValue.string))]).canonicalText)
        }
    }
}
