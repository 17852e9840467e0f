import EnlaceAPI
import EnlaceModel
import EnlaceProtocol
import Hummingbird

/// The central office's reads: the server's status, the entries kept in quarantine and why, and
/// the central copy of a record (every read of a record audited).
struct OfficeController: Sendable {
    let server: CentralServer

    func addRoutes(to router: some RouterMethods<CentralContext>) {
        let server = self.server
        router.get(RouterPath(OfficeRoute.status)) { _, context in
            _ = try context.office(.viewer)
            return try await JSONResponse.make(server.status().json.canonicalText)
        }
        router.get(RouterPath(OfficeRoute.quarantine)) { request, context in
            _ = try context.office(.viewer)
            let (after, limit) = try RequestInput.page(request, fallback: 100, maximum: 1000)
            let position = try after.map { text -> Int64 in
                guard let value = Int64(text), value >= 0 else {
                    throw APIError.badRequest("after must be the `next` cursor of a previous page (a non-negative integer)", field: "after")
                }
                return value
            } ?? 0
            let entries = try await server.quarantined(after: position, limit: limit + 1)
            let page = entries.prefix(limit)
            let answer = QuarantinePage(items: page.map { QuarantinePage.Item(id: $0.id, reason: $0.reason) },
                                        next: entries.count > limit ? String(page.last!.position) : nil)
            return JSONResponse.make(answer.json.canonicalText)
        }
        // The cases of one woman's file (audited): GET /v1/cases?person_ref=REF.
        router.get(RouterPath(OfficeRoute.cases)) { request, context in
            let user = try context.office(.viewer)
            guard let ref = request.uri.queryParameters.get("person_ref") else {
                throw APIError.badRequest("give person_ref: the office lists the cases of one woman's file", field: "person_ref")
            }
            let items = try await server.cases(ofPerson: ref, by: user.subject)
            return JSONResponse.make(JSONValue.object(["items": .array(items)]).canonicalText)
        }
        for type in RecordType.allCases {
            router.get(RouterPath(OfficeRoute.recordPattern(type))) { _, context in
                let user = try context.office(.viewer)
                let id = try RequestInput.id(context.parameters)
                return try await JSONResponse.make(server.read(RecordKey(type, id), by: user.subject))
            }
            if type == .caseFile {
                // The office names a case's lead department (resolver or admin).
                router.post(RouterPath(OfficeRoute.leadPattern)) { request, context in
                    let user = try context.office(.resolver)
                    let id = try RequestInput.id(context.parameters)
                    guard case .object(let members) = try await RequestInput.json(request, limit: 64 << 10) else {
                        throw APIError.badRequest("expected a JSON object {\"department\": …, \"note\": …}")
                    }
                    guard let department = members["department"]?.stringValue else {
                        throw APIError.badRequest("department is required (text)", field: "department")
                    }
                    if let note = members["note"], !note.isNull, note.stringValue == nil {
                        throw APIError.badRequest("note must be text", field: "note")
                    }
                    if let extra = Set(members.keys).subtracting(["department", "note"]).sorted().first {
                        throw APIError.badRequest("unknown member \(extra)", field: extra)
                    }
                    let note = members["note"]?.stringValue
                    return try await JSONResponse.make(server.nameLead(caseID: id, department: department, note: note, by: user.subject))
                }
            }
            router.get(RouterPath(OfficeRoute.historyPattern(type))) { _, context in
                let user = try context.office(.viewer)
                let id = try RequestInput.id(context.parameters)
                return try await JSONResponse.make(server.history(RecordKey(type, id), by: user.subject).canonicalText)
            }
        }
    }
}
