import Foundation
import Metrics

/// Where the password checks of a page's sign-ins run (the desk's, the ventanilla's): scrypt is memory-hard and slow by design (32 MiB and a
/// tenth of a second each), so it runs on a few threads of its own — never on the pool every
/// other request's store work needs — behind a short queue. A check that finds the queue full
/// is refused before it costs anything: a flood of sign-ins gets 503 at once while sync rounds
/// keep their latency.
public final class PasswordChecks: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var admitted = 0
    private var started = false
    private let threads: Int
    /// Checks running and waiting, at most.
    public let capacity: Int
    /// The counter a refusal increments (`reason="busy"`).
    private let refusedLabel: String

    /// The threads start with the first check (a command that never signs anyone in starts
    /// none); they hold the checks for the rest of the process.
    public init(threads: Int = 2, capacity: Int = 4, refusedLabel: String = "enlace_central_signins_refused_total") {
        self.refusedLabel = refusedLabel
        self.threads = max(1, threads)
        self.capacity = max(capacity, threads)
    }

    /// Runs `check` on the checks' own threads; nil, at once, when as many checks as the
    /// capacity are already running or waiting.
    public func run<T: Sendable>(_ check: @escaping @Sendable () -> T) async -> T? {
        guard admit() else {
            Counter(label: refusedLabel, dimensions: [("reason", "busy")]).increment()
            return nil
        }
        return await withCheckedContinuation { continuation in
            enqueue { continuation.resume(returning: check()) }
        }
    }

    /// How many checks are running or waiting now.
    public var inFlight: Int {
        condition.lock()
        defer { condition.unlock() }
        return admitted
    }

    /// Takes a place among the checks running and waiting, if one is free.
    private func admit() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard admitted < capacity else { return false }
        admitted += 1
        return true
    }

    private func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        if !started {
            started = true
            for index in 0..<threads {
                let thread = Thread { self.work() }
                thread.name = "enlace-password-\(index)"
                thread.start()
            }
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
            admitted -= 1
            condition.unlock()
        }
    }
}
