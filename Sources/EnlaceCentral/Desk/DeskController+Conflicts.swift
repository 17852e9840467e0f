import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceWeb
import Foundation
import Hummingbird

/// The conflicts: the list, one conflict in plain words, and the decision.
extension DeskController {
    func conflictsPage(_ request: Request, _ session: DeskSession) async throws -> Response {
        let query = request.uri.queryParameters
        let status = query.get("estado").map { "\($0)" } ?? "open"
        guard let conflictStatus = Conflict.Status(rawValue: status) else { throw WebRefusal(.badRequest, "El estado debe ser abiertos o resueltos.") }
        var filter = ConflictFilter(status: conflictStatus)
        let department = query.get("departamento").map { "\($0)" } ?? ""
        if !department.isEmpty {
            guard Vocabulary.department.contains(department) else { throw WebRefusal(.badRequest, "Ese departamento no existe.") }
            filter.department = department
        }
        let type = query.get("tipo").map { "\($0)" } ?? ""
        if !type.isEmpty {
            guard let recordType = RecordType(rawValue: type) else { throw WebRefusal(.badRequest, "El registro debe ser caso o certificado.") }
            filter.recordType = recordType
        }
        let field = query.get("campo").map { "\($0)" } ?? ""
        if !field.isEmpty {
            guard field.utf8.count <= 200 else { throw WebRefusal(.badRequest, "Ese dato no existe.") }
            filter.fieldPrefix = field
        }
        let age = query.get("antiguedad").map { "\($0)" } ?? ""
        if !age.isEmpty {
            guard let hours = Int64(age), (0...ConflictsController.maxAgeHours).contains(hours) else {
                throw WebRefusal(.badRequest, "La antigüedad va en horas enteras, de 0 a \(ConflictsController.maxAgeHours).")
            }
            filter.firstAtOrBefore = server.now() - hours * 3_600_000
        }
        let order = query.get("orden").map { "\($0)" } ?? "recientes"
        guard order == "recientes" || order == "antiguos" else { throw WebRefusal(.badRequest, "El orden debe ser recientes o antiguos.") }
        let server = self.server
        let chosen = filter
        let listing = try await server.deskConflictRows(chosen, newestFirst: order == "recientes", readLimit: DeskController.listReadLimit,
                                    showLimit: DeskController.listShowLimit, by: session.user)
        let rows: [[String: Any]] = listing.rows.map { row in
            let statusText = row.conflict.status == .open ? "Abierto"
                : "Resuelto por \(row.resolvedBy.map(JournalSentence.displayAuthor) ?? "la oficina")" + (row.resolvedAt.map { " el \(LeonTime.format($0))" } ?? "")
            return [
                "id": row.conflict.id, "field": DisplayVocabulary.fieldLabel(row.conflict.field, of: row.conflict.key.type),
                "record": row.recordTitle, "departments": WebPage.listed(row.departments),
                "since": RFC3339.format(millis: row.conflict.firstAt), "sinceText": WebPage.readable(row.conflict.firstAt),
                "versions": row.versions, "statusText": statusText,
            ]
        }
        // The data one can filter on: each field of a case and of a certificate, by its label.
        var fieldOptions: [[String: Any]] = []
        for recordType in RecordType.allCases {
            for spec in recordType.schema.fields where !spec.path.contains("*") {
                let label = DisplayVocabulary.fieldLabel(spec.path, of: recordType) + (recordType == .certification ? " (certificado)" : "")
                fieldOptions.append(option(spec.path, label, selected: field))
            }
        }
        fieldOptions += [option("attentions", "Atenciones", selected: field), option("referrals", "Canalizaciones", selected: field)]
        return html(.ok, "conflicts", [
            "title": "Conflictos", "session": sessionView(session),
            "counts": listing.counts.sorted { $0.key < $1.key }.map {
                ["code": $0.key, "name": DisplayVocabulary.departmentShort($0.key), "count": $0.value] as [String: Any]
            },
            "statuses": [("open", "Abiertos"), ("resolved", "Resueltos")].map { option($0.0, $0.1, selected: status) },
            "departments": Vocabulary.department.values.map { option($0, DisplayVocabulary.departmentShort($0), selected: department) },
            "types": [("", "Todos"), ("case", "Casos"), ("certification", "Certificados")].map { option($0.0, $0.1, selected: type) },
            "fields": fieldOptions,
            "orders": [("recientes", "Más recientes primero"), ("antiguos", "Más antiguos primero")].map { option($0.0, $0.1, selected: order) },
            "age": age, "rows": rows,
            "countText": rows.count == listing.matched ? WebPage.counted(rows.count, "conflicto", "conflictos")
                : "Se muestran \(rows.count) de \(listing.matched) conflictos",
        ])
    }

    /// What the decision form held when it comes back with a problem: the choice, the other
    /// value and the note, so nothing typed is lost.
    struct DecisionDraft {
        var choice = ""
        var other: [String] = []
        var note = ""
        var problem: String?
    }

    func conflictPage(id: String, _ session: DeskSession, notice: String?, draft: DecisionDraft = DecisionDraft(),
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let server = self.server
        let view = try await server.deskConflict(id: id, by: session.user)
        let json = view.json
        let key = view.conflict.key
        let path = view.conflict.field
        var versionDepartments: [String] = []
        let versions: [[String: Any]] = (json["versions"]?.arrayValue ?? []).enumerated().map { index, version in
            let node = version["node_id"]?.stringValue ?? ""
            let department = node == "central" ? "CENTRAL" : view.departments[node] ?? ""
            if !department.isEmpty, !versionDepartments.contains(department) { versionDepartments.append(department) }
            let at = version["at"]?.stringValue ?? ""
            let entry = version["entry"]?.stringValue ?? ""
            return [
                "number": index + 1, "chosen": draft.choice == String(index + 1),
                "value": DisplayVocabulary.show(version["value"], field: path, of: key.type),
                "department": department.isEmpty ? "—" : DisplayVocabulary.department(department), "node": node,
                "departmentShort": department.isEmpty ? "un equipo sin departamento" : DisplayVocabulary.departmentShort(department),
                "author": version["author"]?.stringValue.map(JournalSentence.displayAuthor) ?? "no registrado", "entry": entry,
                "at": at, "atText": WebPage.readable(at), "clock": view.clocks[entry] ?? "—",
            ]
        }
        let fieldLabel = DisplayVocabulary.fieldLabel(path, of: key.type)
        let happened = versionDepartments.count >= 2
            ? "\(WebPage.listed(versionDepartments)) cambiaron «\(fieldLabel)» sin ver el cambio de la otra área."
            : "«\(fieldLabel)» recibió \(versions.count) valores distintos a la vez sin que uno conociera al otro."
        var resolution: Any = false
        if let resolved = json["resolution"], case .object = resolved {
            let at = resolved["at"]?.stringValue ?? ""
            resolution = [
                "value": DisplayVocabulary.show(resolved["value"], field: path, of: key.type),
                "by": resolved["by"]?.stringValue.map(JournalSentence.displayAuthor) ?? "La oficina", "at": at,
                "atText": WebPage.readable(at), "note": resolved["note"]?.stringValue as Any,
                "holders": view.holders.map { holder -> [String: Any] in
                    ["node": holder.node, "department": DisplayVocabulary.departmentShort(holder.department),
                     "received": holder.received == true ? "sí" : "todavía no",
                     "lastContact": holder.lastContact.map { WebPage.readable($0) } ?? "nunca"]
                },
            ] as [String: Any]
        }
        let open = view.conflict.status == .open
        let canResolve = open && session.role.rank >= Principal.Role.resolver.rank
        let recordTitle = CentralServer.title(of: key, document: view.record)
        return html(status, "conflict", [
            "title": "Conflicto en «\(fieldLabel)»", "session": sessionView(session), "notice": notice as Any,
            "id": view.conflict.id, "fieldPath": path, "rule": json["rule"]?.stringValue ?? "",
            "recordName": key.type == .caseFile ? "Caso" : "Certificado", "recordTitle": recordTitle,
            "recordID": key.id, "recordLink": DeskController.link(key), "statusName": open ? "abierto" : "resuelto",
            "happened": happened, "ruleText": DeskController.ruleText(json["rule"]?.stringValue ?? ""),
            "provisional": DisplayVocabulary.show(json["provisional_value"], field: path, of: key.type),
            "versions": versions, "resolution": resolution, "canResolve": canResolve,
            "readOnly": open && !canResolve, "roleName": DeskController.roleName(session.role), "csrf": session.csrf,
            "otherChosen": draft.choice == "otro", "note": draft.note, "formProblem": draft.problem as Any,
            "other": DeskController.otherInput(path, of: key.type, draft: draft.other),
        ])
    }

    /// The input a value of `path` is written in: a choice from its vocabulary, boxes for a set,
    /// a date, a number, text — never JSON.
    static func otherInput(_ path: String, of type: RecordType, draft: [String]) -> [String: Any] {
        let spec = DisplayVocabulary.spec(path, of: type)
        var input: [String: Any] = ["fieldLabel": DisplayVocabulary.fieldLabel(path, of: type), "text": draft.first ?? ""]
        switch spec?.type {
        case .vocabulary(let vocabulary)?:
            input["isChoice"] = true
            input["options"] = vocabulary.values.map { ["value": $0, "label": DisplayVocabulary.value($0, in: vocabulary), "selected": draft.contains($0)] as [String: Any] }
        case .set(let vocabulary)?:
            input["isSet"] = true
            input["options"] = vocabulary.values.map { ["value": $0, "label": DisplayVocabulary.value($0, in: vocabulary), "selected": draft.contains($0)] as [String: Any] }
        case .bool?:
            input["isChoice"] = true
            input["options"] = [("true", "Sí"), ("false", "No")].map { ["value": $0.0, "label": $0.1, "selected": draft.contains($0.0)] as [String: Any] }
        case .date?:
            input["isDate"] = true
        case .integer(let range)?:
            input["isNumber"] = true
            input["min"] = range.lowerBound
            input["max"] = range.upperBound
        default:
            input["isText"] = true
        }
        return input
    }

    /// The value the other input holds, as the field takes it; nil when it holds none.
    static func otherValue(_ posted: [String], _ path: String, of type: RecordType) -> JSONValue? {
        let spec = DisplayVocabulary.spec(path, of: type)
        let texts = posted.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        switch spec?.type {
        case .set?: return .array(texts.map(JSONValue.string))
        case .bool?: return texts.first.map { .bool($0 == "true") }
        case .integer?: return texts.first.flatMap(Int64.init).map(JSONValue.int) ?? texts.first.map(JSONValue.string)
        default: return texts.first.map(JSONValue.string)
        }
    }

    func resolve(id: String, _ request: Request, _ session: DeskSession) async throws -> Response {
        let form = try await form(request, session: session)
        guard session.role.rank >= Principal.Role.resolver.rank else {
            throw WebRefusal(.forbidden, "Tu rol (\(DeskController.roleName(session.role))) permite consultar los conflictos, no decidirlos.")
        }
        let server = self.server
        guard let conflict = try await server.storage.read({ try await $0.conflict(id: id) }) else {
            throw WebRefusal(.notFound, "Ese conflicto no existe.")
        }
        var draft = DecisionDraft(choice: form["eleccion"] ?? "", other: form.values("valor"),
                                  note: (form["nota"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        // A problem comes back on the same page, with everything she typed.
        func again(_ status: HTTPResponse.Status, _ problem: String) async throws -> Response {
            draft.problem = problem
            return try await conflictPage(id: id, session, notice: nil, draft: draft, status: status)
        }
        guard !draft.note.isEmpty else { return try await again(.unprocessableContent, "La nota es obligatoria: explica por qué se decide así.") }
        let value: JSONValue
        if draft.choice == "otro" {
            guard let other = DeskController.otherValue(draft.other, conflict.field, of: conflict.key.type) else {
                return try await again(.unprocessableContent, "Escribe o elige el otro valor, o elige una de las versiones.")
            }
            value = other
        } else {
            let versions = (try JSONValue.parse(conflict.json))["versions"]?.arrayValue ?? []
            guard let number = Int(draft.choice), number >= 1, number <= versions.count, let chosen = versions[number - 1]["value"] else {
                return try await again(.unprocessableContent, "Elige una de las versiones, u otro valor.")
            }
            value = chosen
        }
        do {
            let note = draft.note
            _ = try await server.resolve(conflictID: id, value: value, note: note, by: session.user)
        } catch let error where APIError.from(error) != nil {
            let api = APIError.from(error)!
            if api.code == "superseded", let current = api.details["current_id"]?.stringValue {
                return WebPage.redirect("/oficina/conflictos/\(current)?cambio=1")
            }
            return try await again(.init(code: api.status), ErrorWording.spanish(code: api.code, field: api.field == "value" ? conflict.field : api.field,
                                                                                  type: conflict.key.type) + " Nada se guardó.")
        }
        return WebPage.redirect("/oficina/conflictos/\(id)?resuelto=1")
    }
}
