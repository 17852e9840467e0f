import EnlaceHTTP
import EnlaceModel
import EnlaceNode
import Foundation

/// Talks to the running node daemon through its Unix socket.
struct NodeClient {
    let dataDirectory: String
    private let client: JSONClient

    init(dataDirectory: String, author: String? = nil, timeoutMillis: Int = 0) throws {
        self.dataDirectory = dataDirectory
        client = try JSONClient(socket: NodeDaemon.socketPath(in: dataDirectory), headers: author.map { [("X-Enlace-Author", $0)] } ?? [],
                                totalTimeoutMillis: timeoutMillis)
    }

    /// Sends a request; returns the JSON answer of a 2xx, throws a `CLIError` otherwise.
    func call(_ method: String, _ path: String, json body: JSONValue? = nil, raw: [UInt8]? = nil,
              contentType: String = "application/json") throws -> JSONValue {
        let answer: JSONClient.Answer
        do {
            answer = try client.call(method, path, json: body, raw: raw, contentType: contentType)
        } catch {
            if error.kind == .connection || FileManager.default.fileExists(atPath: NodeDaemon.socketPath(in: dataDirectory)) == false {
                throw CLIError.operational(
                    "the node daemon is not running on \(dataDirectory) (\(error.message)); start it with `enlace node run --data \(dataDirectory)`")
            }
            throw CLIError.operational("the node daemon did not answer: \(error.message)")
        }
        guard answer.isSuccess else {
            var message = answer.json["error"]?.stringValue ?? "the node answered HTTP \(answer.status)"
            if let rows = answer.json["rows"]?.arrayValue {
                message += rows.map { row in "\n  line \(row["line"]?.intValue ?? 0): \(row["error"]?.stringValue ?? "")" }.joined()
            }
            throw answer.status >= 500 ? CLIError.operational(message) : CLIError.usage(message)
        }
        return answer.json
    }
}
