import EnlaceModel
import EnlaceStore
import EnlaceWeb
import Hummingbird

/// How the desk answers: HTML with strict headers, redirects, cookies, and the Spanish words
/// its pages use for the domain's terms.
extension DeskController {
    /// A page rendered from `template` with `context` (see `WebPage.clean`).
    func html(_ status: HTTPResponse.Status, _ template: String, _ context: [String: Any]) -> Response {
        WebPage.html(DeskTemplates.library, status, template, context)
    }

    /// A desk cookie: only for `/oficina`.
    func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        WebPage.cookie(name, value, path: "/oficina", maxAge: maxAge, secure: secure)
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

    /// A duration in words: "24 horas", "2 días".
    static func duration(_ millis: Int64) -> String {
        let hours = millis / 3_600_000
        if hours >= 48, hours % 24 == 0 { return "\(hours / 24) días" }
        if hours >= 1 { return hours == 1 ? "1 hora" : "\(hours) horas" }
        return "\(max(1, millis / 60_000)) minutos"
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
            return "«\(DisplayVocabulary.show(version["value"], field: path, of: type))» (\(author)\(WebPage.readable(version["at"]?.stringValue ?? "")))"
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
}
