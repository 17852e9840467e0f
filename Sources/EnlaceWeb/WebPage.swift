import EnlaceModel
import Hummingbird
import Mustache

/// How the desk and the ventanilla answer: HTML rendered from Mustache with strict headers,
/// redirects, cookies, the posted form behind its CSRF check, and the Spanish words every page
/// uses for times, counts and refusals.
public enum WebPage {
    /// Largest form body read.
    public static let formLimit = 256 * 1024

    /// A library of pages (name, Mustache text) built into the binary; a template that does not
    /// parse stops the process at its first page, naming it.
    public static func library(_ pages: [(String, String)], of owner: String) -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in pages {
            do { try library.register(text, named: name) } catch { preconditionFailure("\(owner) template \(name): \(error)") }
        }
        return library
    }

    /// A page rendered from `template` of `library` with `context` (see `clean`).
    public static func html(_ library: MustacheLibrary, _ status: HTTPResponse.Status, _ template: String, _ context: [String: Any]) -> Response {
        let text = library.render(clean(context) ?? [:], withTemplate: template) ?? ""
        return Response(status: status, headers: pageHeaders(type: "text/html; charset=utf-8"),
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A context as Mustache should see it: absent optionals removed (they would print as
    /// `nil`), present ones unwrapped, and beside every array `any_NAME`, whether it has items.
    public static func clean(_ value: Any) -> Any? {
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
    public static func pageHeaders(type: String) -> HTTPFields {
        [
            .contentType: type, .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "no-referrer", .init("X-Frame-Options")!: "DENY",
        ]
    }

    /// The shared stylesheet, cached an hour.
    public static func stylesheet() -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: Stylesheet.css)))
    }

    public static func redirect(_ location: String) -> Response {
        var headers = pageHeaders(type: "text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// A page's cookie: only for its `path`, never readable by scripts, never sent from another
    /// site, `Secure` under TLS.
    public static func cookie(_ name: String, _ value: String, path: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(value); Path=\(path); Max-Age=\(max(0, maxAge)); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The posted form, after its CSRF token is checked against `csrf` (the session's, or the
    /// sign-in cookie's for the double submit before one exists).
    public static func form(_ request: Request, csrf: String?) async throws -> WebForm {
        let body = try await request.body.collect(upTo: formLimit)
        guard let form = WebForm(urlencoded: Array(buffer: body)) else {
            throw WebRefusal(.badRequest, "El formulario llegó dañado; inténtalo de nuevo.")
        }
        guard let csrf, let sent = form["csrf"], WebToken.same(sent, csrf) else {
            throw WebRefusal(.forbidden, "El formulario caducó o no salió de esta página (falta su código de seguridad). Vuelve a abrir la página.")
        }
        return form
    }

    /// A time as León reads it, to the second.
    public static func readable(_ millis: Int64) -> String { LeonTime.format(millis: millis) }
    public static func readable(_ text: String) -> String { LeonTime.format(text) }

    /// How long ago, roughly: "hace 3 h".
    public static func ago(_ millis: Int64, now: Int64) -> String {
        let seconds = max(0, (now - millis) / 1000)
        switch seconds {
        case ..<60: return "hace menos de un minuto"
        case ..<3600: return "hace \(seconds / 60) min"
        case ..<172_800: return "hace \(seconds / 3600) h"
        default: return "hace \(seconds / 86_400) días"
        }
    }

    /// Departments in a sentence: "C4 e IMMujeres", "C4, DIF y Salud".
    public static func listed(_ departments: [String]) -> String {
        let names = departments.map(DisplayVocabulary.departmentShort)
        guard let last = names.last else { return "" }
        guard names.count > 1 else { return last }
        let joiner = last.first.map { "iIhH".contains($0) } == true && !last.lowercased().hasPrefix("hi") ? " e " : " y "
        return names.dropLast().joined(separator: ", ") + joiner + last
    }

    /// A count with its noun: "1 conflicto", "3 conflictos".
    public static func counted(_ count: Int, _ one: String, _ many: String) -> String {
        count == 1 ? "1 \(one)" : "\(count) \(many)"
    }

    /// An error page's heading for its status.
    public static func heading(_ status: Int) -> String {
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

    /// What a refusal left behind, after its explanation.
    public static func nothingStored(_ status: Int) -> String {
        status >= 500 ? "Nada se guardó; si vuelve a pasar, avisa a sistemas." : "Nada se guardó."
    }
}
