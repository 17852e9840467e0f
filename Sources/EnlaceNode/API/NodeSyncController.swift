import EnlaceAPI
import EnlaceModel
import EnlaceProtocol
import Hummingbird

/// The node's state and its sync round: `GET /v1/status`, `POST /v1/sync`, `GET /v1/conflicts`.
struct NodeSyncController: Sendable {
    let node: FieldNode
    let sync: @Sendable () async throws -> JSONValue
    let nextRound: @Sendable () async -> Int64?

    func addRoutes(to router: Router<BasicRequestContext>) {
        let node = self.node
        let (sync, nextRound) = (self.sync, self.nextRound)
        router.get(RouterPath(NodeRoute.status)) { _, _ in
            var status = try await node.status()
            // When the schedule tries next (after a failure, when the backoff ends).
            status.nextAttemptAt = await nextRound().map { RFC3339.format(millis: $0) }
            return JSONResponse.make(status.json.canonicalText)
        }
        router.post(RouterPath(NodeRoute.sync)) { _, _ in try await JSONResponse.make(sync().canonicalText) }
        router.get(RouterPath(NodeRoute.conflicts)) { request, _ in
            let (after, limit) = try RequestInput.page(request)
            let status = try RequestInput.conflictStatus(request)
            let page = try await node.conflicts(status: status, after: after, limit: limit)
            return JSONResponse.page(page.items.map(\.json), next: page.next)
        }
    }
}
