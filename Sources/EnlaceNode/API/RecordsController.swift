import EnlaceAPI
import EnlaceModel
import Hummingbird

/// Cases and certifications: create, list, read, change, attentions and referrals, history,
/// the roster import.
struct RecordsController: Sendable {
    let node: FieldNode
    let maxBodyBytes: Int

    func addRoutes(to router: Router<BasicRequestContext>) {
        let node = self.node
        let limit = maxBodyBytes
        /// A write's input: its JSON body and its author (checked first: a write without one is
        /// refused before its body is read).
        @Sendable func write(_ request: Request) async throws -> (JSONValue, String) {
            let author = try RequestInput.author(request)
            return (try await RequestInput.json(request, limit: limit), author)
        }
        @Sendable func created(_ text: String, _ created: Bool) -> Response {
            JSONResponse.make(text, status: created ? .created : .ok)
        }

        router.post("/v1/cases") { request, _ in
            let (body, author) = try await write(request)
            let result = try await offload { try node.createCase(body, author: author) }
            return created(result.document, result.created)
        }
        router.patch("/v1/cases/:id") { request, context in
            let id = try RequestInput.id(context.parameters)
            let (body, author) = try await write(request)
            return try await JSONResponse.make(offload { try node.patchCase(id: id, body, author: author) })
        }
        router.post("/v1/cases/:id/attentions") { request, context in
            let id = try RequestInput.id(context.parameters)
            let (body, author) = try await write(request)
            let result = try await offload { try node.addAttention(caseID: id, body, author: author) }
            return created(result.attention.canonicalText, result.created)
        }
        router.post("/v1/cases/:id/referrals") { request, context in
            let id = try RequestInput.id(context.parameters)
            let (body, author) = try await write(request)
            let result = try await offload { try node.addReferral(caseID: id, body, author: author) }
            return created(result.referral.canonicalText, result.created)
        }
        router.patch("/v1/cases/:id/referrals/:rid") { request, context in
            let id = try RequestInput.id(context.parameters)
            let referralID = try RequestInput.id(context.parameters, "rid")
            let (body, author) = try await write(request)
            return try await JSONResponse.make(offload {
                try node.patchReferral(caseID: id, referralID: referralID, body, author: author).canonicalText
            })
        }
        router.post("/v1/certifications") { request, _ in
            let (body, author) = try await write(request)
            let result = try await offload { try node.createCertification(body, author: author) }
            return created(result.document, result.created)
        }
        router.patch("/v1/certifications/:id") { request, context in
            let id = try RequestInput.id(context.parameters)
            let (body, author) = try await write(request)
            return try await JSONResponse.make(offload { try node.patchCertification(id: id, body, author: author) })
        }
        router.post("/v1/certifications/import") { request, _ in
            let bytes = try await RequestInput.body(request, limit: limit)
            let author = try RequestInput.author(request)
            guard let text = String(validating: bytes, as: UTF8.self) else { throw APIError.badRequest("the roster is not UTF-8 text") }
            return try await JSONResponse.make(offload { try node.importRoster(text, author: author).canonicalText }, status: .created)
        }
        for type in RecordType.allCases {
            let collection = type == .caseFile ? "/v1/cases" : "/v1/certifications"
            router.get(RouterPath(collection)) { request, _ in
                let (after, limit) = try RequestInput.page(request)
                let page = try await offload { try node.list(type, after: after, limit: limit) }
                return JSONResponse.page(page.items, next: page.next)
            }
            router.get(RouterPath(collection + "/:id")) { _, context in
                let id = try RequestInput.id(context.parameters)
                return try await JSONResponse.make(offload { try node.documentText(RecordKey(type, id)) })
            }
            router.get(RouterPath(collection + "/:id/history")) { _, context in
                let id = try RequestInput.id(context.parameters)
                return try await JSONResponse.make(offload { try node.history(RecordKey(type, id)).canonicalText })
            }
        }
    }
}
