import EnlaceHTTP
import EnlaceModel
import Foundation

/// A node or the central server started by the demo, and how to talk to it.
final class DemoReplica {
    let name: String
    let department: String
    let data: String
    var process: ChildProcess?
    private let client: JSONClient

    /// A field node reached through its socket.
    init(node name: String, department: String, data: String) throws {
        self.name = name
        self.department = department
        self.data = data
        client = try JSONClient(socket: data + "/node.sock")
    }

    /// The central server reached over loopback TCP with an office token.
    init(centralAt url: String, data: String, token: String) throws {
        name = "central"
        department = "CENTRAL"
        self.data = data
        client = try JSONClient(baseURL: url, headers: [("Authorization", "Bearer \(token)")])
    }

    /// One request; a non-2xx answer throws with the server's reason.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: JSONValue? = nil, author: String? = nil) throws -> JSONValue {
        let answer = try client.call(method, path, json: body, headers: author.map { [("X-Enlace-Author", $0)] } ?? [])
        guard answer.isSuccess else { throw DemoError("\(name): \(method) \(path) answered \(answer.status): \(answer.errorMessage)") }
        return answer.json
    }

    /// One request's status alone (to show what a replica does not answer).
    func status(_ method: String, _ path: String) throws -> Int {
        try client.call(method, path, json: nil).status
    }

    /// Sends raw bytes (a CSV roster).
    func upload(_ path: String, _ bytes: [UInt8], type: String) throws -> JSONValue {
        let answer = try client.call("POST", path, raw: bytes, contentType: type)
        guard answer.isSuccess else { throw DemoError("\(name): import answered \(answer.status): \(answer.errorMessage)") }
        return answer.json
    }

    /// Waits until the replica answers `path`.
    func waitUntilReady(_ path: String, seconds: Double = 30) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? call("GET", path)) != nil { return }
            usleep(50_000)
        }
        throw DemoError("\(name) did not start within \(Int(seconds)) s (see \(data)/../\(name).log)")
    }

    /// A sync round now (nodes only).
    func sync() throws -> JSONValue { try call("POST", "/v1/sync") }
}
