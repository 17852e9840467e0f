import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceWeb
import Foundation
import Hummingbird

/// A case or a certificate as the coordinator reads it: by section, each field by its label
/// with why it holds its value one click away, the attentions and referrals, the lead, and the
/// journal as sentences.
extension DeskController {
    func recordPage(_ key: RecordKey, _ session: DeskSession) async throws -> Response {
        let server = self.server
        let view = try await server.deskRecord(key, by: session.user)
        let record = view.record
        let canResolve = session.role.rank >= Principal.Role.resolver.rank
        var context: [String: Any] = [
            "title": (key.type == .caseFile ? "Caso " : "Certificado ") + CentralServer.title(of: key, document: record),
            "session": sessionView(session), "isCase": key.type == .caseFile, "recordID": key.id,
        ]
        if let erased = record["erased"], case .object = erased {
            let at = erased["at"]?.stringValue ?? ""
            context["erased"] = ["at": at, "atText": WebPage.readable(at), "by": JournalSentence.displayAuthor(erased["by"]?.stringValue ?? ""),
                                 "reason": erased["reason"]?.stringValue ?? "", "basis": erased["legal_basis"]?.stringValue ?? ""]
            context["sections"] = [DeskController.section("Lo que queda del caso", fields: ["folio", "origin_department"].compactMap { path in
                record[path].map { ["label": DisplayVocabulary.fieldLabel(path), "value": DisplayVocabulary.show($0, field: path)] as [String: Any] }
            })]
            return html(.ok, "record", context)
        }
        // Why each field holds its value; a set's elements are explained one by one.
        var explanations: [String: [JSONValue]] = [:]
        for field in view.history?["fields"]?.arrayValue ?? [] {
            guard let path = field["field"]?.stringValue else { continue }
            let base = key.type.schema.fields.contains { $0.path == path } ? path : String(path.prefix { $0 != "." })
            explanations[base, default: []].append(field)
        }
        var conflictByField: [String: String] = [:]
        for conflict in record["conflicts"]?.arrayValue ?? [] {
            guard let field = conflict["field"]?.stringValue, let id = conflict["id"]?.stringValue else { continue }
            let base = key.type.schema.fields.contains { $0.path == field } ? field : String(field.prefix { $0 != "." })
            conflictByField[base] = conflictByField[base] ?? id
        }
        func fieldView(_ path: String) -> [String: Any]? {
            let value = DeskController.value(at: path, in: record)
            let written = explanations[path] ?? []
            // A field nobody wrote is left out: the page shows what is known of her.
            guard !written.isEmpty || (value != nil && value != .null && value != .array([])) else { return nil }
            let explanation = written.map { field -> String in
                let text = DeskController.explanation(of: field, type: key.type)
                let elementPath = field["field"]?.stringValue ?? path
                return elementPath == path ? text : "\(DisplayVocabulary.fieldLabel(elementPath, of: key.type)) — \(text)"
            }
            // Her file is shown as her other cases, by folio, not as its number.
            let shown = path == "person_ref"
                ? (view.siblings.isEmpty ? "ninguno" : view.siblings.map(\.folio).joined(separator: ", "))
                : DisplayVocabulary.show(value, field: path, of: key.type)
            return [
                "label": path == "person_ref" ? "Otros casos de la misma mujer" : DisplayVocabulary.fieldLabel(path, of: key.type), "value": shown,
                "links": path == "person_ref" ? view.siblings.map { ["folio": $0.folio, "href": "/oficina/casos/\($0.id)"] } : [] as [[String: String]],
                "help": DisplayVocabulary.field(path, of: key.type)?.help as Any,
                "explanations": explanation.isEmpty ? ["Nadie lo ha anotado todavía."] : explanation,
                "inConflict": conflictByField[path] != nil, "conflictLink": conflictByField[path].map { "/oficina/conflictos/\($0)" } as Any,
            ]
        }
        if key.type == .caseFile {
            context["sections"] = DisplayVocabulary.caseSections.map { section in
                DeskController.section(section.title, fields: section.fields.compactMap(fieldView))
            }.filter { ($0["fields"] as? [Any])?.isEmpty == false }
            context["noContact"] = record["safe_contact"]?["no_contact"]?.boolValue == true
            context["lead"] = try await leadSection(key, record: record, canResolve: canResolve, csrf: session.csrf)
            context["attentions"] = DeskController.ordered(record["attentions"]?.arrayValue ?? [], by: "at").map(DeskController.attention)
            context["referrals"] = DeskController.ordered(record["referrals"]?.arrayValue ?? [], by: "created_at").map(DeskController.referral)
        } else {
            let paths = key.type.schema.fields.map(\.path)
            context["sections"] = [DeskController.section("El certificado", fields: paths.compactMap(fieldView))]
        }
        context["openConflicts"] = conflictByField.isEmpty ? nil : conflictByField.count
        let lines = view.history?["entries"]?.arrayValue ?? []
        context["entries"] = lines.map { line -> [String: Any] in
            let at = line["at"]?.stringValue ?? ""
            return ["at": at, "atText": WebPage.readable(at),
                    "sentence": JournalSentence.describe(line, type: key.type, department: { view.departments[$0] }),
                    "note": line["note"]?.stringValue as Any]
        }
        context["entryIDs"] = lines.compactMap { $0["entry"]?.stringValue }
        return html(.ok, "record", context)
    }

    /// The lead department: who leads now, namings held back because their writer could not
    /// name, and (for a resolver) the form to name one.
    func leadSection(_ key: RecordKey, record: JSONValue, canResolve: Bool, csrf: String) async throws -> [String: Any] {
        let server = self.server
        let namings = try await server.quarantinedLeadNamings(caseID: key.id)
        let leads = LeadRule.currentLeads(of: record).sorted()
        let action = "/oficina/casos/\(key.id)/lider"
        let origin = record["origin_department"]?.stringValue.map(DisplayVocabulary.department) ?? "el departamento de origen"
        return [
            "current": leads.isEmpty ? "sin líder nombrado; lo lleva \(origin)"
                : leads.map(DisplayVocabulary.department).joined(separator: " y "),
            "disputed": leads.count > 1, "canResolve": canResolve, "csrf": csrf, "action": action,
            "departments": Vocabulary.department.values.filter { $0 != LeadRule.office }.map {
                ["code": $0, "name": DisplayVocabulary.department($0)]
            },
            "namings": namings.map { naming -> [String: Any] in
                let at = RFC3339.format(millis: naming.at)
                return ["department": DisplayVocabulary.departmentShort(naming.department), "lead": naming.lead,
                        "leadName": DisplayVocabulary.department(naming.lead), "author": naming.author.map(JournalSentence.displayAuthor) as Any,
                        "at": at, "atText": WebPage.readable(at), "canResolve": canResolve, "csrf": csrf, "action": action]
            },
        ]
    }

    /// The office names a case's lead (a resolver or an admin), with a note.
    func nameLead(caseID: String, _ request: Request, _ session: DeskSession) async throws -> Response {
        let form = try await form(request, session: session)
        guard session.role.rank >= Principal.Role.resolver.rank else {
            throw WebRefusal(.forbidden, "Tu rol (\(DeskController.roleName(session.role))) puede consultar casos pero no nombrar a su líder.")
        }
        let note = (form["nota"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw WebRefusal(.unprocessableContent, "La nota es obligatoria: explica por qué ese departamento lleva el caso.") }
        let department = form["departamento"] ?? ""
        guard Vocabulary.department.contains(department), department != LeadRule.office else {
            throw WebRefusal(.unprocessableContent, "Elige uno de los departamentos de la lista.")
        }
        let server = self.server
        _ = try await server.nameLead(caseID: caseID, department: department, note: note, by: session.user)
        return WebPage.redirect("/oficina/casos/\(caseID)")
    }

    // MARK: Pieces

    static func section(_ title: String, fields: [[String: Any]]) -> [String: Any] {
        let anchor = title.lowercased().folding(options: .diacriticInsensitive, locale: nil)
            .map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return ["title": title, "anchor": "seccion-" + anchor, "fields": fields]
    }

    /// The value at a dotted path of a document (`safe_contact.phone`).
    static func value(at path: String, in document: JSONValue) -> JSONValue? {
        var value: JSONValue? = document
        for part in path.split(separator: ".") { value = value?[String(part)] }
        return value
    }

    static func ordered(_ items: [JSONValue], by name: String) -> [JSONValue] {
        items.sorted { ($0[name]?.stringValue ?? "", $0["id"]?.stringValue ?? "") < ($1[name]?.stringValue ?? "", $1["id"]?.stringValue ?? "") }
    }

    static func attention(_ item: JSONValue) -> [String: Any] {
        let at = item["at"]?.stringValue ?? ""
        return [
            "at": at, "atText": WebPage.readable(at), "kind": DisplayVocabulary.show(item["kind"], field: "attentions.*.kind"),
            "department": DisplayVocabulary.departmentShort(item["department"]?.stringValue ?? ""),
            "servant": item["servant_id"]?.stringValue as Any, "certified": item["certification_folio"]?.stringValue as Any,
            "corrects": item["corrects"]?.stringValue != nil, "note": item["note"]?.stringValue as Any,
        ]
    }

    static func referral(_ item: JSONValue) -> [String: Any] {
        let at = item["created_at"]?.stringValue ?? ""
        return [
            "at": at, "atText": at.isEmpty ? "sin fecha" : WebPage.readable(at),
            "from": DisplayVocabulary.departmentShort(item["from"]?.stringValue ?? ""),
            "to": DisplayVocabulary.show(item["to"], field: "referrals.*.to"),
            "urgency": item["urgency"].map { DisplayVocabulary.show($0, field: "referrals.*.urgency").lowercased() } as Any,
            "state": DisplayVocabulary.show(item["state"], field: "referrals.*.state").lowercased(),
            "reason": item["reason"]?.stringValue as Any, "answer": item["state_note"]?.stringValue as Any,
        ]
    }
}
