#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An elapsed-time indicator on stderr while long work runs, shown only on a terminal.
enum Progress {
    /// Runs `work`; on a TTY, shows `label` with a spinner and the elapsed seconds meanwhile.
    static func around<T>(_ label: String, _ work: () throws -> T) rethrows -> T {
        guard isatty(STDERR_FILENO) == 1 else { return try work() }
        let started = Date()
        let done = ManagedAtomicFlag()
        let thread = Thread {
            let frames = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
            var index = 0
            while !done.isSet {
                let line = String(format: "\r%@ %@ %.1f s", String(frames[index % frames.count]), label, Date().timeIntervalSince(started))
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
