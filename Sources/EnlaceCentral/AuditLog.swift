import Crypto
import EnlaceModel
import EnlaceStore

/// The central server's audit log: enrollments, revocations, resolutions and every office read
/// of a record, append-only and hash-chained so that an edited or removed row is detected.
public enum AuditLog {
    /// The previous hash of the first row.
    public static let genesis = String(repeating: "0", count: 64)

    /// Appends an event inside `transaction`, chained to the last row.
    public static func append(
        _ action: String, actor: String, subject: String, detail: JSONValue = .object([:]), at millis: Int64,
        in transaction: any CredentialTransaction
    ) async throws {
        let previous = try await transaction.lastAuditHash() ?? genesis
        var row = AuditRow(at: RFC3339.format(millis: millis), actor: actor, action: action, subject: subject,
                           detail: detail.canonicalText, previousHash: previous, hash: "")
        row.hash = hash(of: row)
        try await transaction.appendAudit(row)
    }

    /// The hash of a row: SHA-256 over the previous hash and every field.
    public static func hash(of row: AuditRow) -> String {
        let text = [row.previousHash, row.at, row.actor, row.action, row.subject, row.detail].joined(separator: "\n")
        return EntryChain.hex(Array(SHA256.hash(data: Array(text.utf8))))
    }

    /// The first row whose hash or link to the previous row does not hold, with the reason.
    public static func firstBrokenRow(_ rows: [AuditRow], after previousHash: String = genesis) -> (position: Int64, reason: String)? {
        var previous = previousHash
        for row in rows {
            if row.previousHash != previous {
                return (row.position, "its link to the previous row is broken (a row was removed or inserted)")
            }
            if hash(of: row) != row.hash { return (row.position, "its content does not match its hash (the row was edited)") }
            previous = row.hash
        }
        return nil
    }
}
