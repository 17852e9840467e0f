#if canImport(Glibc)
import Glibc
#endif
import EnlaceHTTP
import EnlaceDemo
import EnlaceModel
import Foundation

/// The built `enlace` executable, beside the test bundle.
enum EnlaceBinary {
    static var path: String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return directory.appendingPathComponent("enlace").path
    }

    /// Runs `enlace ARGUMENTS` to completion.
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runCapturing(path, arguments)
    }
}

/// A real daemon process in its own process group, killed (group and all) when released.
final class DaemonProcess {
    private let child: ChildProcess
    let logPath: String

    init(_ arguments: [String], log: String, environment: [String: String] = [:]) throws {
        logPath = log
        child = try ChildProcess(EnlaceBinary.path, arguments, name: arguments.prefix(2).joined(separator: " "), log: log,
                                 environment: environment)
    }

    /// Sends `signal` to the daemon's whole process group.
    func signal(_ signal: Int32) { child.signal(signal) }

    /// Waits for the process to exit; returns its exit status, or nil on timeout.
    @discardableResult
    func waitForExit(seconds: Double = 10) -> Int32? { child.waitForExit(seconds: seconds) }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

/// A field node in a temporary folder: `enlace node init`, then a daemon started on demand.
final class RunningNode {
    let folder: TemporaryFolder
    let nodeID: String
    var daemon: DaemonProcess?

    var data: String { folder.sub("data") }

    init(nodeID: String = "c4-01", department: String = "C4", central: String = "http://127.0.0.1:9",
         token: String = "test-token") throws {
        folder = try TemporaryFolder()
        self.nodeID = nodeID
        let result = try EnlaceBinary.run([
            "node", "init", "--data", folder.sub("data"), "--node-id", nodeID, "--department", department,
            "--central", central, "--token", token,
        ])
        guard result.status == 0 else { throw CLIFailure(result: result) }
    }

    /// Starts the daemon and waits until its socket answers.
    func start(_ extra: [String] = ["--sync-interval", "3600"], environment: [String: String] = [:]) throws {
        daemon = try DaemonProcess(["node", "run", "--data", data] + extra, log: folder.sub("daemon.log"), environment: environment)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let status = try? request("GET", "/v1/status"), status.status == 200 { return }
            usleep(50_000)
        }
        throw CLIFailure(message: "the daemon did not become ready: \(daemon?.log ?? "")")
    }

    /// One request to the daemon's socket through libcurl.
    func request(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> (status: Int, json: JSONValue) {
        let client = try HTTPClient(configuration: HTTPClientConfiguration(unixSocketPath: data + "/node.sock"))
        let response = try client.perform(HTTPRequest(
            method: method, url: "http://localhost" + path,
            headers: body == nil ? [] : [("Content-Type", "application/json")],
            body: body.map { Array($0.canonicalText.utf8) }))
        let json = (try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))) ?? .string(response.text)
        return (response.status, json)
    }

    /// Runs `enlace ARGUMENTS --data DATA`.
    func cli(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try EnlaceBinary.run(arguments + ["--data", data])
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    var message = ""
    init(message: String) { self.message = message }
    init(result: (status: Int32, stdout: String, stderr: String)) {
        message = "exit \(result.status): \(result.stderr)"
    }
    var description: String { message }
}
