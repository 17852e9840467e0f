#if canImport(Glibc)
import Glibc
#endif
import Crypto
import EnlaceAPI
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation
import HTTPTypes
import Hummingbird

/// What a request to the node's loopback TCP listener must show (openapi/node.yaml): any web page
/// open in a browser on the department's PC can reach a loopback port, and any local user can
/// bypass the socket's 0660 mode there. So every request but `GET /metrics` carries the local
/// credential (`Authorization: Bearer …`, kept in `DIR/local.token`, readable by the node's
/// group), names the configured address as its `Host` (no DNS rebinding), and a write is
/// `application/json` (no cross-site form posts).
public struct LocalAccess: Sendable {
    /// The credential's file in a data folder.
    public static func tokenFile(in dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("local.token")
    }

    /// The node's local credential: read from the data folder, made there (0640) when missing.
    public static func credential(in dataDirectory: String) throws -> String {
        let path = tokenFile(in: dataDirectory)
        if let data = FileManager.default.contents(atPath: path),
           let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), token.utf8.count >= 32 {
            return token
        }
        var generator = SystemRandomNumberGenerator()
        let token = "enl_local_" + EntryChain.hex((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw DaemonError("cannot create the local credential \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        fchmod(descriptor, 0o640)
        let bytes = Array((token + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw DaemonError("cannot write the local credential \(path): \(String(cString: strerror(errno)))")
        }
        return token
    }

    /// The credential requests must carry.
    let token: String
    /// The `Host` they must name: the listener's address.
    let hosts: Set<String>

    public init(token: String, host: String, port: Int) {
        self.token = token
        hosts = LocalAccess.hosts(host: host, port: port)
    }

    /// The `Host` values naming a listener on `host`:`port` (`localhost` too for loopback); a
    /// browser led there by a hostile name (DNS rebinding) sends that name instead.
    public static func hosts(host: String, port: Int) -> Set<String> {
        let name = host.contains(":") ? "[\(host)]" : host
        var hosts: Set<String> = ["\(name):\(port)".lowercased()]
        if TransportPolicy.isLoopback(host: host) { hosts.insert("localhost:\(port)") }
        return hosts
    }

    /// Checks one request; nil when it may go on.
    func refusal(_ request: Request) -> APIError? {
        if request.method == .get, request.uri.path == "/metrics" { return nil }
        guard let host = request.head.authority, hosts.contains(host.lowercased()) else {
            return APIError(403, "this address serves only requests for \(hosts.sorted().first ?? "") (the Host header names another)")
        }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
              LocalAccess.same(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), token)
        else {
            return APIError(401, "the local API on TCP needs the node's local credential: Authorization: Bearer <the contents of local.token>")
        }
        if [.post, .patch, .put, .delete].contains(request.method) {
            let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            // JSON; and the roster's CSV on its own path — neither is a type a web page can send
            // to another site without the browser asking first, which this server never allows.
            let csv = type == "text/csv" && request.uri.path == NodeRoute.certificationImport
            guard type == "application/json" || type == "application/merge-patch+json" || csv else {
                return APIError(415, "writes on TCP must be application/json")
            }
        }
        return nil
    }

    /// Compares without leaking where two texts differ.
    static func same(_ a: String, _ b: String) -> Bool {
        Array(SHA256.hash(data: Array(a.utf8))) == Array(SHA256.hash(data: Array(b.utf8)))
    }
}

/// Refuses requests that do not show what `LocalAccess` asks, before anything else runs.
struct LocalAccessMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let access: LocalAccess

    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        if let refusal = access.refusal(request) { throw refusal }
        return try await next(request, context)
    }
}
