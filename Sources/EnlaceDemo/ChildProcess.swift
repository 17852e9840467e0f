#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A child process in its own process group, killed (group and all) when released, so that a
/// failed run leaves nothing behind. Used by `enlace demo` and by the end-to-end tests.
package final class ChildProcess {
    /// The child's pid (also its process group).
    package let pid: pid_t
    /// A name for messages.
    package let name: String

    /// Starts `executable ARGUMENTS` with extra environment variables, its output appended to `log`.
    package init(_ executable: String, _ arguments: [String], name: String, log: String, environment extra: [String: String] = [:]) throws {
        self.name = name
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        // Nothing else of this process's: a child that inherited the pipe another thread reads a
        // command's output from would hold it open, and that reader would wait for its end for
        // as long as the child lives (a test's busy loop lives as long as the test process).
        _ = ChildProcess.closeFrom?(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var variables = ProcessInfo.processInfo.environment
        for (key, value) in extra { variables[key] = value }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
        guard result == 0 else { throw DemoError("cannot start \(name): \(String(cString: strerror(result)))") }
        pid = child
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module does not declare: found at run time, skipped where the C library lacks it.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Sends `signal` to the child's whole process group.
    package func signal(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// Waits for the exit; returns the exit status (128 + signal when killed), nil on timeout.
    @discardableResult
    package func waitForExit(seconds: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            usleep(20_000)
        }
        return nil
    }

    /// SIGTERM, then SIGKILL after `seconds`; waits for the exit.
    package func stop(seconds: Double = 10) {
        signal(SIGTERM)
        if waitForExit(seconds: seconds) != nil { return }
        signal(SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    deinit {
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// Runs `executable ARGUMENTS` to completion; returns stdout, throws with stderr on failure.
func runToCompletion(_ executable: String, _ arguments: [String]) throws -> String {
    let result = try runCapturing(executable, arguments)
    guard result.status == 0 else {
        throw DemoError("`enlace \(arguments.prefix(2).joined(separator: " "))` failed: \(result.stderr)")
    }
    return result.stdout
}

/// Runs `executable ARGUMENTS` to completion, with `input` on its standard input (none: the
/// parent's); returns its exit status and output.
package func runCapturing(_ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String] = [:])
    throws -> (status: Int32, stdout: String, stderr: String)
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = input.map { _ in Pipe() }
    if let stdin { process.standardInput = stdin }
    try process.run()
    if let stdin, let input {
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

/// A free TCP port on loopback.
package func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw DemoError("no free loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Why the demo stopped.
public struct DemoError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
