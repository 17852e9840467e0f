import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceWeb
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
    /// After how long without contact the nodes page flags a node as not syncing.
    let silentAfterMillis: Int64

    static let sessionCookie = "enlace_oficina"
    /// Before signing in: the token the sign-in form carries back (double submit).
    static let signInCookie = "enlace_oficina_entrada"
    /// Most conflicts a list reads, and shows.
    static let listReadLimit = 20_000, listShowLimit = 200

    func addRoutes(to router: some RouterMethods<CentralContext>) {
        let desk = self
        router.get("/oficina") { _, _ in WebPage.redirect("/oficina/conflictos") }
        router.get("/oficina/estilo.css") { _, _ in WebPage.stylesheet() }
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
                try await desk.server.signOut(session)
                var response = WebPage.redirect("/oficina/entrar?salida=1")
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
                                            ? "Conflicto resuelto. Cada departamento recibirá la decisión la próxima vez que su equipo se conecte." : nil)
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
            try await desk.page(request, back: "/oficina/conflictos") { session in try await desk.auditPage(request, session) }
        }
        router.get("/oficina/informe") { request, _ in
            try await desk.page(request, back: "/oficina/conflictos") { session in try await desk.reportPage(request, session) }
        }
        router.get("/oficina/informe/:tabla") { request, context in
            let table = context.parameters.get("tabla") ?? ""
            return try await desk.page(request, back: "/oficina/informe") { session in try await desk.reportCSV(table, request, session) }
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
        let body = try await request.body.collect(upTo: WebPage.formLimit)
        guard let form = WebForm(urlencoded: Array(buffer: body)) else {
            return signInPage(status: .badRequest, name: "", notice: nil, problem: "El formulario llegó dañado; inténtalo de nuevo.")
        }
        let expected = WebForm.cookie(DeskController.signInCookie, in: request.headers[.cookie])
        guard let expected, let sent = form["csrf"], WebToken.same(expected, sent) else {
            return signInPage(status: .forbidden, name: form["nombre"] ?? "", notice: nil,
                              problem: "El formulario caducó o no salió de esta página. Vuelve a escribir tus datos.")
        }
        let name = (form["nombre"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["contrasena"] ?? ""
        guard !name.isEmpty, name.utf8.count <= 128, !password.isEmpty, password.utf8.count <= PasswordHash.maximumLength else {
            return signInPage(status: .badRequest, name: name, notice: nil, problem: "Escribe tu nombre y tu contraseña.")
        }
        let outcome = try await server.signIn(user: name, password: password, client: client)
        return try await SignInGate.respond(outcome, delay: refusalDelay, signedIn: { token in
            var response = WebPage.redirect("/oficina/conflictos")
            response.headers[values: .setCookie] = [
                cookie(DeskController.sessionCookie, token, maxAge: Int(CentralServer.deskSessionMillis / 1000)),
                cookie(DeskController.signInCookie, "", maxAge: 0),
            ]
            return response
        }, refused: { status, problem in signInPage(status: status, name: name, notice: nil, problem: problem) })
    }

    /// Runs a signed-in page: without a live session it sends the browser to sign in; a
    /// refusal becomes a Spanish error page with its status.
    func page(_ request: Request, back: String, _ body: (DeskSession) async throws -> Response) async throws -> Response {
        let server = self.server
        guard let token = WebForm.cookie(DeskController.sessionCookie, in: request.headers[.cookie]),
              let session = try await server.deskSession(token: token)
        else {
            if request.method == .get { return WebPage.redirect("/oficina/entrar") }
            return errorPage(.unauthorized, session: nil, explanation: "Tu sesión terminó. Vuelve a entrar.", back: "/oficina/entrar")
        }
        do {
            return try await body(session)
        } catch let error as WebRefusal {
            return errorPage(error.status, session: session, explanation: error.explanation, back: back)
        } catch let error where APIError.from(error) != nil {
            // The English message stays in the log; the page says what happened in Spanish.
            let api = APIError.from(error)!
            return errorPage(.init(code: api.status), session: session,
                             explanation: ErrorWording.spanish(code: api.code, field: api.field)
                                + (request.method == .get ? "" : " " + WebPage.nothingStored(api.status)),
                             back: back)
        }
    }

    /// The posted form of a signed-in page, after its CSRF token is checked.
    func form(_ request: Request, session: DeskSession) async throws -> WebForm {
        try await WebPage.form(request, csrf: session.csrf)
    }

    func errorPage(_ status: HTTPResponse.Status, session: DeskSession?, explanation: String, back: String) -> Response {
        html(status, "error", [
            "title": WebPage.heading(status.code), "session": session.map(sessionView) as Any, "explanation": explanation, "back": back,
        ])
    }
}
