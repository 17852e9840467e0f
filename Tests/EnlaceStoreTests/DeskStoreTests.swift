import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Testing

/// What the office desk keeps in a central store, so that every central process sharing it
/// agrees: passwords only for live users, sessions that expire and end with their user,
/// sign-in failures counted in a window, node positions that never move back.
@Suite("Desk state in the central store")
struct DeskStoreTests {
    /// The central stores available here: SQLite, and PostgreSQL when a server is named.
    static let kinds = TestPostgres.server == nil ? ["sqlite"] : ["sqlite", "postgresql"]

    func store(_ kind: String) async throws -> (any CentralStore, TemporaryFolder) {
        let folder = try TemporaryFolder()
        let store: any CentralStore = await kind == "sqlite"
            ? try JournalStore(path: folder.sub("central.sqlite"), create: true, keys: [ReplicaKey.generate()])
            : try TestPostgres.newStore()
        try await store.transaction { transaction in
            try await transaction.addCredential(tokenHash: "h-ana", principal: Principal(kind: .user, subject: "ana", department: "CENTRAL", role: .resolver),
                                          enrollmentKey: nil, createdAt: "2026-12-01T00:00:00.000Z")
        }
        return (store, folder)
    }

    @Test("a password is set only for a live user; a new password and a revocation end the user's sessions", arguments: DeskStoreTests.kinds)
    func passwordsAndSessions(kind: String) async throws {
        let (store, folder) = try await store(kind)
        _ = folder
        #expect(try await store.transaction { try await $0.setPassword(user: "nadie", hash: "x", at: "t") } == false)
        #expect(try await store.transaction { try await $0.setPassword(user: "ana", hash: "h1", at: "t") })
        let login = try await store.deskRead { try await $0.deskLogin(user: "ana", at: 1_000, window: 100) }
        #expect(login == DeskLogin(user: "ana", role: .resolver, passwordHash: "h1", recentFailures: 0))

        let session = DeskSession(tokenHash: "s1", user: "ana", role: .resolver, csrf: "c1", expiresAt: 5_000)
        try await store.transaction { try await $0.createSession(session) }
        #expect(try await store.deskRead { try await $0.deskSession(tokenHash: "s1", at: 4_999) } == session)
        #expect(try await store.deskRead { try await $0.deskSession(tokenHash: "s1", at: 5_000) } == nil, "expired at its time")
        #expect(try await store.transaction { try await $0.deleteExpiredSessions(at: 5_000) } == 1)

        try await store.transaction { try await $0.createSession(DeskSession(tokenHash: "s2", user: "ana", role: .resolver, csrf: "c2", expiresAt: 9_000)) }
        _ = try await store.transaction { try await $0.setPassword(user: "ana", hash: "h2", at: "t2") }
        #expect(try await store.deskRead { try await $0.deskSession(tokenHash: "s2", at: 1_000) } == nil, "a new password ends sessions")

        try await store.transaction { try await $0.createSession(DeskSession(tokenHash: "s3", user: "ana", role: .resolver, csrf: "c3", expiresAt: 9_000)) }
        #expect(try await store.transaction { try await $0.revokeCredentials(kind: .user, subject: "ana", at: "t3") } == 1)
        #expect(try await store.deskRead { try await $0.deskSession(tokenHash: "s3", at: 1_000) } == nil, "revocation ends sessions")
        #expect(try await store.deskRead { try await $0.deskLogin(user: "ana", at: 1_000, window: 100) } == nil)
    }

    @Test("failed sign-ins count within their window and start over after it", arguments: DeskStoreTests.kinds)
    func failures(kind: String) async throws {
        let (store, folder) = try await store(kind)
        _ = folder
        for (index, at) in [1_000, 1_010, 1_020].enumerated() {
            #expect(try await store.transaction { try await $0.recordSignInFailure(user: "ana", at: Int64(at), window: 100, keep: 100) } == index + 1)
        }
        #expect(try await store.deskRead { try await $0.deskLogin(user: "ana", at: 1_050, window: 100) }?.recentFailures == 3)
        #expect(try await store.deskRead { try await $0.deskLogin(user: "ana", at: 1_200, window: 100) }?.recentFailures == 0)
        #expect(try await store.transaction { try await $0.recordSignInFailure(user: "ana", at: 1_200, window: 100, keep: 100) } == 1, "a new window")
        #expect(try await store.transaction { try await $0.recordSignInFailure(user: "ana", at: Int64.min + 5, window: 100, keep: 100) } >= 1, "no overflow")
        try await store.transaction { try await $0.clearSignInFailures(user: "ana") }
        #expect(try await store.deskRead { try await $0.deskLogin(user: "ana", at: 1_200, window: 100) }?.recentFailures == 0)
    }

    @Test("a node's acknowledged position never moves back; its contact time and version follow the latest pull", arguments: DeskStoreTests.kinds)
    func nodeContacts(kind: String) async throws {
        let (store, folder) = try await store(kind)
        _ = folder
        try await store.transaction { try await $0.recordNodeContact("c4-01", position: 40, at: 1_000, version: "0.3.0", skew: 250) }
        try await store.transaction { try await $0.recordNodeContact("c4-01", position: 12, at: 2_000, version: nil, skew: nil) }
        #expect(try await store.deskRead { try await $0.nodeContact("c4-01") }
                == NodeContact(node: "c4-01", position: 40, at: 2_000, version: "0.3.0", skew: 250))
        try await store.transaction { try await $0.recordNodeContact("dif-01", position: 3, at: 2_500, version: "0.4.0", skew: -40) }
        #expect(try await store.deskRead { try await $0.nodeContacts() }.map(\.node) == ["c4-01", "dif-01"])
        // A refusal for a wrong clock: the latest of each node, seen from the window on.
        try await store.transaction { try await $0.recordClockOff("c4-01", skew: 3 * 86_400_000, at: 3_000) }
        try await store.transaction { try await $0.recordClockOff("c4-01", skew: -90_000_000, at: 4_000) }
        let reports = try await store.deskRead { try await $0.clocksOff(since: 3_500) }
        #expect(reports.count == 1 && reports["c4-01"]?.skew == -90_000_000 && reports["c4-01"]?.at == 4_000)
        #expect(try await store.deskRead { try await $0.clocksOff(since: 4_001) }.isEmpty)
    }

    @Test("the failure table is bounded: failures past their window are forgotten, and at most so many names are remembered, the oldest going first",
          arguments: DeskStoreTests.kinds)
    func failuresBounded(kind: String) async throws {
        let (store, folder) = try await store(kind)
        _ = folder
        let limit = 60
        try await store.transaction { transaction in
            for index in 0..<(limit + 25) {
                _ = try await transaction.recordSignInFailure(user: "inventado-\(index)", at: 1_000 + Int64(index), window: 1_000_000, keep: limit)
            }
        }
        #expect(try await store.deskRead { try await $0.recentSignInFailures(user: "inventado-\(limit + 24)", at: 200_000, window: 1_000_000) } == 1)
        #expect(try await store.deskRead { try await $0.recentSignInFailures(user: "inventado-0", at: 200_000, window: 1_000_000) } == 0, "the oldest went first")
        var remembered = 0
        try await store.deskRead { reader in
            for index in 0..<(limit + 25) where try await reader.recentSignInFailures(user: "inventado-\(index)", at: 200_000, window: 1_000_000) > 0 {
                remembered += 1
            }
        }
        #expect(remembered == limit, "\(remembered) names remembered")
        // Past the window everything is forgotten at the next failure.
        _ = try await store.transaction { try await $0.recordSignInFailure(user: "otra", at: 5_000_000, window: 1_000_000, keep: limit) }
        #expect(try await store.deskRead { try await $0.recentSignInFailures(user: "inventado-\(limit + 24)", at: 5_000_000, window: 10_000_000) } == 0)
    }

}
