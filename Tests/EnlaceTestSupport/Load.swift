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
    public static func dishonestEntries(in store: any ReplicaStore, replica: String) throws -> [String] {
        var held: [RecordKey: [JournalEntry]] = [:]
        var dishonest: [String] = []
        try store.read { reader in
            try reader.forEachEntry { row in
                guard row.state == .applied, let chained = row.chainedEntry, let body = chained.body,
                      let entry = try? JournalEntry(id: chained.id, body: body.bytes)
                else { return }
                if entry.id.origin.rawValue == replica {
                    for earlier in held[entry.recordKey] ?? [] {
                        let order = entry.clock.compare(earlier.clock)
                        if order != .after && order != .equal { dishonest.append("\(entry.id) ignores \(earlier.id)") }
                    }
                }
                held[entry.recordKey, default: []].append(entry)
            }
        }
        return dishonest
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
            try ChildProcess("/bin/sh", ["-c", "while :; do :; done"], name: "busy-\(index)", log: folder.sub("busy.log"))
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

