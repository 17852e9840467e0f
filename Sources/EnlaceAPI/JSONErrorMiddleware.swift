import EnlaceModel
import EnlaceStore
import Foundation
import Hummingbird
import Logging
import Metrics

/// JSON responses with a precise content type.
public enum JSONResponse {
    /// A response carrying JSON text.
    public static func make(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Renders every error as `{"error": …, "field": …}` with a precise status; only unexpected
/// failures become 500, and they are logged.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The counter of writes refused because the disk is full (`enlace_node_…`,
    /// `enlace_central_…`): an alert watches it.
    let diskFullCounter: String

    /// `component` names the daemon in its metrics: `node` or `central`.
    public init(component: String = "node") {
        diskFullCounter = "enlace_\(component)_disk_full_refusals_total"
    }

    public func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error where APIError.from(error) != nil {
            let api = APIError.from(error)!
            if api.status == 507 { Counter(label: diskFullCounter).increment() }
            if api.status >= 500 {
                context.logger.error("request failed", metadata: ["status": "\(api.status)", "error": "\(api.message)", "http.path": "\(request.uri.path)"])
            }
            return JSONResponse.make(api.json.canonicalText, status: .init(code: api.status))
        } catch let error as HTTPResponseError {
            let message = error.status == .notFound ? "no such path: \(request.method) \(request.uri.path)"
                : error.status == .contentTooLarge ? "the request body is too large"
                : error.status.reasonPhrase
            return JSONResponse.make(APIError(error.status.code, message).json.canonicalText, status: error.status)
        } catch {
            context.logger.error("unexpected failure", metadata: ["error": "\(error)", "http.path": "\(request.uri.path)"])
            return JSONResponse.make(APIError(500, "internal error; the request was not applied").json.canonicalText, status: .internalServerError)
        }
    }
}
