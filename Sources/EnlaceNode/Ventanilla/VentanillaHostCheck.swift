import EnlaceWeb
import Hummingbird

/// Refuses, before anything else runs, a request whose `Host` is not the ventanilla's
/// configured address: a page on another site that renames itself to 127.0.0.1 (DNS
/// rebinding) sends its own name and gets nothing. A post must also come from the ventanilla's
/// own pages: browsers share cookies between the ports of 127.0.0.1 and call them the same
/// site, so a page served by any other local program could otherwise plant a cookie and post
/// a form here; its `Origin` (and `Sec-Fetch-Site`) give it away.
struct VentanillaHostCheck: RouterMiddleware {
    typealias Context = BasicRequestContext
    let hosts: Set<String>

    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        guard let host = request.head.authority, hosts.contains(host.lowercased()) else {
            return Response(status: .misdirectedRequest, headers: WebPage.pageHeaders(type: "text/plain; charset=utf-8"),
                            body: ResponseBody(byteBuffer: ByteBuffer(
                                string: "Esta ventanilla solo responde en \(hosts.sorted().first ?? "su dirección configurada").\n")))
        }
        if request.method == .post {
            let origin = request.headers[.origin]
            let site = request.headers[.init("Sec-Fetch-Site")!]
            // `null` is what a browser sends under `Referrer-Policy: no-referrer`; `Sec-Fetch-Site` then speaks.
            if let origin, origin != "null", origin.lowercased() != "http://" + host.lowercased() {
                return VentanillaHostCheck.refused("Este formulario no salió de la ventanilla: no se guardó nada.")
            }
            if let site, site != "same-origin", site != "none" {
                return VentanillaHostCheck.refused("Este formulario no salió de la ventanilla: no se guardó nada.")
            }
        }
        return try await next(request, context)
    }

    static func refused(_ text: String) -> Response {
        Response(status: .forbidden, headers: WebPage.pageHeaders(type: "text/plain; charset=utf-8"),
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
