import EnlaceStore
import Synchronization

/// The audit log's chain, checked a stretch at a time: the check remembers the last row it
/// verified, and each later check reads and verifies only the rows after it. The first check
/// of a process reads the whole log once. A row edited inside a stretch already verified is
/// found by `enlace central audit` (which reads it all), or by the next process.
final class AuditChainCheck: Sendable {
    /// What a check found.
    enum Outcome: Equatable {
        /// The chain holds through `rows` rows.
        case intact(rows: Int64)
        /// It breaks at `position`.
        case broken(position: Int64, reason: String)
    }

    /// The last verified row: its position and hash (position 0 and the genesis hash before any).
    private let verified = Mutex<(position: Int64, hash: String, rows: Int64)>((0, AuditLog.genesis, 0))
    /// One check at a time: each goes on from where the one before it stopped.
    private let checking = AsyncLock()
    /// Rows read per stretch.
    static let stretch = 5000

    /// Checks the rows after the last verified one. Checks do not run at once: each continues
    /// where the one before stopped.
    func check(_ storage: any CentralStore) async throws -> Outcome {
        try await checking.withLock {
            var last = verified.withLock { $0 }
            defer { verified.withLock { $0 = last } }
            while true {
                let rows = try await storage.auditRows(after: last.position, limit: AuditChainCheck.stretch)
                if let broken = AuditLog.firstBrokenRow(rows, after: last.hash) { return .broken(position: broken.position, reason: broken.reason) }
                guard let end = rows.last else { return .intact(rows: last.rows) }
                last = (end.position, end.hash, last.rows + Int64(rows.count))
                if rows.count < AuditChainCheck.stretch { return .intact(rows: last.rows) }
            }
        }
    }
}
