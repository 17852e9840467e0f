import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceWeb
import Foundation
import Hummingbird

/// La ventanilla: the node's own Spanish pages under `/ventanilla/`, for the public servants
/// who attend women at the department's PC. Served on loopback TCP only; a shared PC is
/// assumed: sessions end after 15 idle minutes, no name goes into a title or a URL (searches
/// are posted), nothing is cached, and signing out clears what the browser kept. Every entry
/// written here names the signed-in servant as its author, never a field of the form. It
/// shares passwords, the sign-in gate, tokens, CSRF and rendering with the office desk
/// (`EnlaceWeb`).
public struct VentanillaController: Sendable {
    let node: FieldNode
    let gate: SignInGate
    /// Told after every write (the sync schedule sends it soon).
    let onWrite: @Sendable () async -> Void
    /// The `Host` values requests must name (no DNS rebinding).
    let hosts: Set<String>
    /// How long a refused sign-in waits before answering.
    let refusalDelay: Duration

    static let sessionCookie = "enlace_ventanilla"
    /// Before signing in: the token the sign-in form carries back (double submit).
    static let signInCookie = "enlace_ventanilla_entrada"
    /// A session ends after this long without a page.
    static let idleMillis: Int64 = 15 * 60_000
    /// Failed sign-in names remembered, at most.
    static let maxFailureRows = 10_000

    /// The ventanilla of `node` served at `host`:`port` (requests must name it as their Host).
    public init(node: FieldNode, host: String, port: Int, onWrite: @escaping @Sendable () async -> Void = {},
                refusalDelay: Duration = .milliseconds(500), gate: SignInGate? = nil) {
        self.init(node: node, hosts: LocalAccess.hosts(host: host, port: port), onWrite: onWrite, refusalDelay: refusalDelay, gate: gate)
    }

    init(node: FieldNode, hosts: Set<String>, onWrite: @escaping @Sendable () async -> Void = {},
         refusalDelay: Duration = .milliseconds(500), gate: SignInGate? = nil) {
        self.node = node
        self.hosts = hosts
        self.onWrite = onWrite
        self.refusalDelay = refusalDelay
        self.gate = gate ?? SignInGate(limit: SignInLimit(refusedLabel: "enlace_node_signins_refused_total"),
                                       checks: PasswordChecks(threads: 1, capacity: 2, refusedLabel: "enlace_node_signins_refused_total"))
    }

    /// The ventanilla's router: the Host check first, then its pages.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: VentanillaHostCheck(hosts: hosts))
        addRoutes(to: router)
        return router
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        let window = self
        router.get("/") { _, _ in WebPage.redirect("/ventanilla/casos") }
        router.get("/ventanilla") { _, _ in WebPage.redirect("/ventanilla/casos") }
        router.get("/ventanilla/estilo.css") { _, _ in WebPage.stylesheet() }
        router.get("/ventanilla/entrar") { request, _ in
            let query = request.uri.queryParameters
            let notice = query.get("salida") != nil ? "Sesión cerrada. En este equipo no queda nada del caso."
                : query.get("inactiva") != nil ? "La sesión se cerró sola tras 15 minutos sin uso. Vuelve a entrar para seguir." : nil
            var response = window.signInPage(status: .ok, servantID: "", notice: notice, problem: nil)
            if query.get("inactiva") != nil { response.headers[values: .init("Clear-Site-Data")!] = ["\"cache\", \"storage\""] }
            return response
        }
        router.post("/ventanilla/entrar") { request, _ in try await window.signIn(request) }
        router.post("/ventanilla/salir") { request, _ in
            try await window.page(request) { signed in
                _ = try await window.form(request, signed)
                try await window.node.store.endServantSession(tokenHash: signed.session.tokenHash)
                var response = WebPage.redirect("/ventanilla/entrar?salida=1")
                response.headers[values: .setCookie] = [window.cookie(VentanillaController.sessionCookie, "", maxAge: 0)]
                // Nothing of a case stays in the browser: its cache, cookies and storage go.
                response.headers[values: .init("Clear-Site-Data")!] = ["\"cache\", \"cookies\", \"storage\""]
                return response
            }
        }
        router.get("/ventanilla/casos") { request, _ in try await window.page(request) { try await window.casesPage(query: nil, $0) } }
        router.post("/ventanilla/casos") { request, _ in
            try await window.page(request) { signed in
                let form = try await window.form(request, signed)
                return try await window.casesPage(query: form["q"], signed)
            }
        }
        router.get("/ventanilla/buscar") { request, _ in try await window.page(request) { try await window.searchPage(form: nil, $0) } }
        router.post("/ventanilla/buscar") { request, _ in
            try await window.page(request) { signed in try await window.searchPage(form: try await window.form(request, signed), signed) }
        }
        router.get("/ventanilla/abrir") { _, _ in WebPage.redirect("/ventanilla/buscar") }
        router.post("/ventanilla/abrir") { request, _ in
            try await window.page(request) { signed in try await window.openCase(try await window.writingForm(request, signed), signed) }
        }
        router.get("/ventanilla/casos/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await window.page(request) { signed in
                try await window.casePage(id: id, signed, notice: VentanillaController.done[request.uri.queryParameters.get("hecho") ?? ""])
            }
        }
        router.post("/ventanilla/casos/:id/:accion") { request, context in
            let id = context.parameters.get("id") ?? "", action = context.parameters.get("accion") ?? ""
            return try await window.page(request, back: "/ventanilla/casos/\(id)") { signed in
                try await window.caseAction(action, caseID: id, form: try await window.writingForm(request, signed), signed)
            }
        }
        router.get("/ventanilla/canalizaciones") { request, _ in
            try await window.page(request) { signed in
                try await window.inboxPage(signed, notice: VentanillaController.done[request.uri.queryParameters.get("hecho") ?? ""])
            }
        }
        router.post("/ventanilla/canalizaciones/:caso/:canalizacion") { request, context in
            let caseID = context.parameters.get("caso") ?? "", referralID = context.parameters.get("canalizacion") ?? ""
            return try await window.page(request, back: "/ventanilla/canalizaciones") { signed in
                try await window.answerReferral(caseID: caseID, referralID: referralID, form: try await window.writingForm(request, signed), signed)
            }
        }
    }

    /// What a finished write says on the page it leads back to (`?hecho=`).
    static let done: [String: String] = [
        "abierto": "Caso abierto. Ya está guardado en este equipo; se enviará a la oficina central en cuanto haya red.",
        "abierto-sin-atencion": "Caso abierto y guardado, pero tu atención no se pudo guardar: regístrala abajo, en «Registrar una atención».",
        "atencion": "Atención registrada a tu nombre.",
        "canalizacion": "Canalización registrada. La dependencia que la recibe la verá cuando ambos equipos se conecten con la oficina central.",
        "riesgo": "Nivel de riesgo actualizado.",
        "cerrado": "Caso concluido.",
        "respuesta": "Respuesta guardada; el departamento que canalizó la verá en su siguiente sincronización.",
    ]

    // MARK: Sign-in and sessions

    /// A signed-in servant: her session and her account.
    struct Signed: Sendable {
        let session: ServantSession
        let servant: Servant
        /// The author every entry she writes names: her name and servant id.
        var author: String {
            let text = "\(servant.name), \(servant.id)"
            return text.utf8.count <= Schema.maxAuthorLength ? text : servant.id
        }
    }

    func signInPage(status: HTTPResponse.Status, servantID: String, notice: String?, problem: String?) -> Response {
        let token = WebToken.make()
        var response = html(status, "signin", [
            "title": "Entrar a la ventanilla", "csrf": token, "servantID": servantID, "notice": notice as Any, "problem": problem as Any,
            "department": DisplayVocabulary.department(node.identity.department),
            "departmentShort": DisplayVocabulary.departmentShort(node.identity.department),
        ])
        response.headers[values: .setCookie] = [cookie(VentanillaController.signInCookie, token, maxAge: 3600)]
        return response
    }

    func signIn(_ request: Request) async throws -> Response {
        let form: WebForm
        do {
            form = try await WebPage.form(request, csrf: WebForm.cookie(VentanillaController.signInCookie, in: request.headers[.cookie]))
        } catch let refusal as WebRefusal {
            return signInPage(status: refusal.status, servantID: "", notice: nil,
                              problem: "El formulario caducó o no salió de esta página. Vuelve a escribir tus datos.")
        }
        let id = (form["servidor"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["contrasena"] ?? ""
        guard !id.isEmpty, id.utf8.count <= Servant.maxIDLength, !password.isEmpty, password.utf8.count <= PasswordHash.maximumLength else {
            return signInPage(status: .badRequest, servantID: id, notice: nil, problem: "Escribe tu número de persona servidora pública y tu contraseña.")
        }
        let store = node.store
        let at = node.clock()
        let outcome: SignInGate.Outcome<ServantSession> = try await gate.attempt(
            client: "loopback", password: password, at: at,
            read: { try await store.servantSignIn(id: id, at: at, window: SignInGate.windowMillis) },
            failed: { _ = try await store.recordServantFailure(id: id, at: at, window: SignInGate.windowMillis, keep: VentanillaController.maxFailureRows) },
            open: {
                let token = WebToken.make()
                let session = ServantSession(tokenHash: WebToken.hash(token), servantID: id, csrf: WebToken.make(),
                                             expiresAt: at + VentanillaController.idleMillis)
                try await store.openServantSession(session, at: at)
                return (token, session)
            })
        return try await SignInGate.respond(outcome, delay: refusalDelay, signedIn: { token in
            var response = WebPage.redirect("/ventanilla/casos")
            response.headers[values: .setCookie] = [
                cookie(VentanillaController.sessionCookie, token, maxAge: Int(VentanillaController.idleMillis / 1000)),
                cookie(VentanillaController.signInCookie, "", maxAge: 0),
            ]
            return response
        }, refused: { status, problem in
            signInPage(status: status, servantID: id, notice: nil,
                       problem: status == .unauthorized ? "Número de persona servidora pública o contraseña incorrectos." : problem)
        })
    }

    /// Runs a signed-in page: without a live session it sends the browser to sign in; a
    /// refusal becomes a Spanish error page with its status.
    func page(_ request: Request, back: String = "/ventanilla/casos", _ body: (Signed) async throws -> Response) async throws -> Response {
        let cookie = WebForm.cookie(VentanillaController.sessionCookie, in: request.headers[.cookie])
        guard let cookie, let (session, servant) = try await node.store.useServantSession(
            tokenHash: WebToken.hash(cookie), at: node.clock(), idle: VentanillaController.idleMillis)
        else {
            let location = cookie == nil ? "/ventanilla/entrar" : "/ventanilla/entrar?inactiva=1"
            var response = request.method == .get ? WebPage.redirect(location)
                : try await errorPage(.unauthorized, signed: nil, explanation: "Tu sesión terminó. Vuelve a entrar; nada se guardó.", back: location)
            if cookie != nil {
                // A session that ended leaves nothing behind in the browser.
                response.headers[values: .setCookie] = [self.cookie(VentanillaController.sessionCookie, "", maxAge: 0)]
                response.headers[values: .init("Clear-Site-Data")!] = ["\"cache\", \"storage\""]
            }
            return response
        }
        let signed = Signed(session: session, servant: servant)
        do {
            var response = try await body(signed)
            // The cookie lives as long as the session: 15 more minutes from now.
            if response.headers[.setCookie] == nil {
                response.headers[values: .setCookie] = [self.cookie(VentanillaController.sessionCookie, cookie, maxAge: Int(VentanillaController.idleMillis / 1000))]
            }
            return response
        } catch let error as WebRefusal {
            return try await errorPage(error.status, signed: signed, explanation: error.explanation, back: back)
        } catch let error where APIError.from(error) != nil {
            let api = APIError.from(error)!
            return try await errorPage(.init(code: api.status), signed: signed,
                                       explanation: ErrorWording.spanish(code: api.code, field: api.field)
                                           + (request.method == .get ? "" : " " + WebPage.nothingStored(api.status)),
                                       back: back)
        }
    }

    /// The posted form of a signed-in page, after its CSRF token is checked.
    func form(_ request: Request, _ signed: Signed) async throws -> WebForm {
        try await WebPage.form(request, csrf: signed.session.csrf)
    }

    /// The posted form of a page that writes: refused for a `consulta` account.
    func writingForm(_ request: Request, _ signed: Signed) async throws -> WebForm {
        let form = try await self.form(request, signed)
        guard signed.servant.role == .captura else {
            throw WebRefusal(.forbidden, "Tu cuenta es de consulta: puedes ver los casos, pero no registrar. Si necesitas registrar, pide a sistemas que cambie tu cuenta.")
        }
        return form
    }

    func errorPage(_ status: HTTPResponse.Status, signed: Signed?, explanation: String, back: String) async throws -> Response {
        html(status, "error", try await frame(WebPage.heading(status.code), signed, [
            "explanation": explanation, "back": back,
        ]))
    }

    // MARK: Rendering

    func html(_ status: HTTPResponse.Status, _ template: String, _ context: [String: Any]) -> Response {
        WebPage.html(VentanillaTemplates.library, status, template, context)
    }

    /// A ventanilla cookie: only for `/ventanilla`; loopback HTTP, so not `Secure`.
    func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        WebPage.cookie(name, value, path: "/ventanilla", maxAge: maxAge, secure: false)
    }

    /// What every signed-in page shows around its content: who is signed in, her certificate,
    /// the sync banner, when the session ends.
    func frame(_ title: String, _ signed: Signed?, _ context: [String: Any]) async throws -> [String: Any] {
        var context = context
        context["title"] = title
        context["department"] = DisplayVocabulary.department(node.identity.department)
        context["departmentShort"] = DisplayVocabulary.departmentShort(node.identity.department)
        guard let signed else { return context }
        let now = node.clock()
        var standing: CertificateStanding?
        if let folio = signed.servant.certificationFolio { standing = try await node.certificateStanding(folio: folio) }
        context["session"] = [
            "name": signed.servant.name, "csrf": signed.session.csrf, "captura": signed.servant.role == .captura,
            "roleName": signed.servant.role == .captura ? "registra casos" : "solo consulta",
            "certificate": standing?.spanish ?? (signed.servant.certificationFolio == nil ? "sin certificado ligado" : "certificado no encontrado en el padrón"),
            "certificateCurrent": standing?.current == true,
            "endsAt": String(LeonTime.format(millis: now + VentanillaController.idleMillis).suffix(8).prefix(5)),
            "idleSeconds": VentanillaController.idleMillis / 1000,
        ] as [String: Any]
        context["sync"] = try await syncBanner(now: now)
        return context
    }

    /// The sync banner: connected or not, what waits to be sent, the last contact.
    func syncBanner(now: Int64) async throws -> [String: Any] {
        let status = try await node.status()
        let last = status.lastSyncAt.flatMap(RFC3339.parseTimestamp)
        let connected = status.lastError == nil && last != nil
        let pending = status.pendingEntries
        let contact = last.map { "Última conexión lograda: \(WebPage.ago($0, now: now))." } ?? "Este equipo aún no se ha conectado con la oficina central."
        let waiting = WebPage.counted(pending, "anotación", "anotaciones")
        return [
            "connected": connected,
            "state": connected ? "Conectado con la oficina central."
                : "Sin conexión con la oficina central: todo lo que registres se guarda en este equipo y se envía solo cuando vuelva la red.",
            "contact": contact,
            "pending": pending == 0 ? "Todo lo registrado aquí ya se envió."
                : connected ? "\(waiting) se \(pending == 1 ? "envía" : "envían") en unos segundos."
                : "\(waiting) \(pending == 1 ? "espera" : "esperan") en este equipo; no se pierden aunque salgas.",
        ]
    }
}
