import Crypto
import EnlaceModel
import EnlaceReplica
import Foundation

/// One access to a PostgreSQL store: a REPEATABLE READ snapshot (typed as `JournalReading &
/// KeyReading`) or a write transaction under the append lock (`CentralTransaction`, see
/// `PostgresJournal+Writes`). Inside a write transaction, reads see its own writes.
struct PostgresJournal: JournalReading, KeyReading, VaultHolding {
    let session: PostgresSession
    /// Committed record states (nil: read everything from the journal).
    var cache: RecordCache?
    /// The key of the contents at rest (nil: the store was opened without its private key).
    var vault: Vault?
    /// States this transaction produced, published to the cache when it commits.
    var pending = PendingStates()

    init(session: PostgresSession, cache: RecordCache?, vault: Vault?) {
        self.session = session
        self.cache = cache
        self.vault = vault
    }

    func entryCount() async throws -> Int {
        Int(try await session.value("SELECT COUNT(*) FROM journal", as: Int64.self) ?? 0)
    }

    func quarantinedCount() async throws -> Int {
        Int(try await session.value("SELECT COUNT(*) FROM journal WHERE state = 'quarantined'", as: Int64.self) ?? 0)
    }

    func lastSeq(of replica: ReplicaID) async throws -> UInt64 {
        UInt64(clamping: try await session.value("SELECT MAX(seq) FROM journal WHERE origin = $1 AND epoch = $2",
                                           [replica.node.rawValue, Int64(replica.epoch)], as: Int64.self) ?? 0)
    }

    func heldChains() async throws -> [ReplicaID: UInt64] {
        var chains: [ReplicaID: UInt64] = [:]
        for row in try await session.rows("SELECT origin, epoch, MAX(seq) AS last FROM journal GROUP BY origin, epoch") {
            guard let node = NodeID(try row.text("origin")), let epoch = UInt32(exactly: try row.int("epoch")), epoch >= 1,
                  epoch <= ReplicaID.maxEpoch, let last = UInt64(exactly: try row.int("last"))
            else { continue }
            chains[ReplicaID(node, epoch: epoch)] = last
        }
        return chains
    }

    func ownReplica() async throws -> ReplicaID {
        guard let row = try await session.row("SELECT node_id, epoch FROM replica"),
              let node = NodeID(try row.text("node_id")), let epoch = UInt32(exactly: try row.int("epoch")), epoch >= 1,
              epoch <= ReplicaID.maxEpoch
        else { throw StoreError.corrupt("the replica table names no valid node and epoch") }
        return ReplicaID(node, epoch: epoch)
    }

    /// The central server's clock is the reference: its offset is 0.
    func clockOffsetMillis() async throws -> Int64 { 0 }

    func lastEpoch(of node: NodeID) async throws -> UInt32 {
        let highest = try await session.value("""
            SELECT GREATEST((SELECT MAX(epoch) FROM journal WHERE origin = $1), (SELECT MAX(epoch) FROM directory WHERE node = $1))
            """, [node.rawValue], as: Int64.self) ?? 0
        return UInt32(clamping: highest)
    }

    func envelopeHash(of id: EntryID) async throws -> Hash256? {
        try await session.rows("SELECT hash FROM journal WHERE origin = $1 AND epoch = $2 AND seq = $3",
                         [id.origin.rawValue, Int64(id.epoch), Int64(id.seq)]).first.flatMap { Hash256(bytes: try $0.bytes("hash")) }
    }

    func entries(of key: RecordKey) async throws -> [JournalEntry] {
        try await edits(of: key, in: "applied")
    }

    func quarantinedEdits(of key: RecordKey) async throws -> [JournalEntry] {
        try await edits(of: key, in: "quarantined")
    }

    /// The edits of one record in `state` (applied or quarantined), in arrival order.
    private func edits(of key: RecordKey, in state: String) async throws -> [JournalEntry] {
        let rows = try await session.rows("""
            SELECT origin, epoch, seq, body FROM journal
            WHERE record_type = $1 AND record_id = $2 AND state = $3 AND kind = 1 ORDER BY position
            """, [key.type.rawValue, key.id, state])
        // One record's edits: its case key (when it has one) is read once.
        let caseKey = rows.isEmpty || key.type != .caseFile ? nil : (try? await self.caseKey(key.id)) ?? nil
        return try rows.map { row in try edit(row) { record in record == key ? caseKey : nil } }
    }

    /// The applied edit a row holds, opened with `key` when it is sealed.
    func edit(_ row: PostgresRecord, key: (RecordKey) -> SymmetricKey?) throws -> JournalEntry {
        guard let node = NodeID(try row.text("origin")), let epoch = UInt32(exactly: try row.int("epoch")), epoch >= 1, epoch <= ReplicaID.maxEpoch,
              let seq = UInt64(exactly: try row.int("seq")), let blob = try row.optionalBytes("body")
        else { throw StoreError.corrupt("a journal row's identity or body is malformed") }
        let id = EntryID(replica: ReplicaID(node, epoch: epoch), seq: seq)
        do {
            return try JournalEntry.read(id: id, body: try EntryBody(blob: blob), key: key)
        } catch {
            throw StoreError.corrupt("applied entry \(id) cannot be read: \(error)")
        }
    }

    func documentText(_ key: RecordKey) async throws -> String? {
        try await session.row("SELECT document FROM records WHERE record_type = $1 AND record_id = $2", [key.type.rawValue, key.id])
            .map { try openDocument(try $0.bytes("document"), of: key) }
    }

    func records(of type: RecordType, after: String?, limit: Int) async throws -> Page<String> {
        let rows = try await session.rows(
            "SELECT record_id, document FROM records WHERE record_type = $1 AND record_id > $2 ORDER BY record_id LIMIT $3",
            [type.rawValue, after ?? "", limit + 1])
        let page = rows.prefix(limit)
        return Page(items: try page.map { try openDocument(try $0.bytes("document"), of: RecordKey(type, try $0.text("record_id"))) },
                    next: rows.count > limit ? try page.last.map { try $0.text("record_id") } : nil)
    }

    func locationKeys(_ id: String) async throws -> [String: SymmetricKey] {
        if let known = pending.locationKeys[id] { return known }
        var keys: [String: SymmetricKey] = [:]
        for row in try await session.rows("SELECT key_id, sealed FROM location_keys WHERE record_id = $1", [id]) {
            let keyID = try row.text("key_id")
            keys[keyID] = SymmetricKey(data: try openVault().open(try row.bytes("sealed"), context: "location key \(id) \(keyID)"))
        }
        return keys
    }

    func caseKey(_ id: String) async throws -> SymmetricKey? {
        if let known = pending.caseKeys[id] { return known }
        let key = try await session.row("SELECT sealed FROM case_keys WHERE record_id = $1", [id]).map { sealed in
            SymmetricKey(data: try openVault().open(try sealed.bytes("sealed"), context: "case key \(id)"))
        }
        pending.caseKeys[id] = .some(key)
        return key
    }

    func recordKeys() async throws -> [RecordKey] {
        try await session.rows("SELECT record_type, record_id FROM records ORDER BY record_type, record_id").compactMap { row in
            try RecordType(rawValue: try row.text("record_type")).map { RecordKey($0, try row.text("record_id")) }
        }
    }

    func conflicts(_ filter: ConflictFilter, after: String?, limit: Int) async throws -> Page<StoredConflict> {
        var sql = "SELECT * FROM conflicts WHERE status = $1 AND id > $2"
        var arguments: [any PostgresArgument] = [filter.status.rawValue, after ?? ""]
        func add(_ condition: String, _ value: any PostgresArgument) {
            arguments.append(value)
            sql += " AND \(condition) $\(arguments.count)"
        }
        if let department = filter.department { add("department =", department) }
        if let type = filter.recordType { add("record_type =", type.rawValue) }
        if let prefix = filter.fieldPrefix { add("starts_with(field,", prefix); sql += ")" }
        if let cutoff = filter.firstAtOrBefore { add("first_at <=", RFC3339.format(millis: cutoff)) }
        arguments.append(limit + 1)
        sql += " ORDER BY id LIMIT $\(arguments.count)"
        let rows = try await session.rows(sql, arguments).compactMap(conflict)
        let page = Array(rows.prefix(limit))
        return Page(items: page, next: rows.count > limit ? page.last?.id : nil)
    }

    func conflict(id: String) async throws -> StoredConflict? {
        try await session.row("SELECT * FROM conflicts WHERE id = $1", [id]).flatMap(conflict)
    }

    func conflicts(of key: RecordKey) async throws -> [StoredConflict] {
        try await session.rows("SELECT * FROM conflicts WHERE record_type = $1 AND record_id = $2 ORDER BY id", [key.type.rawValue, key.id])
            .compactMap(conflict)
    }

    func conflictLocation(id: String) async throws -> ConflictLocation? {
        guard let row = try await session.row("SELECT * FROM conflict_ids WHERE id = $1", [id]),
              let type = RecordType(rawValue: try row.text("record_type"))
        else { return nil }
        return ConflictLocation(key: RecordKey(type, try row.text("record_id")), field: try row.text("field"))
    }

    func openConflictsByDepartment() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await session.rows("SELECT department, COUNT(*) AS n FROM conflicts WHERE status = 'open' GROUP BY department") {
            counts[try row.optionalText("department") ?? "SIN_DEPARTAMENTO", default: 0] += Int(try row.int("n"))
        }
        return counts
    }

    func oldestOpenConflictAt() async throws -> Int64? {
        try await session.value("SELECT MIN(first_at) FROM conflicts WHERE status = 'open'", as: String.self).flatMap(RFC3339.parseTimestamp)
    }

    func lastFolioNumber(node: String, year: Int) async throws -> Int {
        Int(try await session.value("SELECT last FROM folio_counters WHERE node = $1 AND year = $2", [node, year], as: Int64.self) ?? 0)
    }

    func directory() async throws -> Directory {
        var directory = Directory()
        for row in try await session.rows("SELECT * FROM directory ORDER BY node") {
            guard let node = NodeID(try row.text("node")) else { continue }
            let epoch = min(UInt32(clamping: try row.int("epoch")), ReplicaID.maxEpoch)
            directory.apply(DirectoryEvent(kind: .enrollment, node: node, department: try row.optionalText("department"),
                                           effectiveFrom: epoch == 0 ? nil : EntryID(replica: ReplicaID(node, epoch: epoch), seq: 1), at: 0))
            if try row.int("revoked") != 0 { directory.apply(DirectoryEvent(kind: .revocation, node: node, at: 0)) }
        }
        for row in try await session.rows("SELECT * FROM directory_keys ORDER BY node, from_epoch, from_seq") {
            guard let node = NodeID(try row.text("node")), let epoch = UInt32(exactly: try row.int("from_epoch")), epoch >= 1, epoch <= ReplicaID.maxEpoch,
                  let seq = UInt64(exactly: try row.int("from_seq"))
            else { continue }
            directory.apply(DirectoryEvent(
                kind: .keys, node: node, signingKey: try row.bytes("signing"), agreementKey: try row.bytes("agreement"),
                effectiveFrom: EntryID(replica: ReplicaID(node, epoch: epoch), seq: seq), at: 0))
        }
        return directory
    }

    func quarantined(after position: Int64, limit: Int) async throws -> [QuarantinedEntry] {
        try await session.rows("""
            SELECT position, origin, epoch, seq, reason FROM journal
            WHERE state = 'quarantined' AND position > $1 ORDER BY position LIMIT $2
            """, [position, limit]
        ).map { row in
            QuarantinedEntry(position: try row.int("position"), id: try PostgresJournal.entryName(row), reason: try row.optionalText("reason") ?? "")
        }
    }

    /// Visits every entry in journal order, a thousand rows at a time.
    func forEachEntry(_ body: (StoredEntryRow) async throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let rows = try await session.rows("SELECT * FROM journal WHERE position > $1 ORDER BY position LIMIT 1000", [after])
            for row in rows { try await body(try PostgresJournal.storedRow(row)) }
            guard let last = rows.last, rows.count == 1000 else { return }
            after = try last.int("position")
        }
    }

    /// A row's entry id as text (`origin:seq`, `origin~epoch:seq`).
    static func entryName(_ row: PostgresRecord) throws -> String {
        let epoch = try row.int("epoch")
        let origin = try row.text("origin")
        let seq = try row.int("seq")
        return epoch == 1 ? "\(origin):\(seq)" : "\(origin)~\(epoch):\(seq)"
    }

    static func storedRow(_ row: PostgresRecord) throws -> StoredEntryRow {
        let state: EntryState = switch try row.text("state") {
        case "applied": .applied
        case "stub": .stub
        default: .quarantined(try row.optionalText("reason") ?? "")
        }
        return StoredEntryRow(
            position: try row.int("position"), origin: try row.text("origin"), epoch: try row.int("epoch"), seq: try row.int("seq"),
            envelope: try row.bytes("envelope"), hash: try row.bytes("hash"), body: try row.optionalBytes("body"),
            recordType: try row.optionalText("record_type"), recordID: try row.optionalText("record_id"), atMillis: try row.optionalInt("at_ms"),
            state: state)
    }

    func anchorKey() async throws -> [UInt8]? {
        try await session.row("SELECT central_key FROM anchor").map { try $0.bytes("central_key") }
    }

    func heads() async throws -> [StoredHead] {
        try await session.rows("SELECT * FROM chain_heads ORDER BY origin, epoch, seq").compactMap(PostgresJournal.head)
    }

    static func head(_ row: PostgresRecord) throws -> StoredHead? {
        guard let node = NodeID(try row.text("origin")), let epoch = UInt32(exactly: try row.int("epoch")), epoch >= 1, epoch <= ReplicaID.maxEpoch,
              let seq = UInt64(exactly: try row.int("seq")), let hash = Hash256(bytes: try row.bytes("hash"))
        else { return nil }
        return StoredHead(id: EntryID(replica: ReplicaID(node, epoch: epoch), seq: seq), hash: hash, signature: try row.bytes("signature"))
    }

    func conflict(_ row: PostgresRecord) throws -> StoredConflict? {
        guard let type = RecordType(rawValue: try row.text("record_type")), let status = Conflict.Status(rawValue: try row.text("status")) else {
            return nil
        }
        let firstAt = try row.optionalText("first_at").flatMap(RFC3339.parseTimestamp) ?? 0
        let id = try row.text("id")
        let json = String(decoding: try openVault().open(try row.bytes("body"), context: "conflict \(id)"), as: UTF8.self)
        return StoredConflict(id: id, key: RecordKey(type, try row.text("record_id")), field: try row.text("field"), status: status,
                              department: try row.optionalText("department"), firstAt: firstAt, json: json)
    }
}
