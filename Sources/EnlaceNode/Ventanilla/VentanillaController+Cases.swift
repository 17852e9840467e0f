import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceWeb
import Foundation
import Hummingbird

/// Mis casos, Buscar antes de abrir, Abrir caso and El caso with its actions.
extension VentanillaController {
    /// Most cases a list shows.
    static let listLimit = 200

    /// One case the node holds: its id and its JSON, opened in memory.
    struct Held {
        let id: String
        let document: JSONValue
        /// The latest time the case itself tells: its id's time (a ULID), its first contact,
        /// its attentions' and referrals' times.
        var activity: Int64 {
            var times = [VentanillaController.ulidMillis(id) ?? 0]
            times += [document["first_contact_at"]?.stringValue].compactMap { $0.flatMap(RFC3339.parseTimestamp) }
            times += (document["attentions"]?.arrayValue ?? []).compactMap { $0["at"]?.stringValue.flatMap(RFC3339.parseTimestamp) }
            times += (document["referrals"]?.arrayValue ?? []).compactMap { $0["created_at"]?.stringValue.flatMap(RFC3339.parseTimestamp) }
            return times.max() ?? 0
        }
    }

    /// Every case the node holds (need-to-know: only its department's scope), opened in memory
    /// — contents are encrypted at rest and there is no plaintext index to search.
    func heldCases() async throws -> [Held] {
        var held: [Held] = []
        var after: String?
        repeat {
            let page = try await node.list(.caseFile, after: after, limit: 500)
            for text in page.items {
                let document = try JSONValue.parse(text)
                guard let id = document["id"]?.stringValue else { continue }
                held.append(Held(id: id, document: document))
            }
            after = page.next
        } while after != nil
        return held
    }

    /// Whether `held` matches what was typed: its folio, every word of her name (without
    /// regard to case or accents), or her phone's digits.
    static func matches(_ held: Held, _ query: String) -> Bool {
        let wanted = fold(query)
        guard !wanted.isEmpty else { return true }
        if let folio = held.document["folio"]?.stringValue, fold(folio).contains(wanted) { return true }
        let name = fold(held.document["person"]?["full_name"]?.stringValue ?? "")
        let words = wanted.split(separator: " ")
        if !name.isEmpty, words.allSatisfy({ name.contains($0) }) { return true }
        let digits = query.filter(\.isNumber)
        if digits.count >= 4 {
            for phone in [held.document["person"]?["phone"], held.document["safe_contact"]?["phone"]] {
                if let phone = phone?.stringValue, phone.filter(\.isNumber).contains(digits) { return true }
            }
        }
        return false
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "es_MX"))
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A case as a list shows it.
    func row(_ held: Held, now: Int64) -> [String: Any] {
        let document = held.document
        let activity = held.activity
        return [
            "id": held.id, "link": "/ventanilla/casos/\(held.id)", "folio": document["folio"]?.stringValue ?? "sin folio",
            "name": VentanillaController.plain(document["person"]?["full_name"]) ?? "Sin nombre anotado",
            "risk": DisplayVocabulary.show(document["risk_level"], field: "risk_level"),
            "highRisk": ["alto", "extremo"].contains(document["risk_level"]?.stringValue ?? ""),
            "status": DisplayVocabulary.show(document["status"], field: "status"),
            "noContact": document["safe_contact"]?["no_contact"]?.boolValue == true,
            "activity": activity > 0 ? WebPage.ago(activity, now: now) : "—",
            "pending": !(document["conflicts"]?.arrayValue ?? []).isEmpty,
        ]
    }

    // MARK: Mis casos

    func casesPage(query: String?, _ signed: Signed) async throws -> Response {
        let query = query.map { String($0.prefix(200)) }?.trimmingCharacters(in: .whitespaces)
        let now = node.clock()
        let all = try await heldCases()
        let found = all.filter { VentanillaController.matches($0, query ?? "") }.sorted { $0.activity > $1.activity }
        let shown = found.prefix(VentanillaController.listLimit).map { row($0, now: now) }
        let summary = query.map { q in q.isEmpty ? nil : "\(WebPage.counted(found.count, "caso coincide", "casos coinciden")) con lo que buscaste." } ?? nil
        return html(.ok, "cases", try await frame("Mis casos", signed, [
            "query": query ?? "", "cases": Array(shown), "summary": summary as Any,
            "total": WebPage.counted(all.count, "caso", "casos"),
            "more": found.count > shown.count ? "Se muestran los \(shown.count) con actividad más reciente; busca para encontrar los demás." : nil as String? as Any,
        ]))
    }

    // MARK: Buscar antes de abrir, Abrir caso

    /// The search that opens a case: what the node holds that matches (so that a woman already
    /// known is attended on her file), then the form to open one, pre-filled with what was
    /// typed — or, for a new incident of a woman already known, with what her file says.
    func searchPage(form: WebForm?, _ signed: Signed) async throws -> Response {
        let now = node.clock()
        guard let form else {
            return html(.ok, "search", try await frame("Buscar antes de abrir un caso", signed, [:]))
        }
        var values: [String: String] = [:]
        var results: [[String: Any]] = []
        let query = String((form["q"] ?? "").prefix(200)).trimmingCharacters(in: .whitespaces)
        if let from = form["desde"], !from.isEmpty {
            // A new incident of a woman already known: her file's data, to confirm.
            guard let known = try await heldCases().first(where: { $0.id == from }) else {
                throw WebRefusal(.notFound, "Ese caso no está en este equipo.")
            }
            values = VentanillaController.prefill(from: known.document)
        } else {
            guard !query.isEmpty else {
                return html(.badRequest, "search", try await frame("Buscar antes de abrir un caso", signed, [
                    "problem": "Escribe un folio, su nombre o su teléfono para buscar.",
                ]))
            }
            results = try await heldCases().filter { VentanillaController.matches($0, query) }.sorted { $0.activity > $1.activity }
                .prefix(VentanillaController.listLimit).map { row($0, now: now) }
            if query.filter(\.isNumber).count >= 7 && !query.contains(where: \.isLetter) { values["telefono"] = query }
            else if !query.contains(where: \.isNumber) { values["nombre"] = query }
        }
        return html(.ok, "search", try await frame("Buscar antes de abrir un caso", signed, [
            "query": query, "searched": true, "results": results,
            "found": results.isEmpty ? "Nadie con esos datos en los casos de este equipo. Si es la primera vez que llega, abre su caso abajo."
                : "\(WebPage.counted(results.count, "caso coincide", "casos coinciden")). Si es ella, atiéndela en su caso: no tiene que volver a contar su historia.",
            "form": openForm(values),
        ]))
    }

    /// What a case's file pre-fills in a new case of the same woman.
    static func prefill(from document: JSONValue) -> [String: String] {
        var values: [String: String] = [:]
        values["expediente"] = plain(document["person_ref"])
        values["nombre"] = plain(document["person"]?["full_name"])
        values["anio"] = document["person"]?["birth_year"]?.intValue.map { String($0) }
        values["telefono"] = plain(document["person"]?["phone"])
        values["domicilio"] = plain(document["person"]?["address"])
        values["colonia"] = plain(document["person"]?["colonia"])
        values["tel_seguro"] = plain(document["safe_contact"]?["phone"])
        values["horario"] = plain(document["safe_contact"]?["hours"])
        if document["safe_contact"]?["no_contact"]?.boolValue == true { values["no_contactar"] = "si" }
        if let level = document["confidentiality"]?.stringValue { values["confidencialidad"] = level }
        return values.compactMapValues { $0 }
    }

    /// A text value people can read: nil when absent or sealed (a restricted location this
    /// department does not hold the key of).
    static func plain(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, !text.isEmpty else { return nil }
        return text
    }

    /// The open-case form's context: each field's kept value and each vocabulary's choices.
    func openForm(_ values: [String: String], sets: [String: Set<String>] = [:]) -> [String: Any] {
        func choices(_ vocabulary: Vocabulary, _ selected: String?, skip: Set<String> = []) -> [[String: Any]] {
            vocabulary.values.filter { !skip.contains($0) }.map {
                ["value": $0, "label": DisplayVocabulary.value($0, in: vocabulary), "selected": $0 == selected]
            }
        }
        func boxes(_ vocabulary: Vocabulary, _ name: String) -> [[String: Any]] {
            vocabulary.values.map { ["value": $0, "label": DisplayVocabulary.value($0, in: vocabulary), "checked": sets[name]?.contains($0) == true, "name": name] }
        }
        var context: [String: Any] = values
        context["noContact"] = values["no_contactar"] == "si"
        context["consentYes"] = values["consentimiento"] == "si"
        context["consentNo"] = values["consentimiento"] == "no"
        context["channels"] = choices(.intakeChannel, values["canal"])
        context["risks"] = choices(.riskLevel, values["riesgo"] ?? "sin_valorar")
        context["confidentialities"] = choices(.confidentiality, values["confidencialidad"] ?? "normal")
        context["kinds"] = choices(.attentionKind, values["atencion"] ?? "primer_contacto", skip: ["seguimiento"])
        context["violences"] = boxes(.violenceType, "violencia")
        context["modalities"] = boxes(.modality, "modalidad")
        context["factors"] = boxes(.riskFactor, "factores")
        return context
    }

    /// Opens a case from the form, with her first attention by the signed-in servant; on a
    /// refusal the form comes back as it was sent, with the API's reason in Spanish.
    func openCase(_ form: WebForm, _ signed: Signed) async throws -> Response {
        let names = ["nombre", "anio", "telefono", "domicilio", "colonia", "no_contactar", "tel_seguro", "horario", "canal", "fecha",
                     "riesgo", "confidencialidad", "consentimiento", "resumen", "atencion", "nota", "expediente"]
        var values: [String: String] = [:]
        for name in names { if let value = form[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty { values[name] = value } }
        let sets = ["violencia": Set(form.values("violencia")), "modalidad": Set(form.values("modalidad")), "factores": Set(form.values("factores"))]
        func again(_ status: HTTPResponse.Status, _ problem: String) async throws -> Response {
            html(status, "search", try await frame("Abrir caso", signed, [
                "searched": true, "problem": problem, "form": openForm(values, sets: sets), "opening": true,
            ]))
        }
        guard values["canal"] != nil else { return try await again(.unprocessableContent, ErrorWording.spanish(code: "missing_field", field: "intake_channel")) }
        // Her first attention is checked before the case is written, so that a case is never
        // left without it while the page says nothing was stored.
        if let kind = values["atencion"], !Vocabulary.attentionKind.contains(kind) {
            return try await again(.unprocessableContent, ErrorWording.spanish(code: "not_in_vocabulary", field: "attentions.*.kind"))
        }
        if let note = values["nota"], note.utf8.count > VentanillaController.maxNoteBytes {
            return try await again(.unprocessableContent, ErrorWording.spanish(code: "too_long", field: "attentions.*.note"))
        }
        // Her file (`person_ref`) only from a case this node holds: it is how her ARCO rights find her cases.
        if let file = values["expediente"], try await !heldCases().contains(where: { $0.document["person_ref"]?.stringValue == file }) {
            return try await again(.unprocessableContent, "Ese expediente no está en este equipo; búscala de nuevo antes de abrir su caso.")
        }
        guard let consent = values["consentimiento"] else {
            return try await again(.unprocessableContent, "Falta «\(DisplayVocabulary.fieldLabel("consent_to_share"))»: pregúntale si acepta que su caso se comparta con las áreas a las que se canalice.")
        }
        var person: [String: JSONValue] = [:]
        person["full_name"] = values["nombre"].map(JSONValue.string)
        if let year = values["anio"] {
            guard let number = Int64(year) else { return try await again(.unprocessableContent, ErrorWording.spanish(code: "wrong_type", field: "person.birth_year")) }
            person["birth_year"] = .int(number)
        }
        person["phone"] = values["telefono"].map(JSONValue.string)
        person["address"] = values["domicilio"].map(JSONValue.string)
        person["colonia"] = values["colonia"].map(JSONValue.string)
        var contact: [String: JSONValue] = ["no_contact": .bool(values["no_contactar"] == "si")]
        contact["phone"] = values["tel_seguro"].map(JSONValue.string)
        contact["hours"] = values["horario"].map(JSONValue.string)
        var body: [String: JSONValue] = [
            "person": .object(person), "safe_contact": .object(contact), "consent_to_share": .bool(consent == "si"),
            "intake_channel": .string(values["canal"]!),
            "first_contact_at": .string(RFC3339.format(millis: node.clock())),
        ]
        body["person_ref"] = values["expediente"].map(JSONValue.string)
        body["incident_date"] = values["fecha"].map(JSONValue.string)
        body["risk_level"] = values["riesgo"].map(JSONValue.string)
        body["confidentiality"] = values["confidencialidad"].map(JSONValue.string)
        body["summary"] = values["resumen"].map(JSONValue.string)
        for (name, field) in [("violencia", "violence_types"), ("modalidad", "modalities"), ("factores", "risk_factors")] where !sets[name]!.isEmpty {
            body[field] = .array(sets[name]!.sorted().map(JSONValue.string))
        }
        let caseID: String
        do {
            let created = try await node.createCase(.object(body), author: signed.author)
            caseID = try JSONValue.parse(created.document)["id"]?.stringValue ?? ""
        } catch let error where APIError.from(error) != nil {
            let api = APIError.from(error)!
            return try await again(.init(code: api.status), ErrorWording.spanish(code: api.code, field: api.field) + " " + WebPage.nothingStored(api.status))
        }
        await onWrite()
        // Her first attention, by the servant who opened the case.
        let attention = attentionBody(kind: values["atencion"] ?? "primer_contacto", note: values["nota"], signed)
        do {
            _ = try await node.addAttention(caseID: caseID, .object(attention), author: signed.author)
        } catch let error where APIError.from(error) != nil {
            // The case is stored: say so, and what is missing, on its page.
            return WebPage.redirect("/ventanilla/casos/\(caseID)?hecho=abierto-sin-atencion")
        }
        await onWrite()
        return WebPage.redirect("/ventanilla/casos/\(caseID)?hecho=abierto")
    }

    /// An attention by the signed-in servant: her servant id and her certificate's folio.
    func attentionBody(kind: String, note: String?, _ signed: Signed) -> [String: JSONValue] {
        var body: [String: JSONValue] = ["kind": .string(kind), "servant_id": .string(signed.servant.id)]
        body["certification_folio"] = signed.servant.certificationFolio.map(JSONValue.string)
        body["note"] = note.map(JSONValue.string)
        return body
    }

    // MARK: El caso

    func casePage(id: String, _ signed: Signed, notice: String?) async throws -> Response {
        let key = RecordKey(.caseFile, id)
        guard let text = try await node.store.read({ try await $0.documentText(key) }) else {
            throw WebRefusal(.notFound, "Ese caso no está en este equipo: o no existe, o tu dependencia no lo atiende. Si ella necesita atención, búscala en «Buscar o abrir un caso»; si otra dependencia la atiende, pídele que te la canalice.")
        }
        let document = try JSONValue.parse(text)
        let department = node.identity.department
        let roster = try await node.certifications()
        let holders = Dictionary(roster.compactMap { c in c["folio"]?.stringValue.map { ($0, c["holder_name"]?.stringValue ?? "") } },
                                 uniquingKeysWith: { a, _ in a })
        let servants = Dictionary(try await node.store.servants().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func who(_ servantID: String?, folio: String?) -> String {
            if let folio, let name = holders[folio], !name.isEmpty { return name }
            if let servantID, let name = servants[servantID] { return name }
            return servantID ?? "sin nombre anotado"
        }
        func shown(_ path: String) -> String {
            let value = path.split(separator: ".").reduce(Optional(document)) { $0?[String($1)] }
            if value?["sealed"] != nil { return "Reservado: solo lo ve el departamento responsable del caso y la oficina central." }
            return DisplayVocabulary.show(value, field: path)
        }
        var timeline: [(at: String, item: [String: Any])] = []
        for attention in document["attentions"]?.arrayValue ?? [] {
            let at = attention["at"]?.stringValue ?? ""
            let from = attention["department"]?.stringValue ?? ""
            timeline.append((at, [
                "attention": true, "when": at.isEmpty ? "sin fecha" : WebPage.readable(at),
                "who": who(attention["servant_id"]?.stringValue, folio: attention["certification_folio"]?.stringValue),
                "department": DisplayVocabulary.departmentShort(from), "own": from == department,
                "what": DisplayVocabulary.show(attention["kind"], field: "attentions.*.kind"),
                "note": attention["note"]?.stringValue as Any, "corrects": attention["corrects"]?.stringValue != nil,
            ]))
        }
        for referral in document["referrals"]?.arrayValue ?? [] {
            let at = referral["created_at"]?.stringValue ?? ""
            timeline.append((at, [
                "referral": true, "when": at.isEmpty ? "sin fecha" : WebPage.readable(at),
                "department": DisplayVocabulary.departmentShort(referral["from"]?.stringValue ?? ""),
                "what": "Canalización a \(DisplayVocabulary.show(referral["to"], field: "referrals.*.to"))",
                "urgency": DisplayVocabulary.show(referral["urgency"], field: "referrals.*.urgency"),
                "state": DisplayVocabulary.show(referral["state"], field: "referrals.*.state"),
                "reason": referral["reason"]?.stringValue as Any, "stateNote": referral["state_note"]?.stringValue as Any,
            ]))
        }
        timeline.sort { $0.at < $1.at }
        let pending = (document["conflicts"]?.arrayValue ?? []).compactMap { $0["field"]?.stringValue }
        var seen: Set<String> = []
        let pendingLabels = pending.map { DisplayVocabulary.fieldLabel(DisplayVocabulary.schemaForm($0, of: .caseFile)) }.filter { seen.insert($0).inserted }
        let facts: [(String, String)] = [
            ("risk_level", shown("risk_level")), ("risk_factors", shown("risk_factors")), ("violence_types", shown("violence_types")),
            ("modalities", shown("modalities")), ("status", shown("status")), ("incident_date", shown("incident_date")),
            ("origin_department", DisplayVocabulary.department(document["origin_department"]?.stringValue ?? "")),
            ("lead_department", document["lead_department"]?.stringValue.map(DisplayVocabulary.department) ?? "Aún no se nombra"),
            ("intake_channel", shown("intake_channel")), ("confidentiality", shown("confidentiality")),
            ("consent_to_share", shown("consent_to_share")), ("person.birth_year", shown("person.birth_year")),
            // With «No contactarla», her phone is not on the screen of a shared PC.
            ("person.phone", document["safe_contact"]?["no_contact"]?.boolValue == true && document["person"]?["phone"] != nil
                ? "No se muestra: no contactarla" : shown("person.phone")),
            ("person.address", shown("person.address")), ("person.colonia", shown("person.colonia")),
            ("summary", shown("summary")),
        ]
        let concluded = document["status"]?.stringValue == "concluido"
        let work = VentanillaController.work(on: document, department: department)
        let targets = Vocabulary.referralTarget.values.filter { $0 != department }
        return html(.ok, "case", try await frame("Caso \(document["folio"]?.stringValue ?? "")", signed, [
            "notice": notice as Any, "id": id,
            "name": VentanillaController.plain(document["person"]?["full_name"]) ?? "Sin nombre anotado",
            "noContact": document["safe_contact"]?["no_contact"]?.boolValue == true,
            "safePhone": shown("safe_contact.phone"), "safeHours": shown("safe_contact.hours"),
            "facts": facts.map { ["label": DisplayVocabulary.fieldLabel($0.0), "value": $0.1] },
            "pending": pendingLabels, "timeline": timeline.map(\.item),
            "concluded": concluded, "mayWork": work != .none, "mayClose": work == .leads,
            "acceptFirst": work == .none ? "Tu dependencia aún no acepta la canalización de este caso: acéptala en «Canalizaciones recibidas» para registrar en él." : nil as String? as Any,
            "kinds": Vocabulary.attentionKind.values.map { ["value": $0, "label": DisplayVocabulary.value($0, in: .attentionKind)] },
            "targets": targets.map { ["value": $0, "label": DisplayVocabulary.value($0, in: .referralTarget)] },
            "urgencies": Vocabulary.urgency.values.map { ["value": $0, "label": DisplayVocabulary.value($0, in: .urgency)] },
            "risks": Vocabulary.riskLevel.values.map {
                ["value": $0, "label": DisplayVocabulary.value($0, in: .riskLevel), "selected": $0 == document["risk_level"]?.stringValue]
            },
            "myCertificate": signed.servant.certificationFolio as Any,
        ]))
    }

    /// An action on the case page: an attention, a referral, the risk level, or closing it.
    func caseAction(_ action: String, caseID: String, form: WebForm, _ signed: Signed) async throws -> Response {
        func text(_ name: String) -> String? {
            guard let value = form[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return value
        }
        let key = RecordKey(.caseFile, caseID)
        guard let stored = try await node.store.read({ try await $0.documentText(key) }) else {
            throw WebRefusal(.notFound, "Ese caso no está en este equipo.")
        }
        let work = VentanillaController.work(on: try JSONValue.parse(stored), department: node.identity.department)
        guard work != .none else {
            throw WebRefusal(.forbidden, "Tu dependencia aún no acepta la canalización de este caso: acéptala (o recházala) en «Canalizaciones recibidas». Nada se guardó.")
        }
        let done: String
        switch action {
        case "atencion":
            guard let kind = text("tipo") else { throw WebRefusal(.unprocessableContent, ErrorWording.spanish(code: "missing_field", field: "attentions.*.kind")) }
            _ = try await node.addAttention(caseID: caseID, .object(attentionBody(kind: kind, note: text("nota"), signed)), author: signed.author)
            done = "atencion"
        case "canalizar":
            guard let to = text("destino") else { throw WebRefusal(.unprocessableContent, ErrorWording.spanish(code: "missing_field", field: "referrals.*.to")) }
            var body: [String: JSONValue] = ["to": .string(to), "state": "enviada", "urgency": .string(text("urgencia") ?? "ordinaria")]
            body["reason"] = text("motivo").map(JSONValue.string)
            _ = try await node.addReferral(caseID: caseID, .object(body), author: signed.author)
            done = "canalizacion"
        case "riesgo":
            guard let level = text("riesgo") else { throw WebRefusal(.unprocessableContent, ErrorWording.spanish(code: "missing_field", field: "risk_level")) }
            _ = try await node.patchCase(id: caseID, .object(["risk_level": .string(level)]), author: signed.author)
            done = "riesgo"
        case "concluir":
            guard work == .leads else {
                throw WebRefusal(.forbidden, "Solo la dependencia que abrió el caso, o la que lo lleva, puede concluirlo. Nada se guardó.")
            }
            guard text("confirmar") == "si" else {
                throw WebRefusal(.unprocessableContent, "Para concluir el caso marca la casilla que lo confirma. Nada se guardó.")
            }
            _ = try await node.patchCase(id: caseID, .object(["status": "concluido"]), author: signed.author)
            done = "cerrado"
        default:
            throw WebRefusal(.notFound, "Esa acción no existe.")
        }
        await onWrite()
        return WebPage.redirect("/ventanilla/casos/\(caseID)?hecho=\(done)")
    }

    /// Longest attention note (`attentions.*.note`), in bytes.
    static let maxNoteBytes = 10_000

    /// What this department may do on a case it holds.
    enum Work: Equatable {
        /// Only answer a referral it has not accepted (writing would keep it in the case's scope).
        case none
        /// Record attentions, refer, update the risk: it accepted a referral, or already works on it.
        case works
        /// Also close it: it opened the case or leads it.
        case leads
    }

    static func work(on document: JSONValue, department: String) -> Work {
        if document["origin_department"]?.stringValue == department || document["lead_department"]?.stringValue == department { return .leads }
        if (document["attentions"]?.arrayValue ?? []).contains(where: { $0["department"]?.stringValue == department }) { return .works }
        let accepted = (document["referrals"]?.arrayValue ?? []).contains {
            $0["to"]?.stringValue == department && ["recibida", "atendida"].contains($0["state"]?.stringValue ?? "")
        }
        return accepted ? .works : .none
    }

    /// The time a ULID carries (its first ten characters, Crockford base 32), if `id` is one.
    static func ulidMillis(_ id: String) -> Int64? {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        guard id.count == 26 else { return nil }
        var value: Int64 = 0
        for character in id.prefix(10).uppercased() {
            guard let digit = alphabet.firstIndex(of: character) else { return nil }
            value = value << 5 | Int64(digit)
        }
        return value
    }
}
