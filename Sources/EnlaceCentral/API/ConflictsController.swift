import EnlaceAPI
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Hummingbird

/// The conflicts desk: list with filters, one conflict, and resolution (resolver or admin).
struct ConflictsController: Sendable {
    let server: CentralServer

    /// The oldest age a conflict filter may ask for: a century, in hours.
    static let maxAgeHours: Int64 = 100 * 366 * 24

    func addRoutes(to router: some RouterMethods<CentralContext>) {
        let server = self.server
        router.get(RouterPath(OfficeRoute.conflicts)) { request, context in
            let user = try context.office(.viewer)
            let filter = try ConflictsController.filter(request, now: server.now())
            let (after, limit) = try RequestInput.page(request, fallback: 500, maximum: 5000)
            let page = try await server.conflicts(filter, after: after, limit: limit, by: user.subject)
            return JSONResponse.page(page.items.map(\.json), next: page.next)
        }
        router.get(RouterPath(OfficeRoute.conflictPattern)) { _, context in
            let user = try context.office(.viewer)
            let id = context.parameters.get("id") ?? ""
            guard let conflict = try await server.conflict(id: id, by: user.subject) else {
                throw APIError(404, "no conflict with that id")
            }
            return JSONResponse.make(conflict.json)
        }
        router.post(RouterPath(OfficeRoute.resolvePattern)) { request, context in
            let user = try context.office(.resolver)
            let id = context.parameters.get("id") ?? ""
            guard case .object(let members) = try await RequestInput.json(request, limit: 1 << 20) else {
                throw APIError.badRequest("expected a JSON object {\"value\": …, \"note\": …}")
            }
            guard let value = members["value"] else { throw APIError.badRequest("value is required", field: "value") }
            if let note = members["note"], !note.isNull, note.stringValue == nil {
                throw APIError.badRequest("note must be text", field: "note")
            }
            if let extra = Set(members.keys).subtracting(["value", "note"]).sorted().first {
                throw APIError.badRequest("unknown member \(extra)", field: extra)
            }
            let note = members["note"]?.stringValue
            return try await JSONResponse.make(server.resolve(conflictID: id, value: value, note: note, by: user.subject))
        }
    }

    /// The list's filter from the query: status, department, record type, field prefix, age.
    static func filter(_ request: Request, now: Int64) throws -> ConflictFilter {
        let query = request.uri.queryParameters
        var filter = ConflictFilter(status: try RequestInput.conflictStatus(request))
        if let department = query.get("department").map({ "\($0)" }) {
            guard Vocabulary.department.contains(department) else {
                throw APIError(422, "department must be one of \(Vocabulary.department.values.joined(separator: ", "))", field: "department")
            }
            filter.department = department
        }
        if let text = query.get("record_type") {
            guard let type = RecordType(rawValue: "\(text)") else {
                throw APIError(422, "record_type must be case or certification", field: "record_type")
            }
            filter.recordType = type
        }
        filter.fieldPrefix = query.get("field").map { "\($0)" }
        if let text = query.get("older_than_hours") {
            guard let hours = Int64(text), (0...maxAgeHours).contains(hours) else {
                throw APIError.badRequest("older_than_hours must be a whole number of hours from 0 to \(maxAgeHours)", field: "older_than_hours")
            }
            filter.firstAtOrBefore = now - hours * 3_600_000
        }
        return filter
    }
}
