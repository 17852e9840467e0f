import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import GRDB
import Testing

/// A store records the release that last wrote it; releases only go forward: a store a later
/// release wrote (its recorded release, or a migration this build does not know) is refused by
/// this one with both releases named, and left as it was.
@Suite("Store releases")
struct StoreReleaseTests {
    @Test("SQLite: opening records this release; a later release's store is refused and left untouched")
    func sqlite() async throws {
        let folder = try TemporaryFolder()
        let path = folder.sub("journal.sqlite")
        let key = ReplicaKey.generate()
        do {
            let store = try JournalStore(path: path, create: true, keys: [key])
            #expect(try await store.writtenByRelease() == SoftwareRelease.current.description)
        }
        let sql = try JournalStoreSQL(path: path)
        try sql.execute("UPDATE software_release SET release = '0.9.0'")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            _ = try JournalStore(path: path, keys: [key])
        } throws: { error in
            guard case .newerRelease(_, let release) = error as? StoreError else { return false }
            return release == "0.9.0" && "\(error)".contains("newer than this \(SoftwareRelease.current)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "a refused store is not written")

        // An older release recorded: this one opens it and records itself.
        try sql.execute("UPDATE software_release SET release = '0.3.0'")
        let store = try JournalStore(path: path, keys: [key])
        #expect(try await store.writtenByRelease() == SoftwareRelease.current.description)

        // A migration this build does not know: a later release changed the schema.
        try sql.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v9-future')")
        #expect(throws: StoreError.self) { _ = try JournalStore(path: path, keys: [key]) }
    }

    @Test("PostgreSQL: the same, for the central store", .enabled(if: TestPostgres.server != nil))
    func postgres() async throws {
        let location = try await TestPostgres.newDatabase()
        let key = ReplicaKey.generate()
        let created = try await PostgresStore(location: location, create: true, keys: [key])
        try await created.initialize(ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: "2026-12-01T00:00:00Z"))
        #expect(try TestPostgres.scalar("SELECT release FROM software_release", on: location) == SoftwareRelease.current.description)
        _ = try TestPostgres.scalar("UPDATE software_release SET release = '0.9.0' RETURNING release", on: location)
        await #expect {
            _ = try await PostgresStore(location: location, keys: [key])
        } throws: { error in
            guard case .newerRelease(_, let release) = error as? StoreError else { return false }
            return release == "0.9.0"
        }
        _ = try TestPostgres.scalar("UPDATE software_release SET release = '0.3.0' RETURNING release", on: location)
        _ = try await PostgresStore(location: location, keys: [key])
        #expect(try TestPostgres.scalar("SELECT release FROM software_release", on: location) == SoftwareRelease.current.description)
        _ = try TestPostgres.scalar("INSERT INTO schema_migrations (name) VALUES ('v9-future') RETURNING name", on: location)
        await #expect(throws: StoreError.self) { _ = try await PostgresStore(location: location, keys: [key]) }
    }
}
