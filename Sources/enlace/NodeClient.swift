import EnlaceHTTP
import EnlaceModel
import EnlaceNode
import Foundation

/// Talks to the running node daemon through its Unix socket.
struct NodeClient {
    let dataDirectory: String
    let author: String?
    private let client: HTTPClient

    init(dataDirectory: String, author: String? = nil, timeoutMillis: Int = 0) throws {
        self.dataDirectory = dataDirectory
        self.author = author
        var configuration = HTTPClientConfiguration(unixSocketPath: NodeDaemon.socketPath(in: dataDirectory))
        configuration.totalTimeoutMillis = timeoutMillis
        client = try HTTPClient(configuration: configuration)
    }

    /// Sends a request; returns the JSON answer of a 2xx, throws a `CLIError` otherwise.
    func call(_ method: String, _ path: String, json body: JSONValue? = nil, raw: [UInt8]? = nil,
              contentType: String = "application/json") throws -> JSONValue {
        var headers: [(String, String)] = []
        if body != nil || raw != nil { headers.append(("Content-Type", contentType)) }
        if let author { headers.append(("X-Enlace-Author", author)) }
        let request = HTTPRequest(
            method: method, url: "http://localhost" + path, headers: headers,
            body: raw ?? body.map { Array($0.canonicalText.utf8) })
        let response: HTTPResponse
        do {
            response = try client.perform(request)
        } catch {
            if error.kind == .connection || FileManager.default.fileExists(atPath: NodeDaemon.socketPath(in: dataDirectory)) == false {
                throw CLIError.operational(
                    "the node daemon is not running on \(dataDirectory) (\(error.message)); start it with `enlace node run --data \(dataDirectory)`")
            }
            throw CLIError.operational("the node daemon did not answer: \(error.message)")
        }
        let value = (try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))) ?? .null
        guard (200..<300).contains(response.status) else {
            var message = value["error"]?.stringValue ?? "the node answered HTTP \(response.status)"
            if let rows = value["rows"]?.arrayValue {
                message += rows.map { row in
                    "\n  line \(row["line"]?.intValue ?? 0): \(row["error"]?.stringValue ?? "")"
                }.joined()
            }
            throw response.status >= 500 ? CLIError.operational(message) : CLIError.usage(message)
        }
        return value
    }
}
