import EnlaceHTTP
import EnlaceModel
import Foundation

/// A node or the central server started by the demo, and how to talk to it.
final class DemoReplica {
    let name: String
    let department: String
    let data: String
    var process: ChildProcess?
    private let client: HTTPClient
    private let baseURL: String
    private let token: String?

    /// A field node reached through its socket.
    init(node name: String, department: String, data: String) throws {
        self.name = name
        self.department = department
        self.data = data
        client = try HTTPClient(configuration: HTTPClientConfiguration(unixSocketPath: data + "/node.sock"))
        baseURL = "http://localhost"
        token = nil
    }

    /// The central server reached over loopback TCP with an office token.
    init(centralAt url: String, data: String, token: String) throws {
        name = "central"
        department = "CENTRAL"
        self.data = data
        client = try HTTPClient()
        baseURL = url
        self.token = token
    }

    /// One request; a non-2xx answer throws with the server's reason.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> JSONValue {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response = try client.perform(HTTPRequest(
            method: method, url: baseURL + path, headers: headers, body: body.map { Array($0.canonicalText.utf8) }))
        let value = (try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))) ?? .null
        guard (200..<300).contains(response.status) else {
            throw DemoError("\(name): \(method) \(path) answered \(response.status): \(value["error"]?.stringValue ?? response.text)")
        }
        return value
    }

    /// Sends raw bytes (a CSV roster).
    func upload(_ path: String, _ bytes: [UInt8], type: String) throws -> JSONValue {
        let response = try client.perform(HTTPRequest(method: "POST", url: baseURL + path, headers: [("Content-Type", type)], body: bytes))
        let value = (try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))) ?? .null
        guard (200..<300).contains(response.status) else {
            throw DemoError("\(name): import answered \(response.status): \(value["error"]?.stringValue ?? response.text)")
        }
        return value
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
