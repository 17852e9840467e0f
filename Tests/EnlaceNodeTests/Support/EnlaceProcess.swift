#if canImport(Glibc)
import Glibc
#endif
import EnlaceHTTP
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}

/// A real daemon process in its own process group, killed (group and all) when released.
final class DaemonProcess {
    let pid: pid_t
    let logPath: String

    init(_ arguments: [String], log: String, environment extra: [String: String] = [:]) throws {
        logPath = log
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        let argv = ([EnlaceBinary.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var variables = ProcessInfo.processInfo.environment
        for (key, value) in extra { variables[key] = value }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, EnlaceBinary.path, &actions, &attributes, argv, envp)
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
        guard result == 0 else { throw CocoaError(.executableLoad) }
        pid = child
    }

    /// Sends `signal` to the daemon's whole process group.
    func signal(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// Waits for the process to exit; returns its exit status, or nil on timeout.
    @discardableResult
    func waitForExit(seconds: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while Date() < deadline {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            usleep(20_000)
        }
        return nil
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
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
