#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An elapsed-time indicator on stderr while long work runs, shown only on a terminal.
enum Progress {
    /// Runs `work`; on a TTY, shows `label` with a spinner, the elapsed seconds and, every half
    /// second, what `status` reports (e.g. entries still to send).
    static func around<T>(_ label: String, status: (@Sendable () -> String?)? = nil, _ work: () throws -> T) rethrows -> T {
        guard isatty(STDERR_FILENO) == 1 else { return try work() }
        let started = Date()
        let done = ManagedAtomicFlag()
        let thread = Thread {
            let frames = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
            var index = 0
            var detail = ""
            while !done.isSet {
                if index % 5 == 0, let status, let text = status() { detail = " — " + text }
                let line = String(format: "\r%@ %@ %.1f s%@\u{1B}[K", String(frames[index % frames.count]), label,
                                  Date().timeIntervalSince(started), detail)
                FileHandle.standardError.write(Data(line.utf8))
                index += 1
                usleep(100_000)
            }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        }
        thread.start()
        defer {
            done.set()
            while !thread.isFinished { usleep(10_000) }
        }
        return try work()
    }
}

/// A flag set once from one thread and read from another.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
