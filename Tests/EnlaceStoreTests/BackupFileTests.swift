#if canImport(Glibc)
import Glibc
#endif
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Synchronization
import Testing

/// A backup holds every case of the store: its file is the owner's alone from its first byte.
@Suite("Backup file", .serialized)
struct BackupFileTests {
    @Test("central backup creates its file owner-only: the mode seen the moment it appears is 0600, whatever the umask")
    func ownerOnlyFromCreation() async throws {
        let folder = try TemporaryFolder()
        let store = try JournalStore(path: folder.sub("journal.sqlite"), create: true, keys: [ReplicaKey.generate()])
        try await store.initialize(ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: "2026-12-01T00:00:00Z"))
        // Enough data that copying it takes a while.
        let origin = TestOrigin("c4-01")
        let padding = String(repeating: "x", count: 300)
        for batch in 0..<20 {
            var entries: [ChainedEntry] = []
            for index in 0..<100 {
                let millis: Int64 = 1_764_000_000_000 + Int64(batch * 100 + index)
                let record = RecordKey(.certification, ULID.make(millis: UInt64(millis), random: (1, 2)))
                let name: JSONValue = .string("Servidora \(batch)-\(index) \(padding)")
                entries.append(origin.seal(origin.edit(record, [.set(field: "holder_name", value: name), .set(field: "standard_code", value: "EC0539")])))
            }
            _ = try await store.append(entries)
        }
        // Watch the folder: stat the backup the moment it is created.
        let copies = folder.sub("copias")
        try FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: true)
        let watch = inotify_init1(Int32(IN_CLOEXEC))
        #expect(inotify_add_watch(watch, copies, UInt32(IN_CREATE)) >= 0)
        let seen = Mutex<mode_t?>(nil)
        let target = copies + "/central.sqlite"
        let watcher = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = buffer.withUnsafeMutableBytes { read(watch, $0.baseAddress, $0.count) }
            var info = stat()
            if stat(target, &info) == 0 { seen.withLock { $0 = info.st_mode & 0o777 } }
        }
        watcher.start()
        let previous = umask(0o022)
        defer { umask(previous); close(watch) }
        try await store.backup(to: target)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, seen.withLock({ $0 }) == nil { usleep(1_000) }
        #expect(seen.withLock { $0 } == 0o600, "mode at creation: \(String(seen.withLock { $0 } ?? 0, radix: 8))")
        var info = stat()
        #expect(stat(target, &info) == 0 && info.st_mode & 0o777 == 0o600)
        await #expect(throws: StoreError.self) { try await store.backup(to: target) }
    }
}
