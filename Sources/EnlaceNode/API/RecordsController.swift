import EnlaceAPI
import EnlaceModel
import EnlaceProtocol
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

        router.post(RouterPath(NodeRoute.collection(.caseFile))) { request, _ in
            let (body, author) = try await write(request)
            let result = try await node.createCase(body, author: author)
            return created(result.document, result.created)
        }
        router.patch(RouterPath(NodeRoute.recordPattern(.caseFile))) { request, context in
            let id = try RequestInput.id(context.parameters)
            let (body, author) = try await write(request)
            return try await JSONResponse.make(node.patchCase(id: id, body, author: author))
        }
        router.post(RouterPath(NodeRoute.attentionsPattern)) { request, context in
            let id = try RequestInput.id(context.parameters)
            let (body, author) = try await write(request)
            let result = try await node.addAttention(caseID: id, body, author: author)
            return created(result.attention.canonicalText, result.created)
        }
        router.post(RouterPath(NodeRoute.referralsPattern)) { request, context in
            let id = try RequestInput.id(context.parameters)
            let (body, author) = try await write(request)
            let result = try await node.addReferral(caseID: id, body, author: author)
            return created(result.referral.canonicalText, result.created)
        }
        router.patch(RouterPath(NodeRoute.referralPattern)) { request, context in
            let id = try RequestInput.id(context.parameters)
            let referralID = try RequestInput.id(context.parameters, "rid")
            let (body, author) = try await write(request)
            return try await JSONResponse.make(node.patchReferral(caseID: id, referralID: referralID, body, author: author).canonicalText)
        }
        router.post(RouterPath(NodeRoute.collection(.certification))) { request, _ in
            let (body, author) = try await write(request)
            let result = try await node.createCertification(body, author: author)
            return created(result.document, result.created)
        }
        router.patch(RouterPath(NodeRoute.recordPattern(.certification))) { request, context in
            let id = try RequestInput.id(context.parameters)
            let (body, author) = try await write(request)
            return try await JSONResponse.make(node.patchCertification(id: id, body, author: author))
        }
        router.post(RouterPath(NodeRoute.certificationImport)) { request, _ in
            let bytes = try await RequestInput.body(request, limit: limit)
            let author = try RequestInput.author(request)
            guard let text = String(validating: bytes, as: UTF8.self) else { throw APIError.badRequest("the roster is not UTF-8 text") }
            return try await JSONResponse.make(node.importRoster(text, author: author).canonicalText, status: .created)
        }
        for type in RecordType.allCases {
            router.get(RouterPath(NodeRoute.collection(type))) { request, _ in
                let (after, limit) = try RequestInput.page(request)
                let page = try await node.list(type, after: after, limit: limit)
                return JSONResponse.page(page.items, next: page.next)
            }
            router.get(RouterPath(NodeRoute.recordPattern(type))) { _, context in
                let id = try RequestInput.id(context.parameters)
                return try await JSONResponse.make(node.documentText(RecordKey(type, id)))
            }
            router.get(RouterPath(NodeRoute.historyPattern(type))) { _, context in
                let id = try RequestInput.id(context.parameters)
                return try await JSONResponse.make(node.history(RecordKey(type, id)).canonicalText)
            }
        }
    }
}
