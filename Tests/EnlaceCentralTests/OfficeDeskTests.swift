import EnlaceModel
import EnlaceWeb
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import EnlaceCentral

/// The office desk's sign-in, sessions and forms over HTTP (in process): cookies, CSRF, roles,
/// throttling shared through the store, and sessions that end. The browser test
/// (`scripts/browser-tests.sh`) drives the same pages in Chromium against real processes.
/// Serialized: the sign-in limiter is per process.
@Suite("Office desk", .serialized)
struct OfficeDeskTests {
    /// A central server with three desk users, on a clock the test moves.
    struct Fixture: Sendable {
        let folder: TemporaryFolder
        let server: CentralServer
        let clock: TestClock
        static let password = "una contraseña larga"

        init() async throws {
            folder = try TemporaryFolder()
            let made = try await CentralSetup.initialize(dataDirectory: folder.sub("central"))
            let clock = TestClock()
            self.clock = clock
            server = CentralServer(storage: made.storage, key: made.key, now: { [clock] in clock.now.withLock { $0 } }, passwordLogRounds: 10)
            for (name, role) in [("vera", Principal.Role.viewer), ("rosa", .resolver), ("ada", .admin)] {
                _ = try await server.addUser(name: name, role: role, by: "test")
                try await server.setPassword(user: name, password: Fixture.password, by: "test")
            }
        }

        func advance(_ millis: Int64) { clock.now.withLock { $0 += millis } }
        func auditActions() async throws -> [String] { try await server.storage.auditRows().map(\.action) }
    }

    /// The time the fixture's server sees.
    final class TestClock: Sendable {
        let now = Mutex<Int64>(1_800_000_000_000)
    }

    struct Page {
        let status: Int
        let text: String
        let headers: HTTPFields
        var location: String? { headers[.location] }
        /// The value of the hidden `csrf` field of the page's first form.
        var csrf: String? {
            guard let range = text.range(of: #"name="csrf" value=""#) else { return nil }
            return String(text[range.upperBound...].prefix { $0 != "\"" })
        }
        func cookie(_ name: String) -> String? {
            headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
                .map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
        }
    }

    func withDesk(_ test: @Sendable (Fixture, TestClientProtocol) async throws -> Void) async throws {
        let fixture = try await Fixture()
        let app = Application(router: CentralAPI(server: fixture.server, signInRefusalDelay: .zero).router(), logger: .quiet)
        try await app.test(.router) { client in try await test(fixture, client) }
    }

    static func request(
        _ client: TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, cookies: [String: String] = [:],
        form: [(String, String)]? = nil
    ) async throws -> Page {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            body = ByteBuffer(string: form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            Page(status: Int(response.status.code), text: String(buffer: response.body), headers: response.headers)
        }
    }

    /// Signs `name` in through the form; returns the session cookie.
    static func signIn(_ client: TestClientProtocol, _ name: String, password: String = Fixture.password) async throws -> (Page, String?) {
        let form = try await request(client, .get, "/oficina/entrar")
        let entry = try #require(form.cookie("enlace_oficina_entrada"))
        #expect(form.csrf == entry)
        let answer = try await request(client, .post, "/oficina/entrar", cookies: ["enlace_oficina_entrada": entry],
                                       form: [("csrf", entry), ("nombre", name), ("contrasena", password)])
        return (answer, answer.cookie("enlace_oficina"))
    }

    @Test("signing in sets an HttpOnly, SameSite=Strict session cookie for /oficina; a wrong password is refused and audited; pages need the session")
    func signIn() async throws {
        try await withDesk { fixture, client in
            let away = try await Self.request(client, .get, "/oficina/conflictos")
            #expect(away.status == 303 && away.location == "/oficina/entrar")

            let (refused, none) = try await Self.signIn(client, "rosa", password: "otra contraseña")
            #expect(refused.status == 401 && none == nil)
            #expect(refused.text.contains("Nombre o contraseña incorrectos"))
            #expect(try await fixture.auditActions().contains("desk.signin.failed"))
            let (unknown, _) = try await Self.signIn(client, "nadie")
            #expect(unknown.status == 401 && unknown.text.contains("Nombre o contraseña incorrectos"), "an unknown name gets the same answer")

            let (signed, session) = try await Self.signIn(client, "rosa")
            #expect(signed.status == 303 && signed.location == "/oficina/conflictos")
            let header = try #require(signed.headers[values: .setCookie].first { $0.hasPrefix("enlace_oficina=") })
            #expect(header.contains("HttpOnly") && header.contains("SameSite=Strict") && header.contains("Path=/oficina") && !header.contains("Secure"))
            let list = try await Self.request(client, .get, "/oficina/conflictos", cookies: ["enlace_oficina": try #require(session)])
            #expect(list.status == 200 && list.text.contains("<html lang=\"es\">") && list.text.contains("rosa · decide conflictos"))
            #expect(list.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(try await fixture.auditActions().contains("desk.signin"))

            // The bearer-token API does not take the desk's cookie.
            let api = try await Self.request(client, .get, "/v1/conflicts", cookies: ["enlace_oficina": session!])
            #expect(api.status == 401)
        }
    }

    @Test("when the password checks are full, a sign-in is told to retry (503) at once, without hashing or counting a failure")
    func busy() async throws {
        try await withDesk { fixture, client in
            let checks = fixture.server.signInGate.checks
            let release = Counter()
            let holders = (0..<checks.capacity).map { _ in
                Task { _ = await checks.run { while release.current == 0 { usleep(1_000) } } }
            }
            while checks.inFlight < checks.capacity { try await Task.sleep(for: .milliseconds(1)) }
            let (busy, none) = try await Self.signIn(client, "rosa")
            _ = release.next()
            for holder in holders { await holder.value }
            #expect(busy.status == 503 && none == nil && busy.headers[.retryAfter] == "2")
            #expect(try await !fixture.auditActions().contains("desk.signin.failed"))
            let (signed, session) = try await Self.signIn(client, "rosa")
            #expect(signed.status == 303 && session != nil)
        }
    }

    @Test("an unknown name gets exactly the answers a known one gets: refused five times, then throttled (no way to tell which names exist)")
    func sameAnswerForEveryName() async throws {
        try await withDesk { fixture, client in
            var answers: [String: [Int]] = [:]
            for name in ["rosa", "nadie-existe"] {
                for _ in 1...6 {
                    let (answer, _) = try await Self.signIn(client, name, password: "no es esta")
                    answers[name, default: []].append(answer.status)
                }
            }
            #expect(answers["rosa"] == [401, 401, 401, 401, 401, 429], "\(answers)")
            #expect(answers["nadie-existe"] == answers["rosa"], "\(answers)")
            // Each name is audited when it starts failing and when it is locked: two rows, not six.
            #expect(try await fixture.auditActions().filter { $0.hasPrefix("desk.signin.") }.count == 4)
        }
    }

    @Test("a sign-in form without its token, or with another's, is refused")
    func signInCSRF() async throws {
        try await withDesk { _, client in
            let missing = try await Self.request(client, .post, "/oficina/entrar", form: [("nombre", "rosa"), ("contrasena", Fixture.password)])
            #expect(missing.status == 403 && missing.cookie("enlace_oficina") == nil)
            let forged = try await Self.request(client, .post, "/oficina/entrar", cookies: ["enlace_oficina_entrada": "enl_a"],
                                                form: [("csrf", "enl_b"), ("nombre", "rosa"), ("contrasena", Fixture.password)])
            #expect(forged.status == 403 && forged.cookie("enlace_oficina") == nil)
        }
    }

    @Test("past its page budget a client is answered 429, in Spanish, before any page is rendered or form read; other clients and the sync API are not held back")
    func pageBudget() async throws {
        let fixture = try await Fixture()
        // Clients named by a trusted proxy, so that one test can be several of them.
        var api = CentralAPI(server: fixture.server, signInRefusalDelay: .zero, trustedProxies: ["local"])
        // Three at once, then one a second on a clock the test moves.
        let clock = Mutex<Int64>(0)
        api.pageBudget = PageBudget(burst: 3, perSecond: 1, now: { clock.withLock { $0 } })
        try await Application(router: api.router(), logger: .quiet).test(.router) { client in
            func call(_ method: HTTPRequest.Method, _ path: String, from address: String, form: String? = nil) async throws -> Page {
                var headers: HTTPFields = [:]
                headers[.init("X-Forwarded-For")!] = address
                if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
                return try await client.execute(uri: path, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) }) { response in
                    Page(status: Int(response.status.code), text: String(buffer: response.body), headers: response.headers)
                }
            }
            var answers: [Page] = []
            for _ in 1...5 { answers.append(try await call(.get, "/oficina/entrar", from: "10.0.0.7")) }
            #expect(answers.map(\.status) == [200, 200, 200, 429, 429])
            let refused = try #require(answers.last)
            #expect(refused.status == 429 && refused.headers[.retryAfter] == "2")
            #expect(refused.text.contains("Espera unos segundos") && refused.csrf == nil && refused.cookie("enlace_oficina_entrada") == nil,
                    "a short refusal, no page rendered")
            // A sign-in past the budget is refused before its form is read: no failure is counted.
            let post = try await call(.post, "/oficina/entrar", from: "10.0.0.7", form: "csrf=x&nombre=rosa&contrasena=no")
            #expect(post.status == 429)
            #expect(try await fixture.auditActions().filter { $0.hasPrefix("desk.signin.") }.isEmpty)
            #expect(try await call(.get, "/oficina/entrar", from: "10.0.0.8").status == 200, "another client has its own budget")
            #expect(try await call(.get, "/healthz", from: "10.0.0.7").status == 200, "the budget is the desk's alone")
            clock.withLock { $0 += 1_000 }
            #expect(try await call(.get, "/oficina/entrar", from: "10.0.0.7").status == 200, "a second later, one more")
            #expect(try await call(.get, "/oficina/entrar", from: "10.0.0.7").status == 429)
        }
    }

    @Test("a page budget counts an IPv6 client by its /64, and past 10,000 clients still filling up, new ones share one bucket")
    func pageBudgetClients() {
        #expect(PageBudget.key(of: "2001:db8:1:2::1") == PageBudget.key(of: "2001:db8:1:2:ffff:ffff:ffff:ffff"))
        #expect(PageBudget.key(of: "2001:db8:1:2::1") != PageBudget.key(of: "2001:db8:1:3::1"))
        #expect(PageBudget.key(of: "10.0.0.7") == "10.0.0.7" && PageBudget.key(of: "local") == "local")
        let budget = PageBudget(burst: 3, perSecond: 1, now: { 0 })
        for index in 0..<PageBudget.rememberedClients { #expect(budget.admit("10.1.\(index / 256).\(index % 256)")) }
        // The table is full of buckets still filling: every newcomer draws from the shared one.
        let newcomers = (0..<5).map { budget.admit("10.9.0.\($0)") }
        #expect(newcomers == [true, true, true, false, false], "\(newcomers)")
        #expect(budget.admit("10.1.0.1"), "a client remembered keeps its own bucket")
    }

    @Test("after five failures a name is refused for 15 minutes, even with the right password, by every process sharing the store")
    func throttling() async throws {
        try await withDesk { fixture, client in
            for _ in 1...5 {
                let (refused, _) = try await Self.signIn(client, "rosa", password: "no es esta")
                #expect(refused.status == 401)
            }
            let (throttled, none) = try await Self.signIn(client, "rosa")
            #expect(throttled.status == 429 && none == nil && throttled.headers[.retryAfter] == "900")
            // Another central process on the same store knows it too.
            let other = try await CentralSetup.open(dataDirectory: fixture.folder.sub("central"))
            guard case .throttled = try await other.signIn(user: "rosa", password: Fixture.password, client: "another") else {
                Issue.record("the other process let the name try again")
                return
            }
            // Audited when the name starts failing and when it is locked, not once per failure.
            #expect(try await fixture.auditActions().filter { $0 == "desk.signin.failed" }.count == 1)
            #expect(try await fixture.auditActions().filter { $0 == "desk.signin.throttled" }.count == 1)
            fixture.advance(15 * 60_000 + 1)
            let (again, session) = try await Self.signIn(client, "rosa")
            #expect(again.status == 303 && session != nil)
        }
    }

    @Test("every form needs its session's CSRF token; a viewer may look but not resolve; nothing is stored on a refusal")
    func formsAndRoles() async throws {
        try await withDesk { fixture, client in
            // A real conflict: C4 and IMMUJERES rewrite the summary without seeing each other.
            let helper = CentralServerTests()
            try await helper.push(fixture.server, [helper.edit("c4-01", seq: 1, clock: ["c4-01": 1], summary: "Versión de C4")], as: TestOrigin("c4-01"))
            try await helper.push(fixture.server, [helper.edit("imm-01", seq: 1, clock: ["imm-01": 1], summary: "Versión de IMMUJERES")],
                            as: TestOrigin("imm-01"))
            let conflict = try #require(try await fixture.server.storage.read { try await $0.conflicts(of: helper.key).first { $0.field == "summary" } })
            #expect(conflict.status == .open)
            let path = "/oficina/conflictos/\(conflict.id)/resolver"
            func unchanged() async throws -> Bool {
                try await fixture.server.storage.read { try await $0.conflict(id: conflict.id)?.status } == .open
            }

            let (_, rosa) = try await Self.signIn(client, "rosa")
            let cookie = ["enlace_oficina": try #require(rosa)]
            let entries = try await fixture.server.storage.read { try await $0.entryCount() }
            let noToken = try await Self.request(client, .post, path, cookies: cookie, form: [("eleccion", "1"), ("nota", "Sin token.")])
            #expect(noToken.status == 403 && noToken.text.contains("código de seguridad"))
            let page = try await Self.request(client, .get, "/oficina/conflictos", cookies: cookie)
            let wrong = try await Self.request(client, .post, path, cookies: cookie,
                                               form: [("csrf", "enl_otro"), ("eleccion", "1"), ("nota", "Token ajeno.")])
            #expect(wrong.status == 403)
            let noNote = try await Self.request(client, .post, path, cookies: cookie,
                                                form: [("csrf", try #require(page.csrf)), ("eleccion", "1"), ("nota", "  ")])
            #expect(noNote.status == 422 && noNote.text.contains("La nota es obligatoria"))
            let missing = try await Self.request(client, .post, "/oficina/conflictos/abc/resolver", cookies: cookie,
                                                 form: [("csrf", page.csrf!), ("eleccion", "1"), ("nota", "Con token.")])
            #expect(missing.status == 404, "with its token the form reaches the conflict, which does not exist")

            let (_, vera) = try await Self.signIn(client, "vera")
            let viewer = ["enlace_oficina": try #require(vera)]
            let viewerPage = try await Self.request(client, .get, "/oficina/conflictos", cookies: viewer)
            let refused = try await Self.request(client, .post, path, cookies: viewer,
                                                 form: [("csrf", try #require(viewerPage.csrf)), ("eleccion", "1"), ("nota", "Quiero resolver.")])
            #expect(refused.status == 403 && refused.text.contains("no decidirlos"))
            let audit = try await Self.request(client, .get, "/oficina/bitacora", cookies: viewer)
            #expect(audit.status == 403, "the audit log is for admins")
            // Every refusal left the conflict open and the journal as it was.
            #expect(try await fixture.server.storage.read { try await $0.entryCount() } == entries)
            #expect(try await unchanged(), "a refused form resolved the conflict")

            // The same form with its token, a choice and a note decides it: one entry more.
            let right = try await Self.request(client, .post, path, cookies: cookie,
                                               form: [("csrf", page.csrf!), ("eleccion", "1"), ("nota", "Con token.")])
            #expect(right.status == 303 || right.status == 200, "\(right.status) \(right.text.prefix(300))")
            #expect(try await fixture.server.storage.read { try await $0.entryCount() } == entries + 1)
            #expect(try await !unchanged())
        }
    }

    @Test("a session ends when signed out, when it expires, when the password changes and when the user is revoked")
    func sessionsEnd() async throws {
        try await withDesk { fixture, client in
            func works(_ session: String?) async throws -> Bool {
                try await Self.request(client, .get, "/oficina/nodos", cookies: ["enlace_oficina": session ?? ""]).status == 200
            }
            let (_, first) = try await Self.signIn(client, "rosa")
            #expect(try await works(first))
            let page = try await Self.request(client, .get, "/oficina/nodos", cookies: ["enlace_oficina": first!])
            let out = try await Self.request(client, .post, "/oficina/salir", cookies: ["enlace_oficina": first!], form: [("csrf", page.csrf!)])
            #expect(out.status == 303 && out.location == "/oficina/entrar?salida=1" && out.cookie("enlace_oficina") == "")
            #expect(try await !works(first))
            #expect(try await fixture.auditActions().contains("desk.signout"))

            let (_, second) = try await Self.signIn(client, "rosa")
            fixture.advance(8 * 3_600_000)
            #expect(try await !works(second), "a session lasts eight hours")

            let (_, third) = try await Self.signIn(client, "rosa")
            try await fixture.server.setPassword(user: "rosa", password: "otra contraseña larga", by: "test")
            #expect(try await !works(third))
            let (_, fourth) = try await Self.signIn(client, "rosa", password: "otra contraseña larga")
            #expect(try await works(fourth))
            _ = try await fixture.server.revoke(.user, subject: "rosa", by: "test")
            #expect(try await !works(fourth))
            let (after, none) = try await Self.signIn(client, "rosa", password: "otra contraseña larga")
            #expect(after.status == 401 && none == nil)
        }
    }

    @Test("what a page echoes is HTML-escaped, and a bad filter is a precise 400 page")
    func escapingAndFilters() async throws {
        try await withDesk { _, client in
            let (_, session) = try await Self.signIn(client, "ada")
            let cookie = ["enlace_oficina": try #require(session)]
            let page = try await Self.request(client, .get, "/oficina/bitacora?persona=%3Cscript%3Ealert(1)%3C%2Fscript%3E", cookies: cookie)
            #expect(page.status == 200 && page.text.contains("&lt;script&gt;") && !page.text.contains("<script>"))
            let bad = try await Self.request(client, .get, "/oficina/conflictos?antiguedad=99999999999999999999", cookies: cookie)
            #expect(bad.status == 400 && bad.text.contains("horas enteras"))
            let department = try await Self.request(client, .get, "/oficina/conflictos?departamento=NINGUNO", cookies: cookie)
            #expect(department.status == 400)
            let audit = try await Self.request(client, .get, "/oficina/bitacora", cookies: cookie)
            #expect(audit.status == 200 && audit.text.contains("íntegra"))
            let csv = try await Self.request(client, .get, "/oficina/informe/certificadas", cookies: cookie)
            #expect(csv.status == 200 && csv.headers[.contentType] == "text/csv; charset=utf-8")
        }
    }

    @Test("passwords: scrypt round trip, a wrong or malformed one never matches, short ones are refused")
    func passwords() throws {
        let stored = try PasswordHash.make("correcta y larga")
        #expect(stored.hasPrefix("scrypt$15$8$1$"))
        #expect(PasswordHash.verify("correcta y larga", against: stored))
        #expect(PasswordHash.verify("rápida", against: try PasswordHash.make("rápida", logRounds: 10)), "a stored hash keeps its own cost")
        #expect(!PasswordHash.verify("correcta y larg", against: stored))
        #expect(!PasswordHash.verify("correcta y larga", against: "scrypt$40$8$1$AAAA$BBBB"))
        #expect(!PasswordHash.verify("correcta y larga", against: ""))
        #expect(PasswordHash.weakness("corta") != nil)
        #expect(try PasswordHash.make("correcta y larga") != stored, "every hash has its own salt")
    }

    @Test("forms and cookies are decoded exactly; a broken escape is refused")
    func forms() throws {
        let form = try #require(WebForm(urlencoded: Array("nota=Hola+mundo%21&valor=%C3%A1&nota=segunda&vacio=".utf8)))
        #expect(form["nota"] == "Hola mundo!" && form["valor"] == "á" && form["vacio"] == "")
        #expect(WebForm(urlencoded: Array("a=%4".utf8)) == nil)
        #expect(WebForm(urlencoded: Array("a=%ZZ".utf8)) == nil)
        #expect(WebForm(urlencoded: Array("a=%FF".utf8)) == nil, "not UTF-8")
        #expect(WebForm.cookie("b", in: "a=1; b=dos; c=3") == "dos")
        #expect(WebForm.cookie("b", in: "ab=1") == nil)
    }

    @Test("the compliance report counts certificates valid at the period's end, lists those expiring within 90 days after it, counts the period's attentions, and writes safe CSV")
    func complianceReport() throws {
        let certificates: [JSONValue] = [
            ["holder_name": "Ana", "holder_employee_id": "e1", "department": "DIF", "standard_code": "EC0539", "folio": "F1",
             "status": "vigente", "valid_until": "2027-01-15"],
            ["holder_name": "Ana", "holder_employee_id": "e1", "department": "DIF", "standard_code": "EC0539", "folio": "F2",
             "status": "vigente", "valid_until": "2029-01-01"],
            ["holder_name": "=cmd()", "holder_employee_id": "e2", "department": "DIF", "standard_code": "EC0497", "folio": "F3",
             "status": "vigente", "valid_until": "2026-12-31"],
            ["holder_name": "Eva", "holder_employee_id": "e3", "department": "SALUD", "standard_code": "EC0539", "folio": "F4",
             "status": "revocada", "valid_until": "2029-01-01"],
            ["holder_name": "Luz", "holder_employee_id": "e4", "department": "SALUD", "standard_code": "EC0539", "folio": "F5",
             "status": "vigente", "valid_until": "2026-11-30"],
            ["holder_name": "Sol", "holder_employee_id": "e5", "department": "SALUD", "standard_code": "EC0539", "folio": "F6",
             "status": "vigente", "issued_on": "2026-12-02", "valid_until": "2029-01-01"],
        ]
        // Attentions in León time: 1 Dec 00:30 León is 06:30 UTC; 30 Nov 23:30 León is 1 Dec 05:30 UTC.
        let cases: [JSONValue] = [
            ["attentions": [["department": "DIF", "servant_id": "e1", "at": "2026-12-01T06:30:00.000Z"],
                            ["department": "DIF", "servant_id": "x", "at": "2026-12-01T12:00:00.000Z"],
                            ["department": "DIF", "servant_id": "e1", "at": "2026-12-01T05:30:00.000Z"],
                            ["department": "SALUD", "servant_id": "e3", "at": "2026-12-01T12:00:00.000Z"],
                            ["department": "SALUD", "certification_folio": "F9", "at": "2026-12-01T12:00:00.000Z"],
                            ["department": "SALUD", "servant_id": "e5", "at": "2026-12-02T12:00:00.000Z"]]],
        ]
        let period = try #require(ComplianceReport.Period(from: "2026-12-01", until: "2026-12-01"))
        let report = ComplianceReport(certifications: certificates, cases: cases, period: period)
        #expect(report.certified == [.init(department: "DIF", standard: "EC0497", servants: 1), .init(department: "DIF", standard: "EC0539", servants: 1)],
                "a certificate issued after the period does not count")
        #expect(report.expiring.map(\.folio) == ["F3", "F1"])
        #expect(report.attentions == [.init(department: "DIF", total: 2, byCertified: 1), .init(department: "SALUD", total: 2, byCertified: 1)],
                "attentions are counted by León's calendar day")
        #expect(report.csv(.expiring).contains("'=cmd()"), "a cell that would start a formula is defused")
        #expect(report.csv(.certified).hasPrefix("\u{FEFF}Departamento,Estándar de competencia,Personas certificadas vigentes al 2026-12-01\r\n"))
        #expect(report.csv(.attentions).contains("Sistema DIF") && report.csv(.attentions).contains(",2,1,50 %\r\n"))
        #expect(ComplianceReport.Period(from: "2026-12-02", until: "2026-12-01") == nil)
        #expect(ComplianceReport.Period(from: "2026-02-30", until: "2026-03-01") == nil)
        #expect(ComplianceReport.Period.monthToDate(at: 1_800_000_000_000) == ComplianceReport.Period(from: "2027-01-01", until: "2027-01-15"))
    }
}
