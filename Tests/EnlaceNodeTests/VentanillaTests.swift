import EnlaceModel
@testable import EnlaceNode
import EnlaceStore
import EnlaceTestSupport
import EnlaceWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// La ventanilla through its router: sign-in, sessions that end when idle, CSRF, the Host
/// check, the roles, and that every entry names the signed-in servant whatever the form says.
@Suite("La ventanilla")
struct VentanillaTests {
    /// A node whose clock the test moves, with its roster, two servants and a ventanilla.
    final class Desk: Sendable {
        let folder: TemporaryFolder
        let store: JournalStore
        let node: FieldNode
        let clock = Clock()
        final class Clock: Sendable {
            let now = Mutex<Int64>(1_796_000_000_000)  // 29 nov 2026
            func tick() -> Int64 { now.withLock { $0 += 10; return $0 } }
            func read() -> Int64 { now.withLock { $0 } }
        }
        static let password = "una contraseña larga"

        init(department: String = "C4") async throws {
            folder = try TemporaryFolder()
            store = try JournalStore(path: JournalStore.file(in: folder.path), create: true, keys: [ReplicaKey.generate()])
            try await store.initialize(ReplicaIdentity(
                nodeID: NodeID(department.lowercased() + "-01")!, department: department, centralURL: "http://127.0.0.1:9", token: "t",
                createdAt: "2026-11-29T00:00:00.000Z"))
            let clock = self.clock
            let ids = Counter()
            node = try await FieldNode(store: store, now: { clock.tick() },
                                       newID: { ULID.make(millis: UInt64(clock.read()), random: (UInt64(ids.next()), 7)) })
            _ = try await node.createCertification(.object([
                "standard_code": "EC0539", "folio": "EC0539-LEON-0147", "holder_name": "Lucía Ramírez Torres", "valid_until": "2027-06-30",
            ]), author: "padron")
            _ = try await node.addServant(id: "sp-0147", name: "Lucía Ramírez Torres", role: .captura, certification: "Lucía Ramírez Torres",
                                          password: Desk.password, logRounds: 10)
            _ = try await node.addServant(id: "sp-0200", name: "Rosa Pérez", role: .consulta, certification: nil, password: Desk.password, logRounds: 10)
        }

        func advance(minutes: Int64) { clock.now.withLock { $0 += minutes * 60_000 } }
        func entries() async throws -> Int { try await store.read { try await $0.entryCount() } }
    }

    /// A browser: keeps the cookies the ventanilla sets and the CSRF token of the last page.
    final class Browser: @unchecked Sendable {
        let client: TestClientProtocol
        var cookies: [String: String] = [:]
        var csrf = ""
        init(_ client: TestClientProtocol) { self.client = client }

        struct Page {
            let status: Int
            let text: String
            let headers: HTTPFields
            var location: String { headers[.location] ?? "" }
        }

        @discardableResult
        func get(_ path: String) async throws -> Page { try await send(.get, path, nil) }

        /// Posts `fields` (the page's CSRF token added unless `csrf` says otherwise).
        @discardableResult
        func post(_ path: String, _ fields: [(String, String)], csrf: String? = nil, headers: HTTPFields = [:]) async throws -> Page {
            let all = [("csrf", csrf ?? self.csrf)] + fields
            let body = all.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
            return try await send(.post, path, body, extra: headers)
        }

        func signIn(_ id: String, _ password: String = Desk.password) async throws -> Page {
            try await get("/ventanilla/entrar")
            return try await post("/ventanilla/entrar", [("servidor", id), ("contrasena", password)])
        }

        private func escape(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        }

        private func send(_ method: HTTPRequest.Method, _ path: String, _ body: String?, extra: HTTPFields = [:]) async throws -> Page {
            var headers = extra
            if !cookies.isEmpty, headers[.cookie] == nil { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
            let page = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                Page(status: Int(response.status.code), text: String(buffer: response.body), headers: response.headers)
            }
            for cookie in page.headers[values: .setCookie] {
                let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                if pair.count == 2 { cookies[pair[0]] = pair[1].isEmpty || cookie.contains("Max-Age=0") ? nil : pair[1] }
            }
            if let match = page.text.firstMatch(of: /name="csrf" value="([^"]+)"/) { csrf = String(match.1) }
            return page
        }
    }

    func withVentanilla(department: String = "C4", _ test: @Sendable (Desk, Browser) async throws -> Void) async throws {
        let desk = try await Desk(department: department)
        let ventanilla = VentanillaController(node: desk.node, hosts: ["localhost"], refusalDelay: .zero)
        try await Application(router: ventanilla.router()).test(.router) { client in try await test(desk, Browser(client)) }
    }

    static let newCase: [(String, String)] = [
        ("nombre", "María Guadalupe Soto"), ("telefono", "477 123 4567"), ("canal", "presencial"), ("consentimiento", "si"),
        ("no_contactar", "si"), ("violencia", "fisica"), ("violencia", "psicologica"), ("riesgo", "alto"), ("atencion", "primer_contacto"),
        ("nota", "Llega con lesiones; se le orienta."),
    ]

    @Test("a request naming another Host is refused before anything runs; pages are no-store, framed by nothing, without scripts")
    func hostCheck() async throws {
        let desk = try await Desk()
        // The router's requests name `localhost`: a ventanilla configured for 127.0.0.1:8450 refuses them.
        let strict = VentanillaController(node: desk.node, host: "127.0.0.1", port: 8450, refusalDelay: .zero)
        #expect(strict.hosts == ["127.0.0.1:8450", "localhost:8450"])
        try await Application(router: strict.router()).test(.router) { client in
            let browser = Browser(client)
            let page = try await browser.get("/ventanilla/entrar")
            #expect(page.status == 421 && !page.text.contains("csrf"))
            #expect(try await browser.post("/ventanilla/entrar", [("servidor", "sp-0147"), ("contrasena", Desk.password)]).status == 421)
        }
        try await withVentanilla { _, browser in
            let page = try await browser.get("/ventanilla/entrar")
            #expect(page.status == 200)
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(!page.text.contains("<script"))
            #expect(page.text.contains(#"autocomplete="off""#))
        }
    }

    @Test("signing in: a session cookie for /ventanilla only; wrong passwords and unknown ids get the same answer; the fifth failure locks the id")
    func signIn() async throws {
        try await withVentanilla { desk, browser in
            #expect(try await browser.get("/ventanilla/casos").location == "/ventanilla/entrar")
            // Without the sign-in form's token: refused.
            #expect(try await browser.post("/ventanilla/entrar", [("servidor", "sp-0147"), ("contrasena", Desk.password)], csrf: "x").status == 403)
            let wrong = try await browser.signIn("sp-0147", "otra contraseña larga")
            let unknown = try await browser.signIn("sp-9999", "otra contraseña larga")
            #expect(wrong.status == 401 && unknown.status == 401)
            #expect(wrong.text.contains("Número de persona servidora pública o contraseña incorrectos."))
            for _ in 0..<4 { _ = try await browser.signIn("sp-0147", "otra contraseña larga") }
            let locked = try await browser.signIn("sp-0147")
            #expect(locked.status == 429, "five failures within 15 minutes lock the id, even with the right password")
            desk.advance(minutes: 16)
            let signed = try await browser.signIn("sp-0147")
            #expect(signed.status == 303 && signed.location == "/ventanilla/casos")
            let cookie = try #require(signed.headers[values: .setCookie].first { $0.hasPrefix("enlace_ventanilla=") })
            #expect(cookie.contains("Path=/ventanilla") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let home = try await browser.get("/ventanilla/casos")
            #expect(home.status == 200 && home.text.contains("Lucía Ramírez Torres") && home.text.contains("EC0539 vigente hasta el 30 jun 2027"))
            #expect(home.text.contains("Sin conexión con la oficina central"), "the sync banner says the node has not reached the central server")
        }
    }

    @Test("a case opened at the ventanilla is authored by the signed-in servant, whatever the form says; her attention carries her id and certificate")
    func authorship() async throws {
        try await withVentanilla { desk, browser in
            _ = try await browser.signIn("sp-0147")
            try await browser.get("/ventanilla/buscar")
            let opened = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase + [("servant_id", "intrusa"), ("author", "intrusa")])
            #expect(opened.status == 303)
            let id = String(try #require(opened.location.firstMatch(of: /\/ventanilla\/casos\/([0-9A-Z]+)/)?.1))
            let history = try await desk.node.history(RecordKey(.caseFile, id))
            let authors = Set((history["entries"]?.arrayValue ?? []).compactMap { $0["author"]?.stringValue })
            #expect(authors == ["Lucía Ramírez Torres, sp-0147"])
            let document = try JSONValue.parse(try await desk.node.documentText(RecordKey(.caseFile, id)))
            let attention = try #require(document["attentions"]?.arrayValue?.first)
            #expect(attention["servant_id"] == "sp-0147" && attention["certification_folio"] == "EC0539-LEON-0147" && attention["kind"] == "primer_contacto")
            #expect(document["safe_contact"]?["no_contact"] == true && document["risk_level"] == "alto")
            #expect(document["person"]?["full_name"] == "María Guadalupe Soto")

            // The case page: her contact rule first, her name in the page but never in its title or its URL.
            let page = try await browser.get(opened.location)
            #expect(page.status == 200)
            let title = try #require(page.text.firstMatch(of: /<title>([^<]*)<\/title>/)?.1)
            #expect(!title.contains("María") && title.contains("Caso"))
            #expect(!opened.location.contains("Mar"))
            let warning = try #require(page.text.range(of: "NO CONTACTARLA"))
            let story = try #require(page.text.range(of: "Lo que ya se sabe"))
            #expect(warning.lowerBound < story.lowerBound)
            #expect(page.text.contains("Primer contacto") && page.text.contains("Lucía Ramírez Torres"))

            // An attention and a referral from the case page, with the same authorship.
            try await browser.post("/ventanilla/casos/\(id)/atencion", [("tipo", "orientacion"), ("nota", "Se le explica la ruta."), ("servant_id", "intrusa")])
            let referred = try await browser.post("/ventanilla/casos/\(id)/canalizar", [("destino", "DIF"), ("urgencia", "prioritaria"), ("motivo", "Apoyo para sus hijas.")])
            #expect(referred.status == 303 && referred.location.hasSuffix("?hecho=canalizacion"))
            let after = try JSONValue.parse(try await desk.node.documentText(RecordKey(.caseFile, id)))
            #expect(after["attentions"]?.arrayValue?.allSatisfy { $0["servant_id"] == "sp-0147" } == true)
            let referral = try #require(after["referrals"]?.arrayValue?.first)
            #expect(referral["to"] == "DIF" && referral["from"] == "C4" && referral["urgency"] == "prioritaria" && referral["state"] == "enviada")
            let allAuthors = Set((try await desk.node.history(RecordKey(.caseFile, id))["entries"]?.arrayValue ?? []).compactMap { $0["author"]?.stringValue })
            #expect(allAuthors == ["Lucía Ramírez Torres, sp-0147"])
        }
    }

    @Test("a form refused by the API comes back as it was sent, with the API's reason in Spanish, and nothing stored")
    func keptOnError() async throws {
        try await withVentanilla { desk, browser in
            _ = try await browser.signIn("sp-0147")
            try await browser.get("/ventanilla/buscar")
            let before = try await desk.entries()
            let missing = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase.filter { $0.0 != "canal" })
            #expect(missing.status == 422 && missing.text.contains("Falta «Canal de ingreso»"))
            #expect(missing.text.contains(#"value="María Guadalupe Soto""#) && missing.text.contains(#"value="fisica" checked"#))
            let year = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase + [("anio", "mil novecientos")])
            #expect(year.status == 422 && year.text.contains("«Año de nacimiento»"))
            let vocabulary = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase.filter { $0.0 != "canal" } + [("canal", "paloma_mensajera")])
            #expect(vocabulary.status == 400 || vocabulary.status == 422)
            #expect(vocabulary.text.contains("no acepta ese valor") && vocabulary.text.contains("Nada se guardó."))
            // Her first attention is checked before the case is written: no case without it.
            let long = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase.filter { $0.0 != "nota" } + [("nota", String(repeating: "a", count: 10_001))])
            #expect(long.status == 422 && long.text.contains("demasiado largo"))
            let kind = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase.filter { $0.0 != "atencion" } + [("atencion", "inventada")])
            #expect(kind.status == 422)
            // Her file only from a case this node holds.
            let forged = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase + [("expediente", "01KAAAAAAAAAAAAAAAAAAAAAAA")])
            #expect(forged.status == 422 && forged.text.contains("Ese expediente no está en este equipo"))
            #expect(try await desk.entries() == before)
        }
    }

    @Test("CSRF on every form: a post without the session's token is refused and stores nothing")
    func csrf() async throws {
        try await withVentanilla { desk, browser in
            _ = try await browser.signIn("sp-0147")
            try await browser.get("/ventanilla/buscar")
            let before = try await desk.entries()
            let forged = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase, csrf: "enl_forjado")
            #expect(forged.status == 403 && forged.text.contains("código de seguridad"))
            #expect(try await browser.post("/ventanilla/salir", [], csrf: "").status == 403)
            #expect(try await desk.entries() == before)
            #expect(try await browser.get("/ventanilla/casos").status == 200, "the forged sign-out ended nothing")
            // A page of another local program (another port of 127.0.0.1: the same site to a
            // browser, sharing its cookies) cannot post here, with the right token or not.
            let foreign = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase, headers: [.origin: "http://127.0.0.1:3000"])
            #expect(foreign.status == 403)
            let crossSite = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase, headers: [.init("Sec-Fetch-Site")!: "same-site"])
            #expect(crossSite.status == 403)
            let opaque = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase, headers: [.origin: "null", .init("Sec-Fetch-Site")!: "same-site"])
            #expect(opaque.status == 403, "an opaque origin from another port is refused by its Sec-Fetch-Site")
            // A second session cookie (planted with a narrower path) opens nothing.
            let planted = "enlace_ventanilla=enl_plantada; " + browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            #expect(try await browser.post("/ventanilla/abrir", VentanillaTests.newCase, headers: [.cookie: planted]).status == 401)
            #expect(try await desk.entries() == before)
            let own = try await browser.post("/ventanilla/abrir", VentanillaTests.newCase, headers: [.origin: "null", .init("Sec-Fetch-Site")!: "same-origin"])
            #expect(own.status == 303, "the ventanilla's own pages post")
        }
    }

    @Test("a consulta account reads but cannot write: no forms, and a post is refused")
    func consultaRole() async throws {
        try await withVentanilla { desk, browser in
            let writer = try await desk.node.createCase(.object(["intake_channel": "presencial", "person": ["full_name": "Elena Ruiz"]]), author: "x")
            let id = try JSONValue.parse(writer.document)["id"]!.stringValue!
            _ = try await browser.signIn("sp-0200")
            let page = try await browser.get("/ventanilla/casos/\(id)")
            #expect(page.status == 200 && page.text.contains("Elena Ruiz") && !page.text.contains("Registrar una atención"))
            #expect(page.text.contains("sin certificado ligado"))
            let before = try await desk.entries()
            let refused = try await browser.post("/ventanilla/casos/\(id)/atencion", [("tipo", "orientacion")])
            #expect(refused.status == 403 && refused.text.contains("Tu cuenta es de consulta"))
            #expect(try await browser.post("/ventanilla/abrir", VentanillaTests.newCase).status == 403)
            #expect(try await desk.entries() == before)
        }
    }

    @Test("search is posted (no name in a URL), ignores case and accents, finds by phone digits, and starts from what the node holds")
    func search() async throws {
        try await withVentanilla { desk, browser in
            for (name, phone) in [("María José Núñez", "477-555-0101"), ("Carmen Ortiz", "477 555 0202")] {
                _ = try await desk.node.createCase(.object(["intake_channel": "presencial", "person": ["full_name": .string(name), "phone": .string(phone)]]), author: "x")
            }
            _ = try await browser.signIn("sp-0147")
            try await browser.get("/ventanilla/casos")
            let byName = try await browser.post("/ventanilla/casos", [("q", "maria jose nunez")])
            #expect(byName.text.contains("María José Núñez") && !byName.text.contains("Carmen Ortiz"))
            try await browser.get("/ventanilla/buscar")
            let byPhone = try await browser.post("/ventanilla/buscar", [("q", "4775550202")])
            #expect(byPhone.text.contains("Carmen Ortiz") && !byPhone.text.contains("María José Núñez"))
            #expect(byPhone.text.contains("no tiene que volver a contar su historia"))
            let nobody = try await browser.post("/ventanilla/buscar", [("q", "Juana Inexistente")])
            #expect(nobody.text.contains("Nadie con esos datos") && nobody.text.contains(#"value="Juana Inexistente""#),
                    "the open form is pre-filled with the name searched")
            // A new incident of a woman already known: her file's data pre-fill the form, with her file.
            let known = try #require(byPhone.text.firstMatch(of: /name="desde" value="([0-9A-Z]+)"/)?.1)
            let prefilled = try await browser.post("/ventanilla/buscar", [("desde", String(known))])
            #expect(prefilled.text.contains(#"value="Carmen Ortiz""#) && prefilled.text.contains(#"name="expediente""#))
        }
    }

    @Test("the inbox answers referrals addressed here: a rejection needs its reason; an answer writes state and state_note as the servant")
    func inbox() async throws {
        try await withVentanilla(department: "DIF") { desk, browser in
            let created = try await desk.node.createCase(.object(["intake_channel": "presencial", "person": ["full_name": "Sofía Luna"]]), author: "x")
            let id = try JSONValue.parse(created.document)["id"]!.stringValue!
            let referral = try await desk.node.addReferral(caseID: id, .object(["to": "DIF", "urgency": "inmediata", "reason": "Resguardo de sus hijos."]), author: "x")
            let referralID = referral.referral["id"]!.stringValue!
            _ = try await browser.signIn("sp-0147")
            let inbox = try await browser.get("/ventanilla/canalizaciones")
            #expect(inbox.text.contains("Sofía Luna") && inbox.text.contains("Resguardo de sus hijos.") && inbox.text.contains("Inmediata"))
            let before = try await desk.entries()
            let bare = try await browser.post("/ventanilla/canalizaciones/\(id)/\(referralID)", [("accion", "rechazar")])
            #expect(bare.status == 422 && bare.text.contains("escribe el motivo"))
            #expect(try await browser.post("/ventanilla/canalizaciones/\(id)/\(referralID)", [("accion", "atender")]).status == 409,
                    "attended only once accepted")
            #expect(try await desk.entries() == before)
            let accepted = try await browser.post("/ventanilla/canalizaciones/\(id)/\(referralID)", [("accion", "aceptar"), ("nota", "La recibimos.")])
            #expect(accepted.status == 303)
            let document = try JSONValue.parse(try await desk.node.documentText(RecordKey(.caseFile, id)))
            let answered = try #require(document["referrals"]?.arrayValue?.first)
            #expect(answered["state"] == "recibida" && answered["state_note"] == "La recibimos.")
            let last = try #require(try await desk.node.history(RecordKey(.caseFile, id))["entries"]?.arrayValue?.last)
            #expect(last["author"] == "Lucía Ramírez Torres, sp-0147")
            #expect(try await browser.post("/ventanilla/canalizaciones/\(id)/\(referralID)", [("accion", "rechazar"), ("nota", "tarde")]).status == 409)
        }
    }

    @Test("a department works on a case it holds only once it accepted its referral (a write would keep it in the scope); only the origin or the lead concludes")
    func whoWorks() {
        let referred: JSONValue = ["origin_department": "C4", "referrals": [["to": "DIF", "state": "enviada"]]]
        #expect(VentanillaController.work(on: referred, department: "DIF") == .none)
        let accepted: JSONValue = ["origin_department": "C4", "referrals": [["to": "DIF", "state": "recibida"]]]
        #expect(VentanillaController.work(on: accepted, department: "DIF") == .works)
        let rejected: JSONValue = ["origin_department": "C4", "referrals": [["to": "DIF", "state": "rechazada"]]]
        #expect(VentanillaController.work(on: rejected, department: "DIF") == .none)
        let attended: JSONValue = ["origin_department": "C4", "attentions": [["department": "DIF"]]]
        #expect(VentanillaController.work(on: attended, department: "DIF") == .works)
        #expect(VentanillaController.work(on: referred, department: "C4") == .leads)
        let led: JSONValue = ["origin_department": "C4", "lead_department": "IMMUJERES"]
        #expect(VentanillaController.work(on: led, department: "IMMUJERES") == .leads)
    }

    @Test("a session ends after 15 idle minutes (its page says when); signing out clears the browser; a revoked servant is out at once")
    func sessions() async throws {
        try await withVentanilla { desk, browser in
            _ = try await browser.signIn("sp-0147")
            let page = try await browser.get("/ventanilla/casos")
            #expect(page.text.contains(#"http-equiv="refresh" content="900; url=/ventanilla/entrar?inactiva=1""#))
            #expect(page.text.contains("la sesión se cierra sola a las"))
            desk.advance(minutes: 14)
            #expect(try await browser.get("/ventanilla/casos").status == 200, "each page moves the end")
            desk.advance(minutes: 14)
            #expect(try await browser.get("/ventanilla/casos").status == 200)
            desk.advance(minutes: 16)
            let idle = try await browser.get("/ventanilla/casos")
            #expect(idle.status == 303 && idle.location == "/ventanilla/entrar?inactiva=1")

            _ = try await browser.signIn("sp-0147")
            try await browser.get("/ventanilla/casos")
            let out = try await browser.post("/ventanilla/salir", [])
            #expect(out.status == 303 && out.headers[.init("Clear-Site-Data")!]?.contains("cookies") == true)
            #expect(try await browser.get("/ventanilla/casos").location == "/ventanilla/entrar")

            _ = try await browser.signIn("sp-0147")
            #expect(try await browser.get("/ventanilla/casos").status == 200)
            try await desk.node.revokeServant(id: "sp-0147")
            #expect(try await browser.get("/ventanilla/casos").status == 303)
            #expect(try await browser.signIn("sp-0147").status == 401)
        }
    }

    @Test("accounts: a weak password, a taken id or an unknown certificate adds nobody")
    func accounts() async throws {
        let desk = try await Desk()
        await #expect(throws: Refusal.self) { try await desk.node.addServant(id: "sp-1", name: "A", role: .captura, certification: nil, password: "corta", logRounds: 10) }
        await #expect(throws: ServantAccountError.idTaken("sp-0147")) { try await desk.node.addServant(id: "sp-0147", name: "Otra", role: .captura, certification: nil, password: Desk.password, logRounds: 10) }
        await #expect(throws: ServantAccountError.certificateNotFound("EC0539-NO-EXISTE")) { try await desk.node.addServant(id: "sp-2", name: "B", role: .captura, certification: "EC0539-NO-EXISTE", password: Desk.password, logRounds: 10) }
        await #expect(throws: ServantAccountError.noAccount("sp-9")) { try await desk.node.revokeServant(id: "sp-9") }
        #expect(try await desk.store.servants().map(\.id) == ["sp-0147", "sp-0200"])
        let standing = try #require(try await desk.node.certificateStanding(folio: "EC0539-LEON-0147"))
        #expect(standing.current && standing.spanish == "EC0539 vigente hasta el 30 jun 2027")
        #expect(!FieldNode.standing(of: ["folio": "f", "standard_code": "EC0539", "status": "vigente", "valid_until": "2026-01-31"], today: "2026-12-07").current)
    }
}
