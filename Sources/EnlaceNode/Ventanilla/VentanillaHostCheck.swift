import EnlaceWeb
import Hummingbird

/// Refuses, before anything else runs, a request whose `Host` is not the ventanilla's
/// configured address: a page on another site that renames itself to 127.0.0.1 (DNS
/// rebinding) sends its own name and gets nothing.
struct VentanillaHostCheck: RouterMiddleware {
    typealias Context = BasicRequestContext
    let hosts: Set<String>

    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        guard let host = request.head.authority, hosts.contains(host.lowercased()) else {
            return Response(status: .misdirectedRequest, headers: WebPage.pageHeaders(type: "text/plain; charset=utf-8"),
                            body: ResponseBody(byteBuffer: ByteBuffer(
                                string: "Esta ventanilla solo responde en \(hosts.sorted().first ?? "su dirección configurada").\n")))
        }
        return try await next(request, context)
    }
}
