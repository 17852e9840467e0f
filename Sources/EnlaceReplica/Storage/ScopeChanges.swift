/// A department's scope changes after a pull's scope cursor, written once for every store: the
/// cases that left (the node purges them) and the history of those that entered (bodies for the
/// envelopes the node holds as stubs), oldest change first, each case read as it is now.
///
/// A page holds about `limit` history entries and at most `maxHistoryBytes` of them: a case whose
/// history does not fit is split across pages — the page ends inside it, its change not yet
/// taken in, and `historyAfter` says where the next page goes on — so no case is too long to
/// reach a node (a compromised node could inflate one past any answer limit).
package enum ScopeChanges {
    /// At most this many bytes of history in one page.
    package static let maxHistoryBytes = 8 << 20

    /// One change of the index: a case that entered (or left) the department's scope.
    package struct Change {
        let caseID: String
        let entering: Bool
        let changed: Int64

        package init(caseID: String, entering: Bool, changed: Int64) {
            self.caseID = caseID
            self.entering = entering
            self.changed = changed
        }
    }

    /// The delivery for `scope` through feed position `position`. `changes(after, limit)` reads
    /// the department's changes in order; `history(id, after, limit)` reads a case's applied
    /// entries after a journal position (through `position`), in position order;
    /// `histories(ids, limit)` reads several cases' first entries together (see
    /// `FeedReading.caseHistories`).
    package static func deliver(
        _ scope: FeedScope, limit: Int, changes: (Int64, Int) async throws -> [Change],
        history: (String, Int64, Int) async throws -> [(position: Int64, item: FeedItem)],
        histories: ([String], Int) async throws -> [(id: String, rows: [(position: Int64, item: FeedItem)])]
    ) async throws -> ScopeDelivery {
        var delivery = ScopeDelivery(history: [], left: [], next: scope.after, more: false)
        var bytes = 0
        let found = try await changes(scope.after, limit + 1)
        // The entering cases' histories after the first change (which may go on inside a case
        // split across pages, and is read on its own) are read together, once, as far as the
        // page has room then. A case the total cut short is read again on its own, as is any
        // case past it.
        var read: [String: [(position: Int64, item: FeedItem)]]?
        for (index, change) in found.enumerated() {
            if index == limit || ((delivery.history.count >= limit || bytes >= maxHistoryBytes) && change.entering) {
                delivery.more = true
                break
            }
            guard change.entering else {
                delivery.left.append(change.caseID)
                delivery.next = change.changed
                continue
            }
            delivery.cases.insert(change.caseID)
            // Where this case's history goes on: a case split across pages is the first change after the cursor.
            let after = index == 0 ? scope.historyAfter : 0
            let room = max(1, limit - delivery.history.count)
            if index > 0, read == nil {
                let together = found[index..<min(found.count, limit)].filter(\.entering).map(\.caseID)
                let histories = try await histories(together, room + 1)
                let cut = histories.reduce(0) { $0 + $1.rows.count } >= room + 1
                var whole: [String: [(position: Int64, item: FeedItem)]] = [:]
                for (offset, history) in histories.enumerated() where !cut || offset < histories.count - 1 {
                    whole[history.id] = history.rows
                }
                read = whole
            }
            let rows = if index > 0, let whole = read?[change.caseID] { Array(whole.prefix(room + 1)) }
                else { try await history(change.caseID, after, room + 1) }
            var taken = 0
            for row in rows.prefix(room) {
                let size = row.item.envelope.count + (row.item.body?.count ?? 0)
                if taken > 0 || !delivery.history.isEmpty, bytes + size > maxHistoryBytes { break }
                delivery.history.append(row.item)
                bytes += size
                taken += 1
            }
            if taken == 0 {
                // Not one entry of it fits after the cases before it: it starts the next page.
                delivery.cases.remove(change.caseID)
                delivery.more = true
                return delivery
            }
            if taken < rows.count {
                // The rest of this case's history comes in the next page; its change is not taken in yet.
                delivery.historyAfter = rows[taken - 1].position
                delivery.more = true
                return delivery
            }
            delivery.next = change.changed
        }
        return delivery
    }
}
