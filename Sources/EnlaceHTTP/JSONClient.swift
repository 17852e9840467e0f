import EnlaceModel
import Foundation

/// JSON over `HTTPClient`: the one way Enlace's own tools talk to a node or the central server
/// (the CLI, the demo, the sync engine, the tests). A base URL, headers sent with every
/// request, and answers with their status, raw body and parsed JSON.
public final class JSONClient {
    /// One answer, whatever its status.
    public struct Answer: Sendable {
        /// The HTTP status.
        public let status: Int
        /// The raw body.
        public let body: [UInt8]
        /// Header lines as (lower-cased name, value).
        public var headers: [(String, String)] = []
        /// The first value of the header `name` (any case).
        public func header(_ name: String) -> String? {
            let wanted = name.lowercased()
            return headers.first { $0.0 == wanted }?.1
        }
        /// The body parsed as JSON (`.null` when it is not JSON).
        public var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(body))) ?? .null }
        /// The body as text.
        public var text: String { String(decoding: body, as: UTF8.self) }
        /// Whether the status is 2xx.
        public var isSuccess: Bool { (200..<300).contains(status) }
        /// The error answer's message (`{"error": …}`), or a generic one.
        public var errorMessage: String { json["error"]?.stringValue ?? "HTTP \(status)" }
    }

    private let client: HTTPClient
    /// `http://localhost` for a Unix socket, else the server's URL without a trailing slash.
    public let baseURL: String
    private let headers: [(String, String)]

    /// A client for `baseURL` (a Unix socket when the configuration names one).
    public init(baseURL: String, headers: [(String, String)] = [], configuration: HTTPClientConfiguration = HTTPClientConfiguration())
        throws(HTTPClientError)
    {
        client = try HTTPClient(configuration: configuration)
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.headers = headers
    }

    /// A client for a daemon's Unix socket.
    public convenience init(socket path: String, headers: [(String, String)] = [], totalTimeoutMillis: Int = 0) throws(HTTPClientError) {
        var configuration = HTTPClientConfiguration(unixSocketPath: path)
        configuration.totalTimeoutMillis = totalTimeoutMillis
        // The local daemon answers a forced sync when its round ends, which may take minutes
        // (a new node pulling a municipality's history): no low-speed abort on the socket.
        configuration.lowSpeedBytesPerSecond = 0
        try self.init(baseURL: "http://localhost", headers: headers, configuration: configuration)
    }

    /// Sends `method path` with a JSON body (or raw bytes of `contentType`); returns the answer.
    public func call(
        _ method: String, _ path: String, json body: JSONValue? = nil, raw: [UInt8]? = nil, contentType: String = "application/json",
        headers extra: [(String, String)] = []
    ) throws(HTTPClientError) -> Answer {
        var headers = self.headers + extra
        let bytes = raw ?? body.map { Array($0.canonicalText.utf8) }
        if bytes != nil { headers.append(("Content-Type", contentType)) }
        let response = try client.perform(HTTPRequest(method: method, url: baseURL + path, headers: headers, body: bytes))
        return Answer(status: response.status, body: response.body, headers: response.headers)
    }
}
