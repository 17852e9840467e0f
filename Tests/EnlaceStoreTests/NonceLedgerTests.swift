import EnlaceStore
@testable import EnlaceSQLite
import EnlaceTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

/// The central server's nonce ledger on SQLite: a file of its own beside the store, so a signed
/// request's claim never waits for the store's write transactions.
@Suite("Nonce ledger (SQLite)")
struct NonceLedgerTests {
    static let now: Int64 = 1_764_000_000_000

    @Test("a nonce is claimed while a write transaction holds the store's writer")
    func claimBesideTransaction() async throws {
        let folder = try TemporaryFolder()
        let store = try JournalStore(path: folder.sub("journal.sqlite"), create: true)
        let (entered, enter) = AsyncStream.makeStream(of: Void.self)
        let (released, release) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await store.write { _ in
                enter.yield()
                for await _ in released { break }
            }
        }
        for await _ in entered { break }
        let claimed = Mutex<Bool?>(nil)
        let claim = Task {
            let fresh = try await store.claimNonce("c4-01 n1", at: NonceLedgerTests.now, window: 600_000)
            claimed.withLock { $0 = fresh }
        }
        // On the writer, the claim would wait for the transaction, which waits for this test.
        let deadline = ContinuousClock.now + .seconds(20)
        while claimed.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(claimed.withLock { $0 } == true, "the claim waited for the store's write transaction")
        release.yield()
        try await holder.value
        try await claim.value
        #expect(try await !store.claimNonce("c4-01 n1", at: NonceLedgerTests.now + 1, window: 600_000), "a replay")
    }

    @Test("claims outlive the process; the ledger is readable by its owner only")
    func claimsAreKept() async throws {
        let folder = try TemporaryFolder()
        let path = folder.sub("journal.sqlite")
        do {
            let store = try JournalStore(path: path, create: true)
            #expect(try await store.claimNonce("c4-01 n1", at: NonceLedgerTests.now, window: 600_000))
            await store.close()
        }
        let reopened = try JournalStore(path: path)
        #expect(try await !reopened.claimNonce("c4-01 n1", at: NonceLedgerTests.now + 1_000, window: 600_000), "a replay after a restart")
        #expect(try await reopened.claimNonce("c4-01 n2", at: NonceLedgerTests.now + 1_000, window: 600_000))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path + "-nonces")[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0, "mode \(String(mode, radix: 8))")
    }

    @Test("the store's writer and the ledger's commit with synchronous=FULL (a pool's WAL set-up leaves NORMAL)")
    func durableCommits() async throws {
        let folder = try TemporaryFolder()
        let store = try JournalStore(path: folder.sub("journal.sqlite"), create: true)
        #expect(try await store.writing { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        #expect(try await store.nonceLedger().synchronousMode() == 2)
    }

    @Test("nonces an earlier release claimed in the store are refused by the ledger made at the upgrade")
    func earlierClaimsCarried() async throws {
        let folder = try TemporaryFolder()
        let store = try JournalStore(path: folder.sub("journal.sqlite"), create: true)
        try await store.writing { db in
            try db.execute(sql: "INSERT INTO request_nonces (nonce, at_ms) VALUES (?, ?)", arguments: ["c4-01 before", NonceLedgerTests.now])
        }
        #expect(try await !store.claimNonce("c4-01 before", at: NonceLedgerTests.now + 1_000, window: 600_000), "claimed before the upgrade")
        #expect(try await store.claimNonce("c4-01 after", at: NonceLedgerTests.now + 1_000, window: 600_000))
    }
}
