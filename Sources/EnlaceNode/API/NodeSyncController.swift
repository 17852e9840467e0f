import EnlaceAPI
import EnlaceModel
import Hummingbird

/// The node's state and its sync round: `GET /v1/status`, `POST /v1/sync`, `GET /v1/conflicts`.
struct NodeSyncController: Sendable {
    let node: FieldNode
    let sync: @Sendable () async throws -> JSONValue

    func addRoutes(to router: Router<BasicRequestContext>) {
        let node = self.node
        let sync = self.sync
        router.get("/v1/status") { _, _ in try await JSONResponse.make(offload { try node.status().canonicalText }) }
        router.post("/v1/sync") { _, _ in try await JSONResponse.make(sync().canonicalText) }
        router.get("/v1/conflicts") { request, _ in
            let (after, limit) = try RequestInput.page(request)
            let status = try RequestInput.conflictStatus(request)
            let page = try await offload { try node.conflicts(status: status, after: after, limit: limit) }
            return JSONResponse.page(page.items.map(\.json), next: page.next)
        }
    }
}
