import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import Foundation

/// A node or the central server started by the demo, and how to talk to it.
final class DemoReplica {
    let name: String
    let department: String
    let data: String
    /// The servant a node's writes name (`X-Enlace-Author`) unless a call names another; nil
    /// for the central server.
    let author: String?
    var process: ChildProcess?
    private let client: JSONClient

    /// A field node reached through its socket; its writes name `author`.
    init(node name: String, department: String, data: String, author: String) throws {
        self.name = name
        self.department = department
        self.data = data
        self.author = author
        client = try JSONClient(socket: data + "/node.sock")
    }

    /// The central server reached over loopback TCP with an office token.
    init(centralAt url: String, data: String, token: String) throws {
        name = "central"
        department = "CENTRAL"
        self.data = data
        author = nil
        client = try JSONClient(baseURL: url, headers: [("Authorization", "Bearer \(token)")])
    }

    /// The `X-Enlace-Author` header of a request: every write to a node names its servant.
    func authorHeader(_ method: String, _ path: String, author: String?) -> [(String, String)] {
        guard method == "POST" || method == "PATCH", path != NodeRoute.sync, let servant = author ?? self.author else { return [] }
        return [("X-Enlace-Author", servant)]
    }

    /// One request; a non-2xx answer throws with the server's reason. A node's writes name
    /// `author`, else the replica's servant.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: JSONValue? = nil, author: String? = nil) throws -> JSONValue {
        let answer = try client.call(method, path, json: body, headers: authorHeader(method, path, author: author))
        guard answer.isSuccess else {
            throw DemoError("\(name): \(method) \(path) respondió \(answer.status): \(answer.errorMessage)")
        }
        return answer.json
    }

    /// One request's status alone (to show what a replica does not answer).
    func status(_ method: String, _ path: String) throws -> Int {
        try client.call(method, path, json: nil).status
    }

    /// Sends raw bytes (a CSV roster), named by the replica's servant.
    func upload(_ path: String, _ bytes: [UInt8], type: String) throws -> JSONValue {
        let answer = try client.call("POST", path, raw: bytes, contentType: type, headers: authorHeader("POST", path, author: nil))
        guard answer.isSuccess else { throw DemoError("\(name): la importación respondió \(answer.status): \(answer.errorMessage)") }
        return answer.json
    }

    /// Waits until the replica answers `path`.
    func waitUntilReady(_ path: String, seconds: Double = 30) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? call("GET", path)) != nil { return }
            usleep(50_000)
        }
        throw DemoError("\(name) no arrancó en \(Int(seconds)) s (mira \(data)/../\(name).log)")
    }

    /// A sync round now (nodes only).
    func sync() throws -> JSONValue { try call("POST", NodeRoute.sync) }
}
