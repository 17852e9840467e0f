import EnlaceAPI
import EnlaceModel
import Hummingbird

/// The central office's reads: the server's status and the central copy of a record (every
/// read of a record audited).
struct OfficeController: Sendable {
    let server: CentralServer

    func addRoutes(to router: Router<CentralContext>) {
        let server = self.server
        router.get("/v1/status") { _, context in
            _ = try context.office(.viewer)
            return try await JSONResponse.make(offload { try server.status().canonicalText })
        }
        for type in RecordType.allCases {
            let path = type == .caseFile ? "/v1/cases/:id" : "/v1/certifications/:id"
            router.get(RouterPath(path)) { _, context in
                let user = try context.office(.viewer)
                let id = try RequestInput.id(context.parameters)
                return try await JSONResponse.make(offload { try server.read(RecordKey(type, id), by: user.subject) })
            }
            router.get(RouterPath(path + "/history")) { _, context in
                let user = try context.office(.viewer)
                let id = try RequestInput.id(context.parameters)
                return try await JSONResponse.make(offload { try server.history(RecordKey(type, id), by: user.subject).canonicalText })
            }
        }
    }
}
