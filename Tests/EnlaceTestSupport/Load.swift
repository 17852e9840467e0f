#if canImport(Glibc)
import Glibc
#endif
import EnlaceDemo
import EnlaceModel
import EnlaceStore
import Foundation

/// Finds entries a replica made whose clock does not dominate an entry of the same record that
/// the replica already held: such an entry claims to have seen less than its author had.
public enum ClockAudit {
    /// What an audit read: how many of the replica's own edits it checked, how many edits in
    /// all, and the dishonest ones.
    public struct Report: Sendable {
        public var ownEntries = 0
        public var entries = 0
        public var dishonest: [String] = []
    }

    /// Audits every applied edit of `store`, sealed case edits opened with the store's keys (so
    /// the store must be opened with them): an edit it cannot open is itself a finding.
    public static func audit(_ store: any ReplicaStore, replica: String) async throws -> Report {
        var held: [RecordKey: [JournalEntry]] = [:]
        var report = Report()
        try await store.read { reader in
            let keys = CaseKeyMemo(reader)
            try await reader.forEachEntry { row in
                guard row.state == .applied, let chained = row.chainedEntry, let body = chained.body, body.bytes.count >= 2,
                      [BodyKind.edit.rawValue, BodyKind.sealedEdit.rawValue].contains(body.bytes[1])
                else { return }
                let entry: JournalEntry
                do {
                    entry = try await keys.read(chained.id, body: body)
                } catch {
                    report.dishonest.append("\(row.name) cannot be opened: \(error)")
                    return
                }
                report.entries += 1
                if entry.id.origin.rawValue == replica {
                    report.ownEntries += 1
                    for earlier in held[entry.recordKey] ?? [] {
                        // Two distinct entries never carry one clock: the later claims no more
                        // than the earlier had seen, so it ignores it.
                        if entry.clock.compare(earlier.clock) != .after { report.dishonest.append("\(entry.id) ignores \(earlier.id)") }
                    }
                }
                held[entry.recordKey, default: []].append(entry)
            }
        }
        return report
    }
}

/// CPU-bound processes beside a test: races that hide on an idle machine show under load.
public final class BusyProcesses {
    private let processes: [ChildProcess]
    private let folder: TemporaryFolder

    public init(count: Int) throws {
        let folder = try TemporaryFolder()
        self.folder = folder
        processes = try (0..<count).map { index in
            // Busy while the test process lives: if it dies without releasing this (a crash),
            // the loop sees its parent gone and ends instead of spinning on.
            try ChildProcess("/bin/sh", ["-c", "parent=$PPID; while kill -0 $parent 2>/dev/null; do i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; done"],
                             name: "busy-\(index)", log: folder.sub("busy.log"))
        }
    }
}

/// Real threads, as many as asked (not one per core): contention is the point.
public enum Workers {
    public static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                // Half the workers run at the lowest priority, as a background import would: the
                // scheduler preempts them anywhere, including between a commit and what follows it. (On
                // Linux, PRIO_PROCESS with 0 sets the calling thread's priority.)
                if index % 2 == 1 { setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 14) }
                body(index)
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
    }

    /// `count` tasks running `body` with their index, each on a real thread of its own (half of
    /// them at the lowest priority, as in `run`), awaited together: what they await runs where
    /// it must (a store's transaction on its connection's queue) and comes back to the thread.
    public static func runTasks(_ count: Int, _ body: @escaping @Sendable (Int) async -> Void) async {
        let threads = (0..<count).map { ThreadExecutor(lowPriority: $0 % 2 == 1) }
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<count { group.addTask(executorPreference: threads[index]) { await body(index) } }
        }
        for thread in threads { thread.stop() }
    }
}

/// A thread that runs the jobs of the tasks preferring it, one after another.
public final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    public init(lowPriority: Bool = false) {
        let thread = Thread { [self] in
            if lowPriority { setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 14) }
            while let job = next() { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func next() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !stopped { condition.wait() }
        return jobs.isEmpty ? nil : jobs.removeFirst()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once its jobs are done.
    public func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}

/// Failures seen by worker threads.
public final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    public init() {}

    public func record(_ message: String) {
        lock.lock()
        stored.append(message)
        lock.unlock()
    }

    public var messages: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

