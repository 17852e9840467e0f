import Crypto
import EnlaceModel

/// The central server's change feed, written once over each dialect's statements
/// (`FeedReading`) and read in one snapshot.
package enum Feed {
    /// A page holds at least `limit` rows when that many follow, and always ends at a signed
    /// chain head (a push batch is stored contiguously), so that every entry it carries is
    /// covered by a signature. Positions follow commit order (SQLite has one writer; PostgreSQL
    /// takes them under the append lock), so the cursor never skips an entry. The pulling
    /// replica's own chain is left out (its node's earlier epochs are not); with `scope`, bodies
    /// go only for the cases the department holds, with its scope changes and the keys of the
    /// cases whose bodies go out.
    package static func page(after cursor: FeedCursor, excluding replica: ReplicaID?, limit: Int, scope: FeedScope?,
                     in reader: some FeedReading) async throws -> FeedPage {
        var rows = try await reader.feedRows(after: cursor.position, limit: limit, department: scope?.department)
        // The page ends at a signed head: every entry it carries is covered by a signature.
        extend: while let last = rows.last, try await !reader.isHead(last) {
            let next = try await reader.feedRows(after: last.position, limit: 64, department: scope?.department)
            if next.isEmpty { break }
            for row in next {
                rows.append(row)
                if try await reader.isHead(row) { break extend }
            }
        }
        let last = rows.last
        let more = try await reader.feedHasRows(after: last?.position ?? cursor.position)
        let kept = rows.filter { row in
            guard let replica else { return true }
            return row.origin != replica.node.rawValue || row.epoch != Int64(replica.epoch)
        }
        var ranges: [String: (origin: String, epoch: Int64, low: Int64, high: Int64)] = [:]
        for row in kept {
            let key = "\(row.origin)\u{0}\(row.epoch)"
            let range = ranges[key] ?? (row.origin, row.epoch, row.seq, row.seq)
            ranges[key] = (row.origin, row.epoch, min(range.low, row.seq), max(range.high, row.seq))
        }
        var heads: [StoredHead] = []
        for (_, range) in ranges.sorted(by: { $0.key < $1.key }) {
            heads += try await reader.heads(origin: range.origin, epoch: range.epoch, from: range.low, through: range.high)
        }
        let items = kept.map { FeedItem(envelope: $0.envelope, body: $0.body) }
        let next = last.map { FeedCursor(position: $0.position, entry: $0.entryName) } ?? cursor
        var delivery: ScopeDelivery?
        if let scope {
            delivery = try await ScopeChanges.deliver(scope, limit: limit, changes: { after, limit in
                try await reader.scopeChanges(department: scope.department, after: after, limit: limit)
            }, history: { id, after, limit in
                try await reader.caseHistory(id, after: after, through: cursor.position, limit: limit)
            }, histories: { ids, limit in
                try await reader.caseHistories(ids, through: cursor.position, limit: limit)
            })
        }
        var cases = Set(kept.compactMap { row in row.body != nil && row.recordType == RecordType.caseFile.rawValue ? row.recordID : nil })
        cases.formUnion(delivery?.cases ?? [])
        return await FeedPage(entries: items, heads: heads, next: next, more: more, scope: delivery,
                        caseKeys: try keys(of: cases, leadDepartment: scope?.department, in: reader))
    }

    /// The keys of the cases a page carries bodies of: data keys, and the location keys of the
    /// cases `leadDepartment` leads — every candidate's while a naming is disputed, and all of
    /// them, so that a new lead reads what earlier leads wrote. A naming by a department that
    /// may not name the lead was quarantined: it is not in the record, and moves no key.
    package static func keys(of cases: Set<String>, leadDepartment: String?, in reader: some FeedReading) async throws -> CaseKeySet {
        var keys = CaseKeySet()
        guard !cases.isEmpty else { return keys }
        let ids = cases.sorted()
        keys.data = try await reader.caseKeys(ids)
        guard let leadDepartment else { return keys }
        for (id, held) in try await reader.locationKeys(ids) where !held.isEmpty {
            if let document = try await reader.documentText(RecordKey(.caseFile, id)).map(JSONValue.parse),
               LeadRule.currentLeads(of: document).contains(leadDepartment) {
                keys.location[id] = held
            }
        }
        return keys
    }
}
