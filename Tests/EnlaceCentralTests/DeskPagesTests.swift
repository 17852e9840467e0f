import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import EnlaceWeb
import Foundation
import HummingbirdTesting
import Testing

@testable import EnlaceCentral

/// The desk's pages read as the coordinator reads them (in process, over HTTP): a case by its
/// folio and her name, fields by their labels, departments by name, times in León, no field
/// path or vocabulary code where a word belongs; the nodes that stopped syncing flagged; the
/// audit log filtered and paged; the report for a period, one CSV per table. The browser test
/// looks at the same pages in Chromium at phone and desktop widths.
@Suite("Desk pages", .serialized)
struct DeskPagesTests {
    typealias Desk = OfficeDeskTests
    static let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RD")
    static let attention = "01JDQ90000000000000000000A"
    static let referral = "01JDQ90000000000000000000R"

    /// C4 opens a case (a woman who must not be contacted, at high risk, a first-contact
    /// attention, a referral to IMMUJERES); then C4 and IMMUJERES rewrite its summary without
    /// seeing each other: a conflict.
    static func openCase(_ server: CentralServer) async throws -> (c4: TestOrigin, imm: TestOrigin) {
        let (c4, imm) = (TestOrigin("c4-01"), TestOrigin("imm-01"))
        for (origin, department) in [(c4, "C4"), (imm, "IMMUJERES")] {
            _ = try await server.enroll(nodeID: origin.node, department: department, by: "test")
            try await server.bind(origin.binding, for: origin.node)
        }
        let opening: [FieldOperation] = [
            .set(field: "folio", value: "LEON-C4-01-2026-000007"), .set(field: "origin_department", value: "C4"),
            .set(field: "intake_channel", value: "emergencia_911"), .set(field: "status", value: "abierto"),
            .set(field: "person.full_name", value: "Ana Pérez Ramírez"), .set(field: "safe_contact.no_contact", value: true),
            .set(field: "risk_level", value: "alto"), .add(field: "violence_types", element: "fisica"),
            .set(field: "attentions.\(attention).at", value: "2025-11-24T15:00:00.000Z"),
            .set(field: "attentions.\(attention).department", value: "C4"),
            .set(field: "attentions.\(attention).kind", value: "primer_contacto"),
            .set(field: "referrals.\(referral).from", value: "C4"), .set(field: "referrals.\(referral).to", value: "IMMUJERES"),
            .set(field: "referrals.\(referral).state", value: "enviada"), .set(field: "referrals.\(referral).urgency", value: "prioritaria"),
        ]
        try await push(server, c4, "C4", [c4.edit(key, opening, author: "ana.c4")])
        try await push(server, c4, "C4", [c4.edit(key, [.set(field: "summary", value: "Relato según C4")], author: "ana.c4")])
        try await push(server, imm, "IMMUJERES", [imm.edit(key, [.set(field: "summary", value: "Relato según IMMujeres")],
                                                     clock: VectorClock([c4.node: 1, imm.node: 1]), author: "eva.imm")])
        return (c4, imm)
    }

    static func push(_ server: CentralServer, _ origin: TestOrigin, _ department: String, _ edits: [JournalEntry]) async throws {
        let entries = edits.map { origin.seal($0) }
        _ = try await server.push(try origin.batch(entries, central: server.key.agreementPublicKey), from: origin.node, department: department)
    }

    static func signedIn(_ client: TestClientProtocol, _ name: String) async throws -> [String: String] {
        let (_, session) = try await Desk.signIn(client, name)
        return ["enlace_oficina": try #require(session)]
    }

    @Test("a conflict reads in words: the case by folio and name, departments by name, no version chosen for her, the machinery behind a disclosure; a refused decision keeps what she typed")
    func conflictInWords() async throws {
        try await Desk().withDesk { fixture, client in
            _ = try await Self.openCase(fixture.server)
            let conflict = try #require(try await fixture.server.storage.read { try await $0.conflicts(of: Self.key).first { $0.field == "summary" } })
            let rosa = try await Self.signedIn(client, "rosa")

            let list = try await Desk.request(client, .get, "/oficina/conflictos", cookies: rosa)
            #expect(list.status == 200)
            #expect(list.text.contains("LEON-C4-01-2026-000007 · Ana Pérez Ramírez"), "the list names the case by folio and her name")
            #expect(list.text.contains("IMMujeres y C4"), "every department involved")
            #expect(DeskText.leaks(list.text) == [])

            let page = try await Desk.request(client, .get, "/oficina/conflictos/\(conflict.id)", cookies: rosa)
            #expect(page.status == 200)
            #expect(page.text.contains("Conflicto en «Relato»"))
            #expect(page.text.contains("IMMujeres y C4 cambiaron «Relato» sin ver el cambio de la otra área."))
            #expect(page.text.contains("ana.c4") && page.text.contains("eva.imm"), "each version names its servant")
            #expect(!page.text.contains(" checked"), "no version is chosen for her")
            #expect(page.text.contains("<textarea id=\"valor\""), "another summary is written as text, not JSON")
            #expect(DeskText.leaks(page.text) == [], "\(DeskText.leaks(page.text))")
            #expect(page.text.contains("24 nov 2025, 10:00:00"), "times are León's, to the second")
            #expect(page.text.contains("Detalles técnicos") && page.text.contains("c4-01:"), "the clocks stay one click away")

            // A decision without a note comes back with her choice and her words, and stores nothing.
            let entries = try await fixture.server.storage.read { try await $0.entryCount() }
            let agreed = "Relato acordado por C4 e IMMujeres tras hablar con ella"
            let refused = try await Desk.request(client, .post, "/oficina/conflictos/\(conflict.id)/resolver", cookies: rosa,
                                                 form: [("csrf", try #require(page.csrf)), ("eleccion", "otro"), ("valor", agreed), ("nota", " ")])
            #expect(refused.status == 422)
            #expect(refused.text.contains("La nota es obligatoria") && refused.text.contains(agreed))
            #expect(refused.text.contains("value=\"otro\" required checked"), "her choice is kept")
            #expect(try await fixture.server.storage.read { try await $0.entryCount() } == entries)

            let decided = try await Desk.request(client, .post, "/oficina/conflictos/\(conflict.id)/resolver", cookies: rosa,
                                                 form: [("csrf", page.csrf!), ("eleccion", "otro"), ("valor", agreed), ("nota", "Lo acordaron ambas áreas.")])
            #expect(decided.status == 303)
            let after = try await Desk.request(client, .get, decided.location ?? "", cookies: rosa)
            #expect(after.text.contains("Decidió rosa") && after.text.contains(agreed) && after.text.contains("Lo acordaron ambas áreas."))
            #expect(after.text.contains("¿Ya la recibió cada departamento que tiene el caso?"))
            let resolved = try await Desk.request(client, .get, "/oficina/conflictos?estado=resolved", cookies: rosa)
            #expect(resolved.text.contains("Resuelto por rosa el "), "a decided conflict says who decided and when")
            #expect(resolved.text.contains("<h2>1 conflicto</h2>"))
        }
    }

    @Test("a case page is grouped by section, puts «No contactarla» first, and tells its history in sentences")
    func casePage() async throws {
        try await Desk().withDesk { fixture, client in
            _ = try await Self.openCase(fixture.server)
            let rosa = try await Self.signedIn(client, "rosa")
            let page = try await Desk.request(client, .get, "/oficina/casos/\(Self.key.id)", cookies: rosa)
            #expect(page.status == 200)
            let text = DeskText.visible(page.text)
            #expect(text.contains("Caso LEON-C4-01-2026-000007 · Ana Pérez Ramírez"))
            for section in ["Persona", "Contacto seguro", "Riesgo", "El caso", "Departamento líder", "Atenciones", "Canalizaciones", "Historia"] {
                #expect(page.text.contains(">\(section)</h2>"), "section \(section)")
            }
            #expect(text.contains("No contactarla: una llamada o una visita pueden alertar al agresor."))
            #expect(try #require(text.range(of: "No contactarla: una llamada")).lowerBound < (try #require(text.range(of: "Nombre completo")).lowerBound),
                    "the warning comes before her data")
            #expect(text.contains("Nivel de riesgo") && text.contains("Alto") && text.contains("Física"))
            #expect(text.contains("Emergencia 911") && text.contains("Primer contacto , C4") || text.contains("Primer contacto, C4"))
            #expect(text.contains("C4 (ana.c4) abrió el caso (canal: Emergencia 911), registró una atención: Primer contacto y canalizó el caso a Instituto Municipal de las Mujeres, urgencia prioritaria."), "\(text)")
            #expect(text.contains("IMMujeres (eva.imm) cambió «Relato»."), "a narrative's change is named, not quoted")
            #expect(page.text.contains("class=\"etiqueta-conflicto\" href=\"/oficina/conflictos/"), "the summary links to its conflict")
            #expect(DeskText.leaks(page.text) == [], "\(DeskText.leaks(page.text))")
            #expect(try await fixture.auditActions().last == "case.read", "reading the case is audited")
        }
    }

    @Test("the nodes page flags a node silent for longer than the threshold and says how many entries each lacks")
    func silentNodes() async throws {
        try await Desk().withDesk { fixture, client in
            let (c4, _) = try await Self.openCase(fixture.server)
            try await fixture.server.noteContact(c4.node, position: 1, version: "0.9.0", signedAt: nil)
            let head = try await fixture.server.storage.feedLag(at: fixture.server.now()).head
            let ada = try await Self.signedIn(client, "ada")
            let fresh = try await Desk.request(client, .get, "/oficina/nodos", cookies: ada)
            #expect(fresh.status == 200)
            let c4Row = try #require(DeskText.row(containing: "c4-01", in: fresh.text))
            #expect(c4Row.contains(">\(head - 1)<") && c4Row.contains(">Conectado<"), "\(c4Row)")
            let immRow = try #require(DeskText.row(containing: "imm-01", in: fresh.text))
            #expect(immRow.contains("Nunca se ha conectado") && immRow.contains("silencioso"))
            #expect(fresh.text.contains("1 equipo lleva demasiado tiempo sin conectarse."))

            fixture.advance(CentralAPI.defaultNodeSilentAfterMillis + 60_000)
            let again = try await Self.signedIn(client, "ada")  // a session lasts a working day
            let later = try await Desk.request(client, .get, "/oficina/nodos", cookies: again)
            #expect(try #require(DeskText.row(containing: "c4-01", in: later.text)).contains("Sin conectarse hace 24 h"))
            #expect(later.text.contains("2 equipos llevan demasiado tiempo sin conectarse.") && later.text.contains("24 horas"))
            #expect(DeskText.leaks(later.text) == [])
        }
    }

    @Test("the audit log is filtered by person, action and date, paged by 100, in León time; its chain is checked from where the last visit stopped")
    func auditLog() async throws {
        try await Desk().withDesk { fixture, client in
            _ = try await Self.openCase(fixture.server)
            try await fixture.server.storage.transaction { transaction in
                for _ in 0..<130 {
                    try await AuditLog.append("case.read", actor: "lectora@central", subject: Self.key.id, at: fixture.server.now(), in: transaction)
                }
            }
            let ada = try await Self.signedIn(client, "ada")
            let first = try await Desk.request(client, .get, "/oficina/bitacora?persona=lectora%40central", cookies: ada)
            #expect(first.status == 200 && first.text.contains("íntegra"))
            #expect(DeskText.rows(in: first.text) == 100)
            #expect(first.text.contains("Consultó un caso") && first.text.contains("caso LEON-C4-01-2026-000007"))
            #expect(!first.text.contains("Ana Pérez"), "the log names a case by its folio, never by her name")
            #expect(first.text.contains("15 ene 2027, 02:00:00"), "León time, as every other page")
            let older = try #require(DeskText.link("Ver filas más antiguas", in: first.text))
            #expect(older.contains("persona=lectora%40central"), "the next page keeps the filter")
            let second = try await Desk.request(client, .get, older, cookies: ada)
            #expect(DeskText.rows(in: second.text) == 30 && DeskText.link("Ver filas más antiguas", in: second.text) == nil)

            let signIns = try await Desk.request(client, .get, "/oficina/bitacora?accion=desk.signin", cookies: ada)
            #expect(DeskText.rows(in: signIns.text) == 1 && signIns.text.contains("Entró a la oficina"))
            let today = try await Desk.request(client, .get, "/oficina/bitacora?persona=ada&desde=2027-01-15&hasta=2027-01-15", cookies: ada)
            #expect(DeskText.rows(in: today.text) == 1)
            let tomorrow = try await Desk.request(client, .get, "/oficina/bitacora?desde=2027-01-16", cookies: ada)
            #expect(DeskText.rows(in: tomorrow.text) == 0 && tomorrow.text.contains("Ninguna fila coincide"))
            for bad in ["desde=2027-02-30", "desde=2027-01-16&hasta=2027-01-15", "accion=borrar.todo", "antes=-1"] {
                let page = try await Desk.request(client, .get, "/oficina/bitacora?\(bad)", cookies: ada)
                #expect(page.status == 400, "\(bad)")
            }
            #expect(DeskText.leaks(first.text) == [])

            // A row written and then edited behind the server's back is found at the next visit.
            try await fixture.server.storage.transaction { try await AuditLog.append("case.read", actor: "rosa", subject: Self.key.id, at: fixture.server.now(), in: $0) }
            let sql = try JournalStoreSQL(path: fixture.folder.sub("central") + "/journal.sqlite")
            try sql.execute("DROP TRIGGER audit_refuses_update")
            try sql.execute("UPDATE audit_log SET subject = 'otro' WHERE position = (SELECT MAX(position) FROM audit_log)")
            let broken = try await Desk.request(client, .get, "/oficina/bitacora", cookies: ada)
            #expect(broken.text.contains("La bitácora fue alterada") && broken.text.contains("una fila se modificó"))
        }
    }

    @Test("the AVGM report covers a chosen period (this month by default), says when it was made, and each table downloads as a CSV Excel opens")
    func report() async throws {
        try await Desk().withDesk { fixture, client in
            _ = try await Self.openCase(fixture.server)
            let vera = try await Self.signedIn(client, "vera")
            let month = try await Desk.request(client, .get, "/oficina/informe", cookies: vera)
            #expect(month.status == 200)
            #expect(month.text.contains("Periodo del 1 ene 2027 al 15 ene 2027") && month.text.contains("Generado el 15 ene 2027, 02:00:00 por vera"))
            #expect(month.text.contains("No hubo atenciones en el periodo."), "the case's attention is from November 2025")
            let november = try await Desk.request(client, .get, "/oficina/informe?desde=2025-11-01&hasta=2025-11-30", cookies: vera)
            #expect(november.text.contains("C4 (Centro de Control"), "departments by their names")
            #expect(DeskText.leaks(november.text) == [])

            let csv = try await Desk.request(client, .get, "/oficina/informe/atenciones?desde=2025-11-01&hasta=2025-11-30", cookies: vera)
            #expect(csv.status == 200 && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition]?.contains("avgm-atenciones-2025-11-01-a-2025-11-30.csv") == true)
            #expect(csv.text.hasPrefix("\u{FEFF}Departamento,Atenciones del 2025-11-01 al 2025-11-30,Por personal certificado,Proporción\r\n"))
            #expect(csv.text.contains("\r\nC4 (Centro de Control, Comando, Comunicaciones y Cómputo)") || csv.text.contains("\r\n\"C4 (Centro de Control, Comando"))
            #expect(csv.text.contains(",1,0,0 %\r\n"))
            for table in ["certificadas", "por-vencer"] {
                let other = try await Desk.request(client, .get, "/oficina/informe/\(table)", cookies: vera)
                #expect(other.status == 200 && other.text.hasPrefix("\u{FEFF}"), "\(table)")
            }
            #expect(try await Desk.request(client, .get, "/oficina/informe/todo", cookies: vera).status == 404)
            for bad in ["desde=2027-01-10&hasta=2027-01-01", "desde=ayer&hasta=2027-01-01", "desde=2027-01-01"] {
                #expect(try await Desk.request(client, .get, "/oficina/informe?\(bad)", cookies: vera).status == 400, "\(bad)")
            }
            let audited = try await fixture.server.storage.auditRows().filter { $0.action == "report.compliance" }
            #expect(audited.contains { $0.detail.contains("\"from\":\"2025-11-01\"") }, "each report is audited with its period")
        }
    }
}

/// What a person sees of a desk page, and the words she should never see there.
enum DeskText {
    /// The page's text without its tags, and without what stays behind a "Detalles técnicos"
    /// disclosure.
    static func visible(_ html: String) -> String {
        var text = html
        while let start = text.range(of: "<details><summary>Detalles técnicos"),
              let end = text.range(of: "</details>", range: start.upperBound..<text.endIndex) {
            text.removeSubrange(start.lowerBound..<end.upperBound)
        }
        text = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }

    /// The field paths and vocabulary codes a page shows where a label exists.
    static func leaks(_ html: String) -> [String] {
        let text = visible(html)
        var codes: Set<String> = []
        for type in RecordType.allCases {
            for spec in type.schema.fields where spec.path != "folio" { codes.insert(spec.path) }
        }
        var vocabularies: [Vocabulary] = []
        for type in RecordType.allCases {
            for spec in type.schema.fields { if let vocabulary = spec.type.vocabulary { vocabularies.append(vocabulary) } }
        }
        for vocabulary in vocabularies {
            for value in vocabulary.values {
                let label = DisplayVocabulary.value(value, in: vocabulary)
                guard value != label, !label.contains(value), value != DisplayVocabulary.departmentShort(value) else { continue }
                if value.contains("_") || value == value.uppercased() { codes.insert(value) }
            }
        }
        var found = codes.filter { code in
            let pattern = "(^|[^A-Za-z0-9_.*])" + NSRegularExpression.escapedPattern(for: code) + "($|[^A-Za-z0-9_])"
            return text.range(of: pattern, options: .regularExpression) != nil
        }.sorted()
        // An item's path: attentions.<id>.kind.
        if let item = text.range(of: "(attentions|referrals)\\.[0-9A-Z]{26}", options: .regularExpression) { found.append(String(text[item])) }
        return found
    }

    /// The table row (or card) that mentions `needle`.
    static func row(containing needle: String, in html: String) -> String? {
        html.components(separatedBy: "<tr>").first { $0.contains(needle) }
    }

    /// How many rows the page's last table has in its body.
    static func rows(in html: String) -> Int {
        guard let body = html.components(separatedBy: "<tbody>").last, html.contains("<tbody>") else { return 0 }
        return body.components(separatedBy: "</tbody>")[0].components(separatedBy: "<tr>").count - 1
    }

    /// The target of the link whose text is `text`.
    static func link(_ text: String, in html: String) -> String? {
        guard let end = html.range(of: "\">\(text)</a>") else { return nil }
        guard let start = html.range(of: "href=\"", options: .backwards, range: html.startIndex..<end.lowerBound) else { return nil }
        return String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
    }
}
