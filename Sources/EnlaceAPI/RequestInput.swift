import EnlaceModel
import Hummingbird

/// Reading a request's input with precise refusals: bodies within a limit, JSON with the
/// right content type, ids, pages, the author header. Shared by both daemons' controllers.
public enum RequestInput {
    /// The body's bytes, at most `limit` (413 beyond).
    public static func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        return Array(buffer.readableBytesView)
    }

    /// The body as JSON: `application/json` or `application/merge-patch+json` (415 otherwise).
    public static func json(_ request: Request, limit: Int) async throws -> JSONValue {
        if let type = request.headers[.contentType]?.lowercased(),
           !(type.hasPrefix("application/json") || type.hasPrefix("application/merge-patch+json"))
        {
            throw APIError(415, "Content-Type must be application/json or application/merge-patch+json")
        }
        let bytes = try await body(request, limit: limit)
        guard !bytes.isEmpty else { throw APIError.badRequest("the request body is empty: expected a JSON object") }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw APIError.badRequest("the request body is not valid JSON")
        }
    }

    /// The writer named in `X-Enlace-Author`, if any.
    public static func author(_ request: Request) throws -> String {
        // A blank name names no one: it is missing, like no header at all.
        guard let value = request.headers.first(where: { $0.name.canonicalName == "x-enlace-author" })?.value,
              !value.allSatisfy({ $0 == " " || $0 == "\t" })
        else {
            throw APIError(422, "every write names the servant who makes it: send X-Enlace-Author: SERVANT_ID", field: "X-Enlace-Author",
                           code: "missing_author")
        }
        guard !value.isEmpty, value.utf8.count <= Schema.maxAuthorLength,
              !value.unicodeScalars.contains(where: { $0.value < 0x20 })
        else {
            throw APIError.badRequest("X-Enlace-Author must be 1 to \(Schema.maxAuthorLength) bytes of printable UTF-8",
                                      field: "X-Enlace-Author")
        }
        return value
    }

    /// A record or item id from the path: a ULID, or 404.
    public static func id(_ parameters: Parameters, _ name: String = "id") throws -> String {
        guard let id = parameters.get(name), ULID.isValid(id) else {
            throw APIError(404, "no record with that id: ids are ULIDs")
        }
        return id
    }

    /// `?after=` and `?limit=` (1 to `maximum`, `fallback` when absent).
    public static func page(_ request: Request, fallback: Int = 50, maximum: Int = 500) throws -> (after: String?, limit: Int) {
        let query = request.uri.queryParameters
        var limit = fallback
        if let text = query.get("limit") {
            guard let value = Int(text), (1...maximum).contains(value) else {
                throw APIError.badRequest("limit must be an integer from 1 to \(maximum)", field: "limit")
            }
            limit = value
        }
        return (query.get("after").map { "\($0)" }, limit)
    }

    /// `?status=open|resolved` (default `open`).
    public static func conflictStatus(_ request: Request) throws -> Conflict.Status {
        switch request.uri.queryParameters.get("status") ?? "open" {
        case "open": .open
        case "resolved": .resolved
        default: throw APIError.badRequest("status must be open or resolved", field: "status")
        }
    }
}

extension JSONResponse {
    /// A page of stored JSON texts: `{"items": [...], "next": cursor-or-null}`.
    public static func page(_ items: [String], next: String?) -> Response {
        make("{\"items\":[" + items.joined(separator: ",") + "],\"next\":" + (next.map { JSONValue.string($0).canonicalText } ?? "null") + "}")
    }
}
