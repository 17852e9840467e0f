import EnlaceModel
import EnlaceStore
import Hummingbird

/// How the desk answers: HTML with strict headers, redirects, cookies, and the Spanish words
/// its pages use for the domain's terms.
extension DeskController {
    /// A page rendered from `template` with `context`; every array in it also gets `any_NAME`
    /// (whether it has items), which the templates use to show a table or say it is empty.
    func html(_ status: HTTPResponse.Status, _ template: String, _ context: [String: Any]) -> Response {
        let text = DeskTemplates.library.render(DeskController.clean(context) ?? [:], withTemplate: template) ?? ""
        return Response(status: status, headers: DeskController.pageHeaders(type: "text/html; charset=utf-8"),
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A context as Mustache should see it: absent optionals removed (they would print as
    /// `nil`), present ones unwrapped, and beside every array `any_NAME`, whether it has items.
    static func clean(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return clean(wrapped)
        }
        if let dictionary = value as? [String: Any] {
            var cleaned: [String: Any] = [:]
            for (key, item) in dictionary {
                guard let item = clean(item) else { continue }
                cleaned[key] = item
                if let array = item as? [Any] { cleaned["any_" + key] = !array.isEmpty }
            }
            return cleaned
        }
        if let array = value as? [Any] { return array.compactMap { clean($0) } }
        return value
    }

    /// Headers every page carries: no caching of a woman's data, no framing, no scripts, no
    /// third parties, forms posting only here.
    static func pageHeaders(type: String) -> HTTPFields {
        [
            .contentType: type, .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "no-referrer", .init("X-Frame-Options")!: "DENY",
        ]
    }

    static func redirect(_ location: String) -> Response {
        var headers = pageHeaders(type: "text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// A desk cookie: only for `/oficina`, never readable by scripts, never sent from another
    /// site, `Secure` under TLS.
    func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/oficina; Max-Age=\(max(0, maxAge)); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    func sessionView(_ session: DeskSession) -> [String: Any] {
        ["user": session.user, "csrf": session.csrf, "admin": session.role == .admin, "roleName": DeskController.roleName(session.role)]
    }

    func option(_ value: String, _ label: String, selected: String) -> [String: Any] {
        ["value": value, "label": label, "selected": value == selected]
    }

    static func roleName(_ role: Principal.Role) -> String {
        switch role {
        case .viewer: "consulta"
        case .resolver: "resolución"
        case .admin: "administración"
        }
    }

    static func typeName(_ type: RecordType) -> String {
        type == .caseFile ? "expediente" : "certificación"
    }

    static func link(_ key: RecordKey) -> String {
        (key.type == .caseFile ? "/oficina/casos/" : "/oficina/certificaciones/") + key.id
    }

    /// A value as office staff read it: text as is, anything else as JSON.
    static func shown(_ value: JSONValue) -> String {
        if case .null = value { return "(vacío)" }
        return value.stringValue ?? value.canonicalText
    }

    /// A time in León (UTC−6, no daylight saving since 2022), e.g. `2026-12-01 08:15 (hora de León)`.
    static func readable(_ millis: Int64) -> String {
        let (local, overflow) = millis.subtractingReportingOverflow(6 * 3_600_000)
        guard !overflow else { return RFC3339.format(millis: millis) }
        let text = RFC3339.format(millis: local)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " (hora de León)"
    }

    static func readable(_ text: String) -> String {
        RFC3339.parseTimestamp(text).map { readable($0) } ?? text
    }

    /// Why a rule could not decide, for the person deciding.
    static func ruleText(_ rule: String) -> String {
        switch MergeRule(rawValue: rule) {
        case .immutable: "Este dato se fija al crear el registro; dos departamentos lo escribieron distinto a la vez."
        case .writeOnce: "Este dato se escribe una sola vez; llegaron dos valores distintos sin que uno conociera al otro (error de captura o posible alteración)."
        case .appendOnly: "Este dato solo se agrega; dos escrituras simultáneas no se pueden combinar solas."
        case .review: "Dos departamentos cambiaron este dato al mismo tiempo con valores distintos. Ninguna regla puede saber cuál es el correcto: lo decide la oficina."
        case .openWins: "Un departamento concluyó el expediente mientras otro seguía atendiéndolo. El expediente sigue abierto hasta que la oficina lo confirme."
        case .referralState: "La canalización cambió de estado en dos lugares a la vez de formas que no se pueden ordenar."
        case .revocationReview: "Un certificado se revocó al mismo tiempo que se renovaba. Mientras la oficina revisa, el certificado cuenta como revocado."
        case .or, .and, .min, .max, .addWinsSet: "Esta regla combina los valores sola; el conflicto queda como registro."
        case nil: "Regla \(rule)."
        }
    }

    /// A rule's name as the office reads it.
    static func ruleName(_ rule: String) -> String {
        switch MergeRule(rawValue: rule) {
        case .immutable: "inmutable"
        case .writeOnce: "se escribe una vez"
        case .appendOnly: "solo se agrega"
        case .review: "revisión de la oficina"
        case .or: "basta un sí"
        case .and: "hace falta que todos digan sí"
        case .min: "gana el menor"
        case .max: "gana el mayor"
        case .addWinsSet: "conjunto: agregar gana"
        case .openWins: "abierto gana"
        case .referralState: "estado de la canalización"
        case .revocationReview: "revocación a revisión"
        case nil: rule
        }
    }

    /// Why a field holds its value (the explanation of `enlace case history`), in Spanish.
    static func explanation(of field: JSONValue) -> String {
        let value = shown(field["value"] ?? .null)
        let versions = (field["versions"]?.arrayValue ?? []).map { version -> String in
            let author = version["author"]?.stringValue.map { "\($0) en " } ?? ""
            return "«\(shown(version["value"] ?? .null))» (\(author)\(version["node_id"]?.stringValue ?? "?"), \(readable(version["at"]?.stringValue ?? "")))"
        }
        let writes = field["writes"]?.intValue ?? 0
        if versions.count <= 1 {
            let earlier = max(0, writes - Int64(versions.count))
            return "Última escritura: \(versions.first ?? "ninguna")" + (earlier > 0 ? "; reemplazó \(earlier) anterior\(earlier == 1 ? "" : "es") que ya conocía." : ".")
        }
        let verdict = field["in_conflict"]?.boolValue == true
            ? "queda para revisión de la oficina; mientras tanto se muestra «\(value)»"
            : "la regla «\(ruleName(field["rule"]?.stringValue ?? ""))» eligió «\(value)»"
        return "\(versions.count) versiones simultáneas — \(versions.joined(separator: "; ")) —: \(verdict)."
    }

    static func heading(_ status: Int) -> String {
        switch status {
        case 400, 422: "Revisa los datos"
        case 401: "Hace falta entrar"
        case 403: "No permitido"
        case 404: "No encontrado"
        case 409: "Ya cambió"
        case 429: "Demasiados intentos"
        default: "No se pudo completar"
        }
    }

    static func explanation(_ status: Int) -> String {
        switch status {
        case 400, 422: "Lo enviado no es válido para este campo. Nada se guardó."
        case 401: "Tu sesión terminó. Vuelve a entrar."
        case 403: "Tu rol no permite esta acción. Nada se guardó."
        case 404: "Lo que buscas no existe en la central."
        case 409: "Alguien más cambió esto mientras lo veías. Nada se guardó: vuelve a abrirlo."
        default: "Ocurrió un error en la central. Nada se guardó."
        }
    }
}
