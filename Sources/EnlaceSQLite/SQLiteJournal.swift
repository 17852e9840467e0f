import Crypto
import EnlaceModel
import EnlaceReplica
import Foundation
import GRDB

/// One access to an SQLite store: a read snapshot (typed as `JournalReading & KeyReading`) or a
/// write transaction (`CentralTransaction`, see `SQLiteJournal+Writes`). Inside a write
/// transaction, reads see its own writes.
struct SQLiteJournal: JournalReading, KeyReading, VaultHolding {
    let db: Database
    /// Committed record states (nil: read everything from the journal, as rebuild and verify do).
    var cache: RecordCache?
    /// The key of the contents at rest (nil: the store was opened without its private key).
    var vault: Vault?
    /// States this transaction produced, published to the cache when it commits.
    var pending = PendingStates()

    func entryCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal") ?? 0
    }

    func quarantinedCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE state = 'quarantined'") ?? 0
    }

    func lastSeq(of replica: ReplicaID) throws -> UInt64 {
        UInt64(try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT MAX(seq) FROM journal WHERE origin = ? AND epoch = ?"),
            arguments: [replica.node.rawValue, Int64(replica.epoch)]) ?? 0)
    }

    func heldChains() throws -> [ReplicaID: UInt64] {
        var chains: [ReplicaID: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, epoch, MAX(seq) AS last FROM journal GROUP BY origin, epoch") {
            guard let node = NodeID(row["origin"] as String), let epoch = UInt32(exactly: row["epoch"] as Int64), epoch >= 1,
                  epoch <= ReplicaID.maxEpoch, let last = UInt64(exactly: row["last"] as Int64)
            else { continue }
            chains[ReplicaID(node, epoch: epoch)] = last
        }
        return chains
    }

    func ownReplica() throws -> ReplicaID {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT node_id, epoch FROM replica")),
              let node = NodeID(row["node_id"] as String), let epoch = UInt32(exactly: row["epoch"] as Int64), epoch >= 1,
              epoch <= ReplicaID.maxEpoch
        else { throw StoreError.corrupt("the replica table names no valid node and epoch") }
        return ReplicaID(node, epoch: epoch)
    }

    func clockOffsetMillis() throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT clock_offset_ms FROM sync_state WHERE singleton = 1")) ?? 0
    }

    func envelopeHash(of id: EntryID) throws -> Hash256? {
        try [UInt8].fetchOne(db.cachedStatement(sql: "SELECT hash FROM journal WHERE origin = ? AND epoch = ? AND seq = ?"),
                             arguments: [id.origin.rawValue, Int64(id.epoch), Int64(id.seq)]).flatMap(Hash256.init(bytes:))
    }

    func lastEpoch(of node: NodeID) throws -> UInt32 {
        let highest = try Int64.fetchOne(db, sql: """
            SELECT MAX(epoch) FROM (SELECT MAX(epoch) AS epoch FROM journal WHERE origin = ? UNION ALL SELECT epoch FROM directory WHERE node = ?)
            """, arguments: [node.rawValue, node.rawValue]) ?? 0
        return UInt32(clamping: highest)
    }

    func entries(of key: RecordKey) throws -> [JournalEntry] {
        try edits(of: key, in: "applied")
    }

    func quarantinedEdits(of key: RecordKey) throws -> [JournalEntry] {
        try edits(of: key, in: "quarantined")
    }

    /// The edits of one record in `state` (applied or quarantined), in arrival order.
    private func edits(of key: RecordKey, in state: String) throws -> [JournalEntry] {
        // The key is asked once, whatever the number of entries.
        var caseKey: SymmetricKey??
        return try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT origin, epoch, seq, body FROM journal
                WHERE record_type = ? AND record_id = ? AND +state = ? AND kind = 1 ORDER BY position
                """),
            arguments: [key.type.rawValue, key.id, state]
        ).map { row in
            try edit(row) { record in
                if caseKey == nil { caseKey = .some(try? self.caseKey(record.id)) }
                return caseKey!
            }
        }
    }

    /// The applied edit a row holds, opened with `key` when it is sealed.
    func edit(_ row: Row, key: (RecordKey) -> SymmetricKey?) throws -> JournalEntry {
        guard let node = NodeID(row["origin"] as String), let epoch = UInt32(exactly: row["epoch"] as Int64), epoch >= 1,
              let seq = UInt64(exactly: row["seq"] as Int64), let blob = row["body"] as [UInt8]?
        else { throw StoreError.corrupt("a journal row's identity or body is malformed") }
        let body = try EntryBody(blob: blob)
        do {
            return try JournalEntry.read(id: EntryID(replica: ReplicaID(node, epoch: epoch), seq: seq), body: body, key: key)
        } catch {
            throw StoreError.corrupt("applied entry \(SQLiteJournal.entryName(row)) cannot be read: \(error)")
        }
    }

    func documentText(_ key: RecordKey) throws -> String? {
        try [UInt8].fetchOne(
            db.cachedStatement(sql: "SELECT document FROM records WHERE record_type = ? AND record_id = ?"),
            arguments: [key.type.rawValue, key.id]
        ).map { try openDocument($0, of: key) }
    }

    func records(of type: RecordType, after: String?, limit: Int) throws -> Page<String> {
        let rows = try Row.fetchAll(
            db, sql: "SELECT record_id, document FROM records WHERE record_type = ? AND record_id > ? ORDER BY record_id LIMIT ?",
            arguments: [type.rawValue, after ?? "", limit + 1])
        let page = rows.prefix(limit)
        return Page(items: try page.map { try openDocument($0["document"], of: RecordKey(type, $0["record_id"])) },
                    next: rows.count > limit ? page.last.map { $0["record_id"] } : nil)
    }

    func locationKeys(_ id: String) throws -> [String: SymmetricKey] {
        var keys: [String: SymmetricKey] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT key_id, sealed FROM location_keys WHERE record_id = ?"),
                                    arguments: [id]) {
            let keyID: String = row["key_id"]
            keys[keyID] = SymmetricKey(data: try openVault().open(row["sealed"], context: "location key \(id) \(keyID)"))
        }
        return keys
    }

    /// The data key of case `id`, when this replica holds it.
    /// Case `id`'s data key, read and opened once per access (a push checks, then opens, the
    /// keys of its cases).
    func caseKey(_ id: String) throws -> SymmetricKey? {
        if let known = pending.caseKeys[id] { return known }
        let key = try [UInt8].fetchOne(db.cachedStatement(sql: "SELECT sealed FROM case_keys WHERE record_id = ?"), arguments: [id])
            .map { SymmetricKey(data: try openVault().open($0, context: "case key \(id)")) }
        pending.caseKeys[id] = .some(key)
        return key
    }

    func recordKeys() throws -> [RecordKey] {
        try Row.fetchAll(db, sql: "SELECT record_type, record_id FROM records ORDER BY record_type, record_id").compactMap { row in
            RecordType(rawValue: row["record_type"]).map { RecordKey($0, row["record_id"]) }
        }
    }

    func conflicts(_ filter: ConflictFilter, after: String?, limit: Int) throws -> Page<StoredConflict> {
        var sql = "SELECT * FROM conflicts WHERE status = ? AND id > ?"
        var arguments: StatementArguments = [filter.status.rawValue, after ?? ""]
        if let department = filter.department {
            sql += " AND department = ?"
            _ = arguments.append(contentsOf: [department])
        }
        if let type = filter.recordType {
            sql += " AND record_type = ?"
            _ = arguments.append(contentsOf: [type.rawValue])
        }
        if let prefix = filter.fieldPrefix {
            sql += " AND substr(field, 1, ?) = ?"
            _ = arguments.append(contentsOf: [prefix.utf8.count, prefix])
        }
        if let cutoff = filter.firstAtOrBefore {
            sql += " AND first_at <= ?"
            _ = arguments.append(contentsOf: [RFC3339.format(millis: cutoff)])
        }
        sql += " ORDER BY id LIMIT ?"
        _ = arguments.append(contentsOf: [limit + 1])
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap(conflict)
        let page = Array(rows.prefix(limit))
        return Page(items: page, next: rows.count > limit ? page.last?.id : nil)
    }

    func conflict(id: String) throws -> StoredConflict? {
        try Row.fetchOne(db, sql: "SELECT * FROM conflicts WHERE id = ?", arguments: [id]).flatMap(conflict)
    }

    func conflicts(of key: RecordKey) throws -> [StoredConflict] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM conflicts WHERE record_type = ? AND record_id = ? ORDER BY id"),
            arguments: [key.type.rawValue, key.id]
        ).compactMap(conflict)
    }

    func conflictLocation(id: String) throws -> ConflictLocation? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM conflict_ids WHERE id = ?", arguments: [id]),
              let type = RecordType(rawValue: row["record_type"])
        else { return nil }
        return ConflictLocation(key: RecordKey(type, row["record_id"]), field: row["field"])
    }

    func openConflictsByDepartment() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT department, COUNT(*) AS n FROM conflicts WHERE status = 'open' GROUP BY department") {
            counts[(row["department"] as String?) ?? "SIN_DEPARTAMENTO", default: 0] += row["n"] as Int
        }
        return counts
    }

    func oldestOpenConflictAt() throws -> Int64? {
        try String.fetchOne(db, sql: "SELECT MIN(first_at) FROM conflicts WHERE status = 'open'").flatMap(RFC3339.parseTimestamp)
    }

    func lastFolioNumber(node: String, year: Int) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT last FROM folio_counters WHERE node = ? AND year = ?"), arguments: [node, year]) ?? 0
    }

    func directory() throws -> Directory {
        var directory = Directory()
        for row in try Row.fetchAll(db, sql: "SELECT * FROM directory ORDER BY node") {
            guard let node = NodeID(row["node"] as String) else { continue }
            let epoch = min(UInt32(clamping: row["epoch"] as Int64), ReplicaID.maxEpoch)
            directory.apply(DirectoryEvent(kind: .enrollment, node: node, department: row["department"],
                                           effectiveFrom: epoch == 0 ? nil : EntryID(replica: ReplicaID(node, epoch: epoch), seq: 1), at: 0))
            if (row["revoked"] as Int) != 0 { directory.apply(DirectoryEvent(kind: .revocation, node: node, at: 0)) }
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM directory_keys ORDER BY node, from_epoch, from_seq") {
            guard let node = NodeID(row["node"] as String), let epoch = UInt32(exactly: row["from_epoch"] as Int64), epoch >= 1,
                  let seq = UInt64(exactly: row["from_seq"] as Int64)
            else { continue }
            directory.apply(DirectoryEvent(
                kind: .keys, node: node, signingKey: row["signing"], agreementKey: row["agreement"],
                effectiveFrom: EntryID(replica: ReplicaID(node, epoch: epoch), seq: seq), at: 0))
        }
        return directory
    }

    func quarantined(after position: Int64, limit: Int) throws -> [QuarantinedEntry] {
        try Row.fetchAll(
            db, sql: """
                SELECT position, origin, epoch, seq, reason FROM journal
                WHERE state = 'quarantined' AND position > ? ORDER BY position LIMIT ?
                """,
            arguments: [position, limit]
        ).map { row in
            QuarantinedEntry(position: row["position"], id: SQLiteJournal.entryName(row), reason: row["reason"] ?? "")
        }
    }

    func forEachEntry(_ body: (StoredEntryRow) async throws -> Void) async throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM journal ORDER BY position")
        while let row = try cursor.next() { try await body(SQLiteJournal.storedRow(row)) }
    }

    /// A row's entry id as text (`origin:seq`, `origin~epoch:seq`).
    static func entryName(_ row: Row) -> String {
        let epoch: Int64 = row["epoch"]
        return epoch == 1 ? "\(row["origin"] as String):\(row["seq"] as Int64)" : "\(row["origin"] as String)~\(epoch):\(row["seq"] as Int64)"
    }

    static func storedRow(_ row: Row) -> StoredEntryRow {
        let stateName: String = row["state"]
        let state: EntryState = switch stateName {
        case "applied": .applied
        case "stub": .stub
        default: .quarantined(row["reason"] ?? "")
        }
        return StoredEntryRow(
            position: row["position"], origin: row["origin"], epoch: row["epoch"], seq: row["seq"], envelope: row["envelope"],
            hash: row["hash"], body: row["body"], recordType: row["record_type"], recordID: row["record_id"], atMillis: row["at_ms"],
            state: state)
    }

    func anchorKey() throws -> [UInt8]? {
        try [UInt8].fetchOne(db, sql: "SELECT central_key FROM anchor")
    }

    func heads() throws -> [StoredHead] {
        try Row.fetchAll(db, sql: "SELECT * FROM chain_heads ORDER BY origin, epoch, seq").compactMap(SQLiteJournal.head)
    }

    static func head(_ row: Row) -> StoredHead? {
        guard let node = NodeID(row["origin"] as String), let epoch = UInt32(exactly: row["epoch"] as Int64), epoch >= 1,
              let seq = UInt64(exactly: row["seq"] as Int64), let hash = Hash256(bytes: row["hash"])
        else { return nil }
        return StoredHead(id: EntryID(replica: ReplicaID(node, epoch: epoch), seq: seq), hash: hash, signature: row["signature"])
    }

    func conflict(_ row: Row) throws -> StoredConflict? {
        guard let type = RecordType(rawValue: row["record_type"]), let status = Conflict.Status(rawValue: row["status"]) else { return nil }
        let firstAt = (row["first_at"] as String?).flatMap(RFC3339.parseTimestamp) ?? 0
        let id: String = row["id"]
        let json = String(decoding: try openVault().open(row["body"], context: "conflict \(id)"), as: UTF8.self)
        return StoredConflict(
            id: id, key: RecordKey(type, row["record_id"]), field: row["field"], status: status,
            department: row["department"], firstAt: firstAt, json: json)
    }
}
