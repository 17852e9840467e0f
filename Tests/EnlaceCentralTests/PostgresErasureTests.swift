import EnlaceCentral
import EnlaceDemo
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// ARCO cancellation on the central store in PostgreSQL: crypto-erasure holds only if the
/// destroyed key is nowhere in the database's files, dead rows included.
@Suite("Erasure on PostgreSQL", .serialized, .enabled(if: TestPostgres.server != nil, "ENLACE_TEST_POSTGRES names no server"))
struct PostgresErasureTests {
    @Test("an erasure on PostgreSQL leaves no copy of the case's key in the database's files: not even a dead row (a positive control finds it before)")
    func erasureDestroysTheKeyOnDisk() async throws {
        let database = try await TestPostgres.newDatabase()
        let key = ReplicaKey.generate()
        let store = try await PostgresStore(location: database, create: true, keys: [key])
        try await store.initialize(ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: "2026-12-01T00:00:00Z"))
        try await store.setStoreID("central-test")
        let server = CentralServer(storage: store, key: key)
        let origin = TestOrigin("c4-01")
        _ = try await server.enroll(nodeID: origin.node, department: "C4", by: "test")
        try await server.bind(origin.binding, for: origin.node)
        let record = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RE")
        let created = origin.seal(origin.edit(record, [
            .set(field: "folio", value: "LEON-C4-01-2026-000001"), .set(field: "origin_department", value: "C4"),
            .set(field: "intake_channel", value: "presencial"), .set(field: "summary", value: "Relato que se cancela."),
        ]))
        _ = try await server.push(try origin.batch([created], central: key.agreementPublicKey), from: origin.node, department: "C4")
        let sealed = try #require(EntryChain.bytes(hex: try TestPostgres.scalar(
            "SELECT encode(sealed, 'hex') FROM case_keys WHERE record_id = '\(record.id)'", on: database)))
        let files = try TestPostgres.scalar("SELECT current_setting('data_directory') || '/' || regexp_replace(pg_relation_filepath('case_keys'), '/[^/]*$', '')",
                                            on: database)
        func copies() throws -> [String] {
            _ = try TestPostgres.scalar("CHECKPOINT", on: database)
            return DataFolderScan.files(in: files, containing: Array(sealed.suffix(24)))
        }
        #expect(try !copies().isEmpty, "the positive control: the stored key is in the database's files")
        // Another session's snapshot, taken before the erasure and held past it: a rewrite made
        // while it lasts keeps the deleted row, so the erasure rewrites again once it ends.
        let folder = try TemporaryFolder()
        let holder = try ChildProcess("/usr/bin/psql", [database.url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                                                        "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM journal; SELECT pg_sleep(3); COMMIT;"],
                                      name: "snapshot", log: folder.sub("psql.log"))
        // And a write transaction in another database of the server, which holds back every
        // database's rewrites while it runs.
        let elsewhere = try await TestPostgres.newDatabase()
        let writer = try ChildProcess("/usr/bin/psql", [elsewhere.url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                                                        "BEGIN; CREATE TABLE busy (a int); SELECT pg_sleep(3); COMMIT;"],
                                      name: "writer", log: folder.sub("psql-writer.log"))
        let holding = "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%pg_sleep%' "
            + "AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)"
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try TestPostgres.scalar(holding, on: database) != "2" { try await Task.sleep(for: .milliseconds(20)) }
        let started = Date()
        _ = try await server.erase(cases: [record.id], reason: "Solicitud de la titular", legalBasis: "LGPDPPSO, artículo 46", by: "lucia")
        #expect(Date().timeIntervalSince(started) > 1, "the rewrite waited for the older transactions to end")
        #expect(holder.waitForExit(seconds: 10) == 0 && writer.waitForExit(seconds: 10) == 0)
        #expect(try await store.read { try await $0.caseKey(record.id) } == nil)
        let left = try copies()
        // Which relations hold a copy (a file is named by its relfilenode), for the message.
        let holders = try left.map { file in
            let node = file.split(separator: "/").last.map { String($0.prefix { $0.isNumber }) } ?? ""
            return node.isEmpty ? file : try TestPostgres.scalar("SELECT coalesce(string_agg(relname, ','), '?') FROM pg_class WHERE relfilenode = \(node)",
                                                                  on: database) + " (\(file))"
        }
        #expect(left.isEmpty, "a dead row of the destroyed key is still in \(holders)")
    }

}
