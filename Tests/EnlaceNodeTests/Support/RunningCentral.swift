#if canImport(Glibc)
import Glibc
#endif
import EnlaceHTTP
import EnlaceDemo
import EnlaceModel
import Foundation

/// A central server process on a free loopback port, with its store in a temporary folder.
final class RunningCentral: @unchecked Sendable {
    let folder: TemporaryFolder
    let port: Int
    var daemon: DaemonProcess?

    var data: String { folder.sub("central") }
    var scheme = "http"
    var url: String { "\(scheme)://127.0.0.1:\(port)" }
    var caFile: String?

    init() throws {
        folder = try TemporaryFolder()
        port = try RunningCentral.freePort()
        let result = try EnlaceBinary.run(["central", "init", "--data", folder.sub("central")])
        guard result.status == 0 else { throw CLIFailure(result: result) }
    }

    func start(_ extra: [String] = []) throws {
        daemon = try DaemonProcess(["central", "run", "--data", data, "--listen", "127.0.0.1:\(port)"] + extra, log: folder.sub("central.log"))
        let deadline = Date().addingTimeInterval(30)
        var configuration = HTTPClientConfiguration()
        configuration.caFile = caFile
        let client = try HTTPClient(configuration: configuration)
        while Date() < deadline {
            if let response = try? client.perform(HTTPRequest(url: url + "/healthz")), response.status == 200 { return }
            usleep(50_000)
        }
        throw CLIFailure(message: "the central server did not become ready: \(daemon?.log ?? "")")
    }

    func stop() {
        daemon?.signal(SIGTERM)
        daemon?.waitForExit()
        daemon = nil
    }

    /// Enrolls a node; returns its token.
    func enroll(_ nodeID: String, _ department: String) throws -> String {
        let result = try EnlaceBinary.run(["central", "enroll", "--data", data, "--node-id", nodeID, "--department", department, "--json"])
        guard result.status == 0 else { throw CLIFailure(result: result) }
        return try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))["token"]!.stringValue!
    }

    /// Adds an office user; returns the token.
    func user(_ name: String, role: String) throws -> String {
        let result = try EnlaceBinary.run(["central", "user", "add", "--data", data, "--name", name, "--role", role, "--json"])
        guard result.status == 0 else { throw CLIFailure(result: result) }
        return try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))["token"]!.stringValue!
    }

    /// One authenticated request.
    func request(_ method: String, _ path: String, token: String?, body: String? = nil) throws -> (status: Int, json: JSONValue) {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        var configuration = HTTPClientConfiguration()
        configuration.caFile = caFile
        let response = try HTTPClient(configuration: configuration).perform(HTTPRequest(
            method: method, url: url + path, headers: headers, body: body.map { Array($0.utf8) }))
        return (response.status, (try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))) ?? .string(response.text))
    }

    static func freePort() throws -> Int { try freeLoopbackPort() }
}
