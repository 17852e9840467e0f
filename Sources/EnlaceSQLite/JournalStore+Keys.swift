import Crypto
import EnlaceModel
import EnlaceReplica
import GRDB

extension JournalStore {
    /// Records the central server's X25519 key (from the enrollment token) at a node's init.
    public func setCentralAgreementKey(_ key: [UInt8]) async throws {
        try await writing { db in
            try db.execute(sql: "UPDATE anchor SET central_agreement = ? WHERE singleton = 1", arguments: [key])
        }
    }

    /// The central server's X25519 key: what case keys are wrapped to for it.
    public func centralAgreementKey() async throws -> [UInt8]? {
        try await reading { db in try [UInt8].fetchOne(db, sql: "SELECT central_agreement FROM anchor") }
    }

    /// The keys this replica holds of the cases `ids`: data keys and location keys.
    public func caseKeys(for ids: Set<String>) async throws -> CaseKeySet {
        try await reading { db in
            let journal = SQLiteJournal(db: db, vault: vault)
            var keys = CaseKeySet()
            for id in ids.sorted() {
                keys.data[id] = try journal.caseKey(id)
                let location = try journal.locationKeys(id)
                if !location.isEmpty { keys.location[id] = location }
            }
            return keys
        }
    }

    /// How many case keys this replica holds.
    public func caseKeyCount() async throws -> Int {
        try await reading { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_keys") ?? 0 }
    }
}
