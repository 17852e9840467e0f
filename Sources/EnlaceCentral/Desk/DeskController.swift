import EnlaceAPI
import EnlaceModel
import EnlaceStore
import Foundation
import Hummingbird

/// The central office's desk: server-rendered Spanish pages under `/oficina/`, the one place
/// where a session cookie (with a CSRF token in every form) stands in for the bearer token.
/// Every page is plain HTML that works without JavaScript; every read of a woman's data and
/// every sign-in is audited by the server calls it makes.
struct DeskController: Sendable {
    let server: CentralServer
    /// Whether the server speaks TLS: session cookies are then `Secure`.
    let secure: Bool
    /// How long a refused sign-in waits before answering.
    let refusalDelay: Duration
    /// Load balancers whose `X-Forwarded-For` names the client.
    let trustedProxies: Set<String>

    static let sessionCookie = "enlace_oficina"
    /// Before signing in: the token the sign-in form carries back (double submit).
    static let signInCookie = "enlace_oficina_entrada"
    /// Most conflicts a list reads, and shows.
    static let listReadLimit = 20_000, listShowLimit = 200
    static let formLimit = 256 * 1024

    func addRoutes(to router: Router<CentralContext>) {
        let desk = self
        router.get("/oficina") { _, _ in DeskController.redirect("/oficina/conflictos") }
        router.get("/oficina/estilo.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: DeskTemplates.stylesheet)))
        }
        router.get("/oficina/entrar") { request, _ in
            let notice = request.uri.queryParameters.get("salida") != nil ? "Sesión cerrada." : nil
            return desk.signInPage(status: .ok, name: "", notice: notice, problem: nil)
        }
        router.post("/oficina/entrar") { request, context in
            try await desk.signIn(request, client: context.client(request, trustedProxies: desk.trustedProxies))
        }
        router.post("/oficina/salir") { request, _ in
            try await desk.page(request, back: "/oficina/conflictos") { session in
                _ = try await desk.form(request, session: session)
                try await offload { try desk.server.signOut(session) }
                var response = DeskController.redirect("/oficina/entrar?salida=1")
                response.headers[values: .setCookie] = [desk.cookie(DeskController.sessionCookie, "", maxAge: 0)]
                return response
            }
        }
        router.get("/oficina/conflictos") { request, _ in
            try await desk.page(request, back: "/oficina/conflictos") { session in try await desk.conflictsPage(request, session) }
        }
        router.get("/oficina/conflictos/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await desk.page(request, back: "/oficina/conflictos") { session in
                try await desk.conflictPage(id: id, session, notice: request.uri.queryParameters.get("resuelto") != nil
                                            ? "Conflicto resuelto. La decisión llega a cada nodo en su siguiente sincronización." : nil)
            }
        }
        router.post("/oficina/conflictos/:id/resolver") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await desk.page(request, back: "/oficina/conflictos/\(id)") { session in try await desk.resolve(id: id, request, session) }
        }
        router.post("/oficina/casos/:id/lider") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await desk.page(request, back: "/oficina/casos/\(id)") { session in try await desk.nameLead(caseID: id, request, session) }
        }
        for type in RecordType.allCases {
            let path = type == .caseFile ? "/oficina/casos/:id" : "/oficina/certificaciones/:id"
            router.get(RouterPath(path)) { request, context in
                let id = context.parameters.get("id") ?? ""
                return try await desk.page(request, back: "/oficina/conflictos") { session in
                    try await desk.recordPage(RecordKey(type, id), session)
                }
            }
        }
        router.get("/oficina/nodos") { request, _ in
            try await desk.page(request, back: "/oficina/conflictos") { session in try await desk.nodesPage(session) }
        }
        router.get("/oficina/bitacora") { request, _ in
            try await desk.page(request, back: "/oficina/conflictos") { session in try await desk.auditPage(session) }
        }
        router.get("/oficina/informe") { request, _ in
            try await desk.page(request, back: "/oficina/conflictos") { session in try await desk.reportPage(session) }
        }
        router.get("/oficina/informe.csv") { request, _ in
            try await desk.page(request, back: "/oficina/informe") { session in
                let report = try await offload { try desk.server.complianceReport(by: session.user) }
                return Response(status: .ok, headers: [
                    .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                    .contentDisposition: "attachment; filename=\"informe-avgm.csv\"",
                ], body: ResponseBody(byteBuffer: ByteBuffer(string: report.csv)))
            }
        }
    }

    // MARK: Sign-in and sessions

    func signInPage(status: HTTPResponse.Status, name: String, notice: String?, problem: String?) -> Response {
        let token = Credentials.makeToken()
        var response = html(status, "signin", [
            "title": "Entrar a la oficina central", "csrf": token, "name": name, "notice": notice as Any, "problem": problem as Any,
        ])
        response.headers[values: .setCookie] = [cookie(DeskController.signInCookie, token, maxAge: 3600)]
        return response
    }

    func signIn(_ request: Request, client: String) async throws -> Response {
        let body = try await request.body.collect(upTo: DeskController.formLimit)
        guard let form = DeskForm(urlencoded: Array(buffer: body)) else {
            return signInPage(status: .badRequest, name: "", notice: nil, problem: "El formulario llegó dañado; inténtalo de nuevo.")
        }
        let expected = DeskForm.cookie(DeskController.signInCookie, in: request.headers[.cookie])
        guard let expected, let sent = form["csrf"], DeskController.same(expected, sent) else {
            return signInPage(status: .forbidden, name: form["nombre"] ?? "", notice: nil,
                              problem: "El formulario caducó o no salió de esta página. Vuelve a escribir tus datos.")
        }
        let name = (form["nombre"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["contrasena"] ?? ""
        guard !name.isEmpty, name.utf8.count <= 128, !password.isEmpty, password.utf8.count <= PasswordHash.maximumLength else {
            return signInPage(status: .badRequest, name: name, notice: nil, problem: "Escribe tu nombre y tu contraseña.")
        }
        switch try await server.signIn(user: name, password: password, client: client) {
        case .session(let token, _):
            var response = DeskController.redirect("/oficina/conflictos")
            response.headers[values: .setCookie] = [
                cookie(DeskController.sessionCookie, token, maxAge: Int(CentralServer.deskSessionMillis / 1000)),
                cookie(DeskController.signInCookie, "", maxAge: 0),
            ]
            return response
        case .refused:
            try await Task.sleep(for: refusalDelay)
            return signInPage(status: .unauthorized, name: name, notice: nil, problem: "Nombre o contraseña incorrectos.")
        case .busy:
            var response = signInPage(status: .serviceUnavailable, name: name, notice: nil,
                                      problem: "Hay muchas personas entrando al mismo tiempo. Inténtalo de nuevo en unos segundos.")
            response.headers[.retryAfter] = "2"
            return response
        case .clientLimited:
            var response = signInPage(status: .tooManyRequests, name: name, notice: nil,
                                      problem: "Espera un momento antes de volver a intentarlo.")
            response.headers[.retryAfter] = "5"
            return response
        case .throttled:
            try await Task.sleep(for: refusalDelay)
            var response = signInPage(status: .tooManyRequests, name: name, notice: nil,
                                      problem: "Demasiados intentos fallidos con este nombre. Espera 15 minutos o pide ayuda a una administradora.")
            response.headers[.retryAfter] = String(CentralServer.signInWindowMillis / 1000)
            return response
        }
    }

    /// Runs a signed-in page: without a live session it sends the browser to sign in; a
    /// refusal becomes a Spanish error page with its status.
    func page(_ request: Request, back: String, _ body: (DeskSession) async throws -> Response) async throws -> Response {
        let server = self.server
        guard let token = DeskForm.cookie(DeskController.sessionCookie, in: request.headers[.cookie]),
              let session = try await offload({ try server.deskSession(token: token) })
        else {
            if request.method == .get { return DeskController.redirect("/oficina/entrar") }
            return errorPage(.unauthorized, session: nil, explanation: "Tu sesión terminó. Vuelve a entrar.", detail: nil, back: "/oficina/entrar")
        }
        do {
            return try await body(session)
        } catch let error as DeskRefusal {
            return errorPage(error.status, session: session, explanation: error.explanation, detail: nil, back: back)
        } catch let error where APIError.from(error) != nil {
            let api = APIError.from(error)!
            return errorPage(.init(code: api.status), session: session, explanation: DeskController.explanation(api.status),
                             detail: api.message, back: back)
        }
    }

    /// The posted form of a signed-in page, after its CSRF token is checked.
    func form(_ request: Request, session: DeskSession) async throws -> DeskForm {
        let body = try await request.body.collect(upTo: DeskController.formLimit)
        guard let form = DeskForm(urlencoded: Array(buffer: body)) else {
            throw DeskRefusal(.badRequest, "El formulario llegó dañado; inténtalo de nuevo.")
        }
        guard let sent = form["csrf"], DeskController.same(sent, session.csrf) else {
            throw DeskRefusal(.forbidden, "El formulario caducó o no salió de esta página (falta su código de seguridad). Vuelve a abrir la página.")
        }
        return form
    }

    // MARK: Pages

    func conflictsPage(_ request: Request, _ session: DeskSession) async throws -> Response {
        let query = request.uri.queryParameters
        let status = query.get("estado").map { "\($0)" } ?? "open"
        guard let conflictStatus = Conflict.Status(rawValue: status) else { throw DeskRefusal(.badRequest, "El estado debe ser abierto o resuelto.") }
        var filter = ConflictFilter(status: conflictStatus)
        let department = query.get("departamento").map { "\($0)" } ?? ""
        if !department.isEmpty {
            guard Vocabulary.department.contains(department) else { throw DeskRefusal(.badRequest, "No existe el departamento «\(department)».") }
            filter.department = department
        }
        let type = query.get("tipo").map { "\($0)" } ?? ""
        if !type.isEmpty {
            guard let recordType = RecordType(rawValue: type) else { throw DeskRefusal(.badRequest, "El tipo debe ser expediente o certificación.") }
            filter.recordType = recordType
        }
        let field = query.get("campo").map { "\($0)" } ?? ""
        if !field.isEmpty {
            guard field.utf8.count <= 200 else { throw DeskRefusal(.badRequest, "El campo es demasiado largo.") }
            filter.fieldPrefix = field
        }
        let age = query.get("antiguedad").map { "\($0)" } ?? ""
        if !age.isEmpty {
            guard let hours = Int64(age), (0...ConflictsController.maxAgeHours).contains(hours) else {
                throw DeskRefusal(.badRequest, "La antigüedad va en horas enteras, de 0 a \(ConflictsController.maxAgeHours).")
            }
            filter.firstAtOrBefore = server.now() - hours * 3_600_000
        }
        let order = query.get("orden").map { "\($0)" } ?? "recientes"
        guard order == "recientes" || order == "antiguos" else { throw DeskRefusal(.badRequest, "El orden debe ser recientes o antiguos.") }
        let server = self.server
        let chosen = filter
        let (matched, counts) = try await offload { () -> ([StoredConflict], [String: Int]) in
            var all: [StoredConflict] = []
            var after: String?
            repeat {
                let page = try server.conflicts(chosen, after: after, limit: 5000)
                all += page.items
                after = page.next
            } while after != nil && all.count < DeskController.listReadLimit
            return (all, try server.storage.read { try $0.openConflictsByDepartment() })
        }
        let sorted = matched.sorted { order == "recientes" ? ($0.firstAt, $0.id) > ($1.firstAt, $1.id) : ($0.firstAt, $0.id) < ($1.firstAt, $1.id) }
        let rows: [[String: Any]] = sorted.prefix(DeskController.listShowLimit).map { conflict in
            let versions = (try? JSONValue.parse(conflict.json))?["versions"]?.arrayValue?.count ?? 0
            return [
                "id": conflict.id, "field": conflict.field, "record": "\(DeskController.typeName(conflict.key.type)) \(conflict.key.id)",
                "department": conflict.department ?? "", "since": RFC3339.format(millis: conflict.firstAt),
                "sinceText": DeskController.readable(conflict.firstAt), "versions": versions,
                "statusName": conflict.status == .open ? "abierto" : "resuelto",
            ]
        }
        return html(.ok, "conflicts", [
            "title": "Conflictos", "session": sessionView(session),
            "counts": counts.sorted { $0.key < $1.key }.map { ["department": $0.key, "count": $0.value] as [String: Any] },
            "statuses": [("open", "Abiertos"), ("resolved", "Resueltos")].map { option($0.0, $0.1, selected: status) },
            "departments": Vocabulary.department.values.map { option($0, $0, selected: department) },
            "types": [("", "Todos"), ("case", "Expedientes"), ("certification", "Certificaciones")].map { option($0.0, $0.1, selected: type) },
            "orders": [("recientes", "Más recientes primero"), ("antiguos", "Más antiguos primero")].map { option($0.0, $0.1, selected: order) },
            "field": field, "age": age, "rows": rows, "shown": rows.count, "matched": matched.count,
        ])
    }

    func conflictPage(id: String, _ session: DeskSession, notice: String?) async throws -> Response {
        let server = self.server
        let view = try await offload { try server.deskConflict(id: id, by: session.user) }
        let json = view.json
        let versions: [[String: Any]] = (json["versions"]?.arrayValue ?? []).enumerated().map { index, version in
            let node = version["node_id"]?.stringValue ?? ""
            let at = version["at"]?.stringValue ?? ""
            return [
                "number": index + 1, "first": index == 0, "value": DeskController.shown(version["value"] ?? .null),
                "node": node, "department": view.departments[node] ?? "—", "author": version["author"]?.stringValue ?? "—",
                "at": at, "atText": DeskController.readable(at), "clock": view.clocks[version["entry"]?.stringValue ?? ""] ?? "—",
            ]
        }
        var resolution: Any = false
        if let resolved = json["resolution"], case .object = resolved {
            let at = resolved["at"]?.stringValue ?? ""
            resolution = [
                "value": DeskController.shown(resolved["value"] ?? .null), "by": resolved["by"]?.stringValue ?? "", "at": at,
                "atText": DeskController.readable(at), "note": resolved["note"]?.stringValue as Any,
                "holders": view.holders.map { holder -> [String: Any] in
                    ["node": holder.node, "department": holder.department,
                     "received": holder.received == true ? "sí" : "todavía no",
                     "lastContact": holder.lastContact.map(DeskController.readable) ?? "nunca"]
                },
            ] as [String: Any]
        }
        let open = view.conflict.status == .open
        let canResolve = open && session.role.rank >= Principal.Role.resolver.rank
        let key = view.conflict.key
        return html(.ok, "conflict", [
            "title": "Conflicto en «\(view.conflict.field)»", "session": sessionView(session), "notice": notice as Any,
            "id": view.conflict.id, "field": view.conflict.field, "recordName": DeskController.typeName(key.type).capitalized,
            "recordID": key.id, "recordLink": DeskController.link(key), "folio": view.record?["folio"]?.stringValue as Any,
            "statusName": open ? "abierto" : "resuelto",
            "ruleText": DeskController.ruleText(json["rule"]?.stringValue ?? ""),
            "provisional": DeskController.shown(json["provisional_value"] ?? .null),
            "versions": versions, "resolution": resolution, "canResolve": canResolve,
            "readOnly": open && !canResolve, "roleName": DeskController.roleName(session.role), "csrf": session.csrf,
        ])
    }

    func resolve(id: String, _ request: Request, _ session: DeskSession) async throws -> Response {
        let form = try await form(request, session: session)
        guard session.role.rank >= Principal.Role.resolver.rank else {
            throw DeskRefusal(.forbidden, "Tu rol (\(DeskController.roleName(session.role))) puede consultar conflictos pero no resolverlos.")
        }
        let note = (form["nota"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw DeskRefusal(.unprocessableContent, "La nota es obligatoria: explica por qué se decide así.") }
        let server = self.server
        let choice = form["eleccion"] ?? ""
        let conflict = try await offload { try server.storage.read { try $0.conflict(id: id) } }
        guard let conflict else { throw DeskRefusal(.notFound, "No existe ese conflicto.") }
        let value: JSONValue
        if choice == "otro" {
            let text = (form["valor"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw DeskRefusal(.unprocessableContent, "Escribe el otro valor, o elige una de las versiones.") }
            // Text fields take the text as written; others (numbers, yes/no, sets) read it as JSON.
            switch conflict.key.type.schema.register(forPath: conflict.field)?.spec.type {
            case .text, .date, .timestamp, .vocabulary, nil: value = .string(text)
            default: value = (try? JSONValue.parse(text)) ?? .string(text)
            }
        } else {
            guard let number = Int(choice), number >= 1 else { throw DeskRefusal(.unprocessableContent, "Elige una versión o escribe otro valor.") }
            let versions = (try JSONValue.parse(conflict.json))["versions"]?.arrayValue ?? []
            guard number <= versions.count, let chosen = versions[number - 1]["value"] else {
                throw DeskRefusal(.unprocessableContent, "La versión elegida no existe; vuelve a abrir el conflicto.")
            }
            value = chosen
        }
        _ = try await offload { try server.resolve(conflictID: id, value: value, note: note, by: session.user) }
        return DeskController.redirect("/oficina/conflictos/\(id)?resuelto=1")
    }

    /// The office names a case's lead (a resolver or an admin), with a note.
    func nameLead(caseID: String, _ request: Request, _ session: DeskSession) async throws -> Response {
        let form = try await form(request, session: session)
        guard session.role.rank >= Principal.Role.resolver.rank else {
            throw DeskRefusal(.forbidden, "Tu rol (\(DeskController.roleName(session.role))) puede consultar casos pero no nombrar a su líder.")
        }
        let note = (form["nota"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw DeskRefusal(.unprocessableContent, "La nota es obligatoria: explica por qué ese departamento lleva el caso.") }
        let department = form["departamento"] ?? ""
        guard Vocabulary.department.contains(department), department != LeadRule.office else {
            throw DeskRefusal(.unprocessableContent, "Elige uno de los departamentos de la lista.")
        }
        let server = self.server
        _ = try await offload { try server.nameLead(caseID: caseID, department: department, note: note, by: session.user) }
        return DeskController.redirect("/oficina/casos/\(caseID)")
    }

    func recordPage(_ key: RecordKey, _ session: DeskSession) async throws -> Response {
        let server = self.server
        let (record, history) = try await offload { try server.deskRecord(key, by: session.user) }
        var lead: [String: Any]?
        if key.type == .caseFile, record["erased"] == nil {
            let namings = try await offload { try server.quarantinedLeadNamings(caseID: key.id) }
            let canResolve = session.role.rank >= Principal.Role.resolver.rank
            lead = [
                "current": LeadRule.currentLeads(of: record).sorted().joined(separator: " y "),
                "disputed": LeadRule.currentLeads(of: record).count > 1,
                "canResolve": canResolve, "csrf": session.csrf, "action": "/oficina/casos/\(key.id)/lider",
                "departments": Vocabulary.department.values.filter { $0 != LeadRule.office }.map { ["code": $0] },
                "namings": namings.map { naming -> [String: Any] in
                    let at = RFC3339.format(millis: naming.at)
                    return ["department": naming.department, "lead": naming.lead, "author": naming.author as Any, "at": at,
                            "atText": DeskController.readable(at), "canResolve": canResolve, "csrf": session.csrf,
                            "action": "/oficina/casos/\(key.id)/lider"]
                },
            ]
        }
        // The case's own fields; attentions and referrals are listed below, item by item.
        let fields: [[String: Any]] = (history["fields"]?.arrayValue ?? []).compactMap { field in
            let path = field["field"]?.stringValue ?? ""
            guard !path.hasPrefix("attentions."), !path.hasPrefix("referrals.") else { return nil }
            return ["field": path, "value": DeskController.shown(field["value"] ?? .null),
                    "rule": DeskController.ruleName(field["rule"]?.stringValue ?? ""), "explanation": DeskController.explanation(of: field),
                    "inConflict": field["in_conflict"]?.boolValue == true]
        }
        func timed(_ items: [JSONValue], at name: String) -> [JSONValue] {
            items.sorted { ($0[name]?.stringValue ?? "", $0["id"]?.stringValue ?? "") < ($1[name]?.stringValue ?? "", $1["id"]?.stringValue ?? "") }
        }
        let attentions: [[String: Any]] = timed(record["attentions"]?.arrayValue ?? [], at: "at").map { item in
            let at = item["at"]?.stringValue ?? ""
            return ["at": at, "atText": DeskController.readable(at), "kind": item["kind"]?.stringValue ?? "",
                    "department": item["department"]?.stringValue ?? "", "servant": item["servant_id"]?.stringValue as Any,
                    "note": item["note"]?.stringValue as Any]
        }
        let referrals: [[String: Any]] = timed(record["referrals"]?.arrayValue ?? [], at: "created_at").map { item in
            let at = item["created_at"]?.stringValue ?? ""
            return ["at": at, "atText": DeskController.readable(at), "from": item["from"]?.stringValue ?? "",
                    "to": item["to"]?.stringValue ?? "", "state": item["state"]?.stringValue ?? "", "reason": item["reason"]?.stringValue as Any]
        }
        let entries: [[String: Any]] = (history["entries"]?.arrayValue ?? []).map { entry in
            let at = entry["at"]?.stringValue ?? ""
            return ["at": at, "atText": DeskController.readable(at), "entry": entry["entry"]?.stringValue ?? "",
                    "author": entry["author"]?.stringValue ?? "—",
                    "fields": (entry["fields"]?.arrayValue ?? []).compactMap { $0["field"]?.stringValue }.joined(separator: ", ")]
        }
        let folio = record["folio"]?.stringValue.map { " \($0)" } ?? ""
        return html(.ok, "record", [
            "title": "\(DeskController.typeName(key.type).capitalized)\(folio)", "session": sessionView(session),
            "fields": fields, "attentions": attentions, "referrals": referrals, "entries": entries, "lead": lead as Any,
        ])
    }

    func nodesPage(_ session: DeskSession) async throws -> Response {
        let server = self.server
        let (nodes, status) = try await offload { (try server.deskNodes(), try server.status()) }
        let rows: [[String: Any]] = nodes.map { node in
            ["node": node.node, "department": node.department,
             "lastContact": node.contact.map { DeskController.readable($0.at) } ?? "nunca",
             "position": node.contact.map { String($0.position) } ?? "—",
             "skew": node.skew.map { String(format: "%.1f s", Double($0) / 1000) } ?? "—",
             "version": node.contact?.version ?? "—", "state": node.revoked ? "revocado" : "activo", "quarantined": node.quarantined]
        }
        return html(.ok, "nodes", [
            "title": "Nodos", "session": sessionView(session), "nodes": rows,
            "quarantinedTotal": status["quarantined_entries"]?.intValue ?? 0,
        ])
    }

    func auditPage(_ session: DeskSession) async throws -> Response {
        guard session.role == .admin else { throw DeskRefusal(.forbidden, "La bitácora es solo para administradoras y administradores.") }
        let server = self.server
        let rows = try await offload { try server.storage.auditRows() }
        let broken = AuditLog.firstBrokenRow(rows)
        return html(.ok, "audit", [
            "title": "Bitácora", "session": sessionView(session),
            "chain": broken.map { "La cadena de la bitácora está rota en la fila \($0.position): \($0.reason)." }
                ?? "La cadena de la bitácora está íntegra (\(rows.count) filas verificadas).",
            "chainClass": broken == nil ? "integra" : "roto",
            "rows": rows.reversed().prefix(500).map { row -> [String: Any] in
                ["position": row.position ?? 0, "at": row.at, "actor": row.actor, "action": row.action, "subject": row.subject]
            },
        ])
    }

    func reportPage(_ session: DeskSession) async throws -> Response {
        let server = self.server
        let report = try await offload { try server.complianceReport(by: session.user) }
        return html(.ok, "report", [
            "title": "Informe de cumplimiento AVGM", "session": sessionView(session),
            "certified": report.certified.map { ["department": $0.department, "standard": $0.standard, "count": $0.servants] as [String: Any] },
            "expiring": report.expiring.map {
                ["holder": $0.holder, "department": $0.department, "standard": $0.standard, "until": $0.validUntil] as [String: Any]
            },
            "attentions": report.attentions.map { row -> [String: Any] in
                ["department": row.department, "total": row.total, "certified": row.byCertified,
                 "share": row.total == 0 ? "—" : String(format: "%.0f %%", Double(row.byCertified) * 100 / Double(row.total))]
            },
        ])
    }

    func errorPage(_ status: HTTPResponse.Status, session: DeskSession?, explanation: String, detail: String?, back: String) -> Response {
        html(status, "error", [
            "title": DeskController.heading(status.code), "session": session.map(sessionView) as Any, "explanation": explanation,
            "detail": detail as Any, "back": back,
        ])
    }
}

/// A desk refusal: its status and what the page tells the person, in Spanish.
struct DeskRefusal: Error {
    let status: HTTPResponse.Status
    let explanation: String
    init(_ status: HTTPResponse.Status, _ explanation: String) {
        self.status = status
        self.explanation = explanation
    }
}
