import Crypto
import EnlaceModel

/// The statements the change feed is read with, each dialect's own, inside one read snapshot;
/// `Feed.page` is the algorithm, written once over them.
package protocol FeedReading {
    /// At most `limit` journal rows after `position`, in position order. A row carries its body
    /// only when it is applied and, when `department` is given, not a case outside that
    /// department's scope.
    func feedRows(after position: Int64, limit: Int, department: String?) async throws -> [FeedRow]
    /// Whether `row` is a signed chain head (a dialect may have read it with the row).
    func isHead(_ row: FeedRow) async throws -> Bool
    /// Whether any row follows `position`.
    func feedHasRows(after position: Int64) async throws -> Bool
    /// The signed heads of one chain between two seqs, in seq order.
    func heads(origin: String, epoch: Int64, from low: Int64, through high: Int64) async throws -> [StoredHead]
    /// A department's scope changes after `after`, in order, at most `limit`.
    func scopeChanges(department: String, after: Int64, limit: Int) async throws -> [ScopeChanges.Change]
    /// A case's applied entries after journal position `after` and through `through`, at most `limit`.
    func caseHistory(_ id: String, after: Int64, through: Int64, limit: Int) async throws -> [(position: Int64, item: FeedItem)]
    /// The applied entries of several cases through `through`, each case's first ones, in the
    /// order of `ids` and then of position, at most `limit` of a case and `limit` in all: each
    /// case's list is whole but perhaps the last one returned (the total may cut it), and the
    /// cases past the total are left out.
    func caseHistories(_ ids: [String], through: Int64, limit: Int) async throws -> [(id: String, rows: [(position: Int64, item: FeedItem)])]
    /// The data keys of `cases` this replica holds.
    func caseKeys(_ cases: [String]) async throws -> [String: SymmetricKey]
    /// The location keys of `cases` this replica holds, by case and key id.
    func locationKeys(_ cases: [String]) async throws -> [String: [String: SymmetricKey]]
    /// A record's canonical JSON, if stored.
    func documentText(_ key: RecordKey) async throws -> String?
}

extension FeedReading {
    /// `caseHistories`, one case at a time (a dialect whose statements cost no round trip).
    package func caseHistories(_ ids: [String], through: Int64, limit: Int) async throws
        -> [(id: String, rows: [(position: Int64, item: FeedItem)])]
    {
        var histories: [(id: String, rows: [(position: Int64, item: FeedItem)])] = []
        var left = limit
        for id in ids where left > 0 {
            let rows = try await caseHistory(id, after: 0, through: through, limit: left)
            histories.append((id, rows))
            left -= rows.count
        }
        return histories
    }
}

/// A journal row as the feed reads it.
package struct FeedRow {
    package let position: Int64
    package let origin: String
    package let epoch: Int64
    package let seq: Int64
    package let envelope: [UInt8]
    package let recordType: String?
    package let recordID: String?
    /// The body, when the page may carry it.
    package let body: [UInt8]?
    /// Whether the row is a signed chain head, when the dialect read it with the row.
    package let knownHead: Bool?

    package init(position: Int64, origin: String, epoch: Int64, seq: Int64, envelope: [UInt8], recordType: String?, recordID: String?,
                 body: [UInt8]?, knownHead: Bool?) {
        self.position = position
        self.origin = origin
        self.epoch = epoch
        self.seq = seq
        self.envelope = envelope
        self.recordType = recordType
        self.recordID = recordID
        self.body = body
        self.knownHead = knownHead
    }

    /// The entry's name in a feed cursor: `origin:seq`, or `origin~epoch:seq` from epoch 2 on.
    package var entryName: String { epoch == 1 ? "\(origin):\(seq)" : "\(origin)~\(epoch):\(seq)" }
}
