import EnlaceModel
import EnlaceStore
import EnlaceWeb
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

    static func roleName(_ role: Principal.Role) -> String { DisplayVocabulary.role(role.rawValue) }

    static func link(_ key: RecordKey) -> String {
        (key.type == .caseFile ? "/oficina/casos/" : "/oficina/certificaciones/") + key.id
    }

    /// A time as León reads it, to the second.
    static func readable(_ millis: Int64) -> String { LeonTime.format(millis: millis) }
    static func readable(_ text: String) -> String { LeonTime.format(text) }

    /// How long ago, roughly: "hace 3 horas".
    static func ago(_ millis: Int64, now: Int64) -> String {
        let seconds = max(0, (now - millis) / 1000)
        switch seconds {
        case ..<60: return "hace menos de un minuto"
        case ..<3600: return "hace \(seconds / 60) min"
        case ..<172_800: return "hace \(seconds / 3600) h"
        default: return "hace \(seconds / 86_400) días"
        }
    }

    /// A duration in words: "24 horas", "2 días".
    static func duration(_ millis: Int64) -> String {
        let hours = millis / 3_600_000
        if hours >= 48, hours % 24 == 0 { return "\(hours / 24) días" }
        if hours >= 1 { return hours == 1 ? "1 hora" : "\(hours) horas" }
        return "\(max(1, millis / 60_000)) minutos"
    }

    /// Departments in a sentence: "C4 e IMMujeres", "C4, DIF y Salud".
    static func listed(_ departments: [String]) -> String {
        let names = departments.map(DisplayVocabulary.departmentShort)
        guard let last = names.last else { return "" }
        guard names.count > 1 else { return last }
        let joiner = last.first.map { "iIhH".contains($0) } == true && !last.lowercased().hasPrefix("hi") ? " e " : " y "
        return names.dropLast().joined(separator: ", ") + joiner + last
    }

    /// Why a rule could not decide, for the person deciding.
    static func ruleText(_ rule: String) -> String {
        switch MergeRule(rawValue: rule) {
        case .immutable: "Este dato se fija al abrir el registro; dos áreas lo anotaron distinto a la vez."
        case .writeOnce: "Este dato se anota una sola vez; llegaron dos valores distintos sin que uno conociera al otro (un error de captura, o una alteración)."
        case .appendOnly: "Este dato solo se agrega; dos anotaciones simultáneas no se pueden combinar solas."
        case .review: "Ninguna regla puede saber cuál de los valores es el correcto: lo decide la oficina."
        case .openWins: "Un área concluyó el caso mientras otra seguía atendiéndolo: el caso sigue abierto hasta que la oficina lo confirme."
        case .referralState: "La canalización terminó de dos maneras distintas a la vez."
        case .revocationReview: "El certificado se revocó al mismo tiempo que se cambiaba de otra forma: mientras la oficina revisa, no cuenta como vigente."
        case .or, .and, .min, .max, .addWinsSet: "Esta regla combina los valores sola; el conflicto queda como registro."
        case nil: "La regla no pudo decidir."
        }
    }

    /// Why a field holds its value, in Spanish: the versions behind it and the rule that chose.
    static func explanation(of field: JSONValue, type: RecordType) -> String {
        let path = field["field"]?.stringValue ?? ""
        let value = DisplayVocabulary.show(field["value"], field: path, of: type)
        let versions = (field["versions"]?.arrayValue ?? []).map { version -> String in
            let author = version["author"]?.stringValue.map { JournalSentence.displayAuthor($0) + ", " } ?? ""
            return "«\(DisplayVocabulary.show(version["value"], field: path, of: type))» (\(author)\(readable(version["at"]?.stringValue ?? "")))"
        }
        let writes = field["writes"]?.intValue ?? 0
        if versions.count <= 1 {
            let earlier = max(0, writes - Int64(versions.count))
            return "Última anotación: \(versions.first ?? "ninguna")" + (earlier > 0 ? "; reemplazó \(earlier) anterior\(earlier == 1 ? "" : "es") que ya conocía." : ".")
        }
        let verdict = field["in_conflict"]?.boolValue == true
            ? "la oficina decide; mientras tanto se muestra «\(value)»"
            : "la regla «\(DisplayVocabulary.rule(field["rule"]?.stringValue ?? ""))» eligió «\(value)»"
        return "\(versions.count) versiones anotadas a la vez — \(versions.joined(separator: "; ")) —: \(verdict)."
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

    /// A count with its noun: "1 conflicto", "3 conflictos", "Ningún conflicto" is said by callers.
    static func counted(_ count: Int, _ one: String, _ many: String) -> String {
        count == 1 ? "1 \(one)" : "\(count) \(many)"
    }

    /// What a refusal left behind, after its explanation.
    static func nothingStored(_ status: Int) -> String {
        status >= 500 ? "Nada se guardó; si vuelve a pasar, avisa a sistemas." : "Nada se guardó."
    }
}
