import EnlaceModel
import EnlaceStore
import EnlaceWeb
import Hummingbird

/// Canalizaciones recibidas: the referrals addressed to this department, and its answers.
extension VentanillaController {
    /// How a referral is answered here: the action's name in the form, the state it writes.
    static let answers: [String: String] = ["aceptar": "recibida", "atender": "atendida", "rechazar": "rechazada"]

    func inboxPage(_ signed: Signed, notice: String?) async throws -> Response {
        let department = node.identity.department
        let now = node.clock()
        var waiting: [(rank: Int, at: String, item: [String: Any])] = []
        var working: [(rank: Int, at: String, item: [String: Any])] = []
        var answered: [(rank: Int, at: String, item: [String: Any])] = []
        for held in try await heldCases() {
            let attentions = held.document["attentions"]?.arrayValue ?? []
            for referral in held.document["referrals"]?.arrayValue ?? [] where referral["to"]?.stringValue == department {
                let state = referral["state"]?.stringValue ?? "propuesta"
                let urgency = referral["urgency"]?.stringValue ?? "ordinaria"
                let at = referral["created_at"]?.stringValue ?? ""
                let item: [String: Any] = [
                    "case": held.id, "referral": referral["id"]?.stringValue ?? "",
                    "folio": held.document["folio"]?.stringValue ?? "sin folio",
                    "name": VentanillaController.plain(held.document["person"]?["full_name"]) ?? "Sin nombre anotado",
                    "from": DisplayVocabulary.department(referral["from"]?.stringValue ?? ""),
                    "urgency": DisplayVocabulary.value(urgency, in: .urgency), "urgent": urgency != "ordinaria",
                    "reason": referral["reason"]?.stringValue ?? "Sin motivo anotado",
                    "state": ["propuesta", "enviada"].contains(state) ? "sin responder" : DisplayVocabulary.value(state, in: .referralState),
                    "risk": DisplayVocabulary.show(held.document["risk_level"], field: "risk_level"),
                    "highRisk": ["alto", "extremo"].contains(held.document["risk_level"]?.stringValue ?? ""),
                    "stateNote": referral["state_note"]?.stringValue as Any,
                    "when": at.isEmpty ? "sin fecha" : "\(WebPage.readable(at)) (\(RFC3339.parseTimestamp(at).map { WebPage.ago($0, now: now) } ?? ""))",
                    "attentions": WebPage.counted(attentions.count, "atención registrada", "atenciones registradas"),
                    "noContact": held.document["safe_contact"]?["no_contact"]?.boolValue == true,
                    "canAccept": ["propuesta", "enviada"].contains(state), "canAttend": state == "recibida",
                ]
                let rank = -(Vocabulary.urgency.values.firstIndex(of: urgency) ?? 0)
                switch state {
                case "propuesta", "enviada": waiting.append((rank, at, item))
                case "recibida": working.append((rank, at, item))
                default: answered.append((rank, at, item))
                }
            }
        }
        func ordered(_ items: [(rank: Int, at: String, item: [String: Any])]) -> [[String: Any]] {
            items.sorted { ($0.rank, $0.at) < ($1.rank, $1.at) }.map(\.item)
        }
        return html(.ok, "inbox", try await frame("Canalizaciones recibidas", signed, [
            "notice": notice as Any, "waiting": ordered(waiting), "working": ordered(working),
            "answered": Array(answered.sorted { $0.at > $1.at }.prefix(VentanillaController.listLimit).map(\.item)),
        ]))
    }

    /// Answers a referral addressed to this department: writes its `state` and a new
    /// `state_note` (a rejection needs its reason). Not work on the case: a department that
    /// rejects before working on it leaves its scope.
    func answerReferral(caseID: String, referralID: String, form: WebForm, _ signed: Signed) async throws -> Response {
        guard let action = form["accion"], let state = VentanillaController.answers[action] else {
            throw WebRefusal(.badRequest, "Elige aceptar, marcar como atendida o rechazar.")
        }
        let note = form["nota"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        if state == "rechazada", note?.isEmpty != false {
            throw WebRefusal(.unprocessableContent, "Para rechazar una canalización escribe el motivo: el departamento que la envió lo necesita para buscar otra opción. Nada se guardó.")
        }
        let key = RecordKey(.caseFile, caseID)
        guard let text = try await node.store.read({ try await $0.documentText(key) }),
              let referral = (try JSONValue.parse(text)["referrals"]?.arrayValue ?? []).first(where: { $0["id"]?.stringValue == referralID })
        else { throw WebRefusal(.notFound, "Esa canalización no está en este equipo.") }
        guard referral["to"]?.stringValue == node.identity.department else {
            throw WebRefusal(.forbidden, "Esa canalización no está dirigida a tu dependencia: solo la que la recibe la responde.")
        }
        // In order: accepted or rejected while unanswered, attended once accepted.
        let current = referral["state"]?.stringValue ?? "propuesta"
        let allowed = state == "atendida" ? current == "recibida" : ["propuesta", "enviada"].contains(current)
        guard allowed else {
            throw WebRefusal(.conflict, "Esa canalización ya está «\(DisplayVocabulary.value(current, in: .referralState))»: vuelve a abrir la bandeja para ver lo que hay ahora. Nada se guardó.")
        }
        var body: [String: JSONValue] = ["state": .string(state)]
        if let note, !note.isEmpty { body["state_note"] = .string(note) }
        _ = try await node.patchReferral(caseID: caseID, referralID: referralID, .object(body), author: signed.author)
        await onWrite()
        return WebPage.redirect(state == "rechazada" ? "/ventanilla/canalizaciones?hecho=respuesta" : "/ventanilla/casos/\(caseID)?hecho=respuesta")
    }
}
