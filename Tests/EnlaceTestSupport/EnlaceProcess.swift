#if canImport(Glibc)
import Glibc
#endif
import EnlaceHTTP
import EnlaceDemo
import EnlaceModel
import EnlaceStore
import Foundation

/// The built `enlace` executable, beside the test bundle.
public enum EnlaceBinary {
    public static var path: String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return directory.appendingPathComponent("enlace").path
    }

    /// Runs `enlace ARGUMENTS` to completion.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runCapturing(path, arguments, environment: environment)
    }
}

/// A real daemon process in its own process group, killed (group and all) when released.
public final class DaemonProcess {
    private let child: ChildProcess
    public let logPath: String

    /// Starts `enlace ARGUMENTS`, or `LAUNCHER… enlace ARGUMENTS` (e.g. `faketime -f +3d`).
    public init(_ arguments: [String], log: String, environment: [String: String] = [:], launcher: [String] = []) throws {
        logPath = log
        let command = launcher + [EnlaceBinary.path] + arguments
        child = try ChildProcess(command[0], Array(command.dropFirst()), name: arguments.prefix(2).joined(separator: " "), log: log,
                                 environment: environment)
    }

    /// Sends `signal` to the daemon's whole process group.
    public func signal(_ signal: Int32) { child.signal(signal) }

    /// Waits for the process to exit; returns its exit status, or nil on timeout.
    @discardableResult
    public func waitForExit(seconds: Double = 10) -> Int32? { child.waitForExit(seconds: seconds) }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

/// A field node in a temporary folder: `enlace node init`, then a daemon started on demand.
public final class RunningNode {
    public let folder: TemporaryFolder
    public let nodeID: String
    public var daemon: DaemonProcess?

    public var data: String { folder.sub("data") }

    /// Initialises a node in `folder` (a new temporary one by default; its data in `data/`).
    /// `credentials`: a folder for the node's keys and token outside the data folder.
    public init(nodeID: String = "c4-01", department: String = "C4", central: String = "http://127.0.0.1:9",
         token: String = TestToken.make(), folder: TemporaryFolder? = nil, credentials: String? = nil) throws {
        self.folder = try folder ?? TemporaryFolder()
        self.nodeID = nodeID
        let result = try EnlaceBinary.run([
            "node", "init", "--data", data, "--node-id", nodeID, "--department", department,
            "--central", central, "--token", token,
        ] + (credentials.map { ["--credentials", $0] } ?? []))
        guard result.status == 0 else { throw CLIFailure(result: result) }
    }

    /// A node on a copy of the data folder `fixture` (one an earlier release wrote), not started.
    public init(copying fixture: String, nodeID: String) throws {
        folder = try TemporaryFolder()
        self.nodeID = nodeID
        try FileManager.default.copyItem(atPath: fixture, toPath: folder.sub("data"))
        // A checkout gives files its umask's mode: the keys are made the owner's alone again, as an
        // admin restoring a copy does.
        try restrictKeys(in: folder.sub("data"))
    }

    /// Starts the daemon and waits until its socket answers. By default no round runs on its
    /// own (no interval, no debounce after writes): each forced sync's report then tells what
    /// that round did. Tests of the schedule pass their own timings.
    public func start(_ extra: [String] = ["--sync-interval", "3600", "--sync-debounce", "3600"], environment: [String: String] = [:], launcher: [String] = []) throws {
        daemon = try DaemonProcess(["node", "run", "--data", data] + extra, log: folder.sub("daemon.log"), environment: environment,
                                   launcher: launcher)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let status = try? request("GET", "/v1/status"), status.status == 200 { return }
            usleep(50_000)
        }
        throw CLIFailure(message: "the daemon did not become ready: \(daemon?.log ?? "")")
    }

    /// One request to the daemon's socket through libcurl.
    /// Writes name their servant (`X-Enlace-Author`): `author`, a test servant by default; nil sends none.
    public func request(_ method: String, _ path: String, _ body: JSONValue? = nil, author: String? = "srv-prueba") throws -> (status: Int, json: JSONValue) {
        let answer = try JSONClient(socket: data + "/node.sock", headers: author.map { [("X-Enlace-Author", $0)] } ?? []).call(method, path, json: body)
        return (answer.status, (try? JSONValue.parse(answer.body)) ?? .string(answer.text))
    }

    /// The token the node was initialised with.
    public func token() async throws -> String {
        try await JournalStore(path: JournalStore.file(in: data)).identity().token
    }

    /// Runs `enlace ARGUMENTS --data DATA`.
    public func cli(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try EnlaceBinary.run(arguments + ["--data", data])
    }
}

public struct CLIFailure: Error, CustomStringConvertible {
    public var message = ""
    public init(message: String) { self.message = message }
    public init(result: (status: Int32, stdout: String, stderr: String)) {
        message = "exit \(result.status): \(result.stderr)"
    }
    public var description: String { message }
}
