import EnlaceModel
import EnlaceStore

extension CentralServer {
    /// Brings the index of need to know up to the cases a transaction touched, in that
    /// transaction: each case's departments are `CaseScope`'s table applied to its merge state
    /// and the journalled directory, so the index never disagrees with the committed records.
    func indexScope(of records: [RecordKey: MaterializedRecord], directory: Directory, in transaction: any CentralTransaction) async throws {
        for (key, record) in records where key.type == .caseFile {
            guard let state = try await transaction.recordState(key) else { continue }
            let writers = CaseScope.workers(of: state, departmentOf: { directory.department(of: $0) })
            try await transaction.setScope(ofCase: key.id, to: CaseScope.departments(of: record, writers: writers))
        }
    }

    /// Recomputes every case's scope: at the first start of a store that has none, and when a
    /// journalled enrollment moves a node that wrote to cases into another department.
    func rebuildScopes(in transaction: any CentralTransaction) async throws {
        let directory = try await transaction.directory()
        var records: [RecordKey: MaterializedRecord] = [:]
        for id in try await transaction.caseIDs() {
            let key = RecordKey(.caseFile, id)
            if let state = try await transaction.recordState(key) { records[key] = state.materialize() }
        }
        try await indexScope(of: records, directory: directory, in: transaction)
    }

    /// Builds the index of a store that holds cases but no scope yet (made before it existed).
    public func indexScopesIfMissing() async throws {
        try await storage.transaction { transaction in
            guard let first = try await transaction.caseIDs().first, try await transaction.scope(ofCase: first).isEmpty else { return }
            try await rebuildScopes(in: transaction)
        }
    }

    /// The departments that hold a case now (for the office and tests).
    public func scope(ofCase id: String) async throws -> Set<String> {
        try await storage.transaction { try await $0.scope(ofCase: id) }
    }
}
