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
        _ = try await server.erase(cases: [record.id], reason: "Solicitud de la titular", legalBasis: "LGPDPPSO, artículo 46", by: "lucia")
        #expect(try await store.read { try await $0.caseKey(record.id) } == nil)
        let left = try copies()
        #expect(left.isEmpty, "a dead row of the destroyed key is still in \(left)")
    }

}
