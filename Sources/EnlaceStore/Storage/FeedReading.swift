import Crypto
import EnlaceModel

/// The statements the change feed is read with, each dialect's own, inside one read snapshot;
/// `Feed.page` is the algorithm, written once over them.
protocol FeedReading {
    /// At most `limit` journal rows after `position`, in position order. A row carries its body
    /// only when it is applied and, when `department` is given, not a case outside that
    /// department's scope.
    func feedRows(after position: Int64, limit: Int, department: String?) throws -> [FeedRow]
    /// Whether `row` is a signed chain head (a dialect may have read it with the row).
    func isHead(_ row: FeedRow) throws -> Bool
    /// Whether any row follows `position`.
    func feedHasRows(after position: Int64) throws -> Bool
    /// The signed heads of one chain between two seqs, in seq order.
    func heads(origin: String, epoch: Int64, from low: Int64, through high: Int64) throws -> [StoredHead]
    /// A department's scope changes after `after`, in order, at most `limit`.
    func scopeChanges(department: String, after: Int64, limit: Int) throws -> [ScopeChanges.Change]
    /// A case's applied entries after journal position `after` and through `through`, at most `limit`.
    func caseHistory(_ id: String, after: Int64, through: Int64, limit: Int) throws -> [(position: Int64, item: FeedItem)]
    /// The data keys of `cases` this replica holds.
    func caseKeys(_ cases: [String]) throws -> [String: SymmetricKey]
    /// The location keys of `cases` this replica holds, by case and key id.
    func locationKeys(_ cases: [String]) throws -> [String: [String: SymmetricKey]]
    /// A record's canonical JSON, if stored.
    func documentText(_ key: RecordKey) throws -> String?
}

/// A journal row as the feed reads it.
struct FeedRow {
    let position: Int64
    let origin: String
    let epoch: Int64
    let seq: Int64
    let envelope: [UInt8]
    let recordType: String?
    let recordID: String?
    /// The body, when the page may carry it.
    let body: [UInt8]?
    /// Whether the row is a signed chain head, when the dialect read it with the row.
    let knownHead: Bool?

    /// The entry's name in a feed cursor: `origin:seq`, or `origin~epoch:seq` from epoch 2 on.
    var entryName: String { epoch == 1 ? "\(origin):\(seq)" : "\(origin)~\(epoch):\(seq)" }
}
