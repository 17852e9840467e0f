import EnlaceModel
import EnlaceReplica
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// One leased connection: statements with `$1`-style parameters, rows read by column name.
/// Every statement is awaited, never waited for on a thread.
///
/// `send` pipelines a write whose answer nobody needs: it goes out at once and the caller goes
/// on; the connection runs statements in order, so later reads see it. Its failure is reported
/// by the next statement awaited, or by `flush` (every transaction flushes before COMMIT).
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    /// Writes sent and not yet waited for.
    let pending = PendingWrites()

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Sends a write without waiting for it (see the type's note).
    func send(_ sql: String, _ arguments: [any PostgresArgument] = []) throws {
        try sendHeldRows(before: sql)
        try sendStatement(sql, arguments)
    }

    /// Sends one statement without waiting for it; its answer is awaited with the others'.
    private func sendStatement(_ sql: String, _ arguments: [any PostgresArgument]) throws {
        pending.futures.append(connection.query(try query(sql, arguments), logger: logger))
    }

    /// Appends a journal row to those sent together, as one statement: when `heldRowsLimit` are
    /// held, before any statement that names the journal (so every read sees them, in order),
    /// and before COMMIT.
    func appendJournal(_ row: JournalInsert) throws {
        pending.journal.append(row)
        if pending.journal.count >= PostgresSession.heldRowsLimit { try sendJournalRows() }
    }

    /// Rows of one table held at most before they are sent.
    static let heldRowsLimit = 1000

    /// Sends the rows held for each table `sql` names (every table's when nil): a statement
    /// never reads or changes a table behind the rows written before it.
    private func sendHeldRows(before sql: String? = nil) throws {
        func due(_ table: String, holding: Bool) -> Bool { holding && (sql?.contains(table) ?? true) }
        if due("records", holding: !pending.records.isEmpty) { try sendRecordRows() }
        if due("case_keys", holding: !pending.caseKeys.isEmpty) { try sendCaseKeys() }
        if due("journal", holding: !pending.journal.isEmpty) { try sendJournalRows() }
        if due("folio_counters", holding: !pending.folios.isEmpty) { try sendFolios() }
        if due("scope_exits", holding: !pending.exitClears.isEmpty) { try sendExitClears() }
        if due("case_scope", holding: !pending.scopeChanges.isEmpty) || due("scope_counter", holding: !pending.scopeChanges.isEmpty) {
            try sendScopeChanges()
        }
    }

    /// Holds a raise of a node's folio counter for a year (to at least `number`), sent with the
    /// others as one statement — the highest number per node and year — before any statement
    /// that names the counters and before COMMIT.
    func raiseFolio(node: String, year: Int64, to number: Int64) {
        let key = "\(node)\u{0}\(year)"
        if let held = pending.folios[key], held.last >= number { return }
        pending.folios[key] = (node, year, number)
    }

    private func sendFolios() throws {
        let rows = Array(pending.folios.values)
        pending.folios.removeAll()
        try sendStatement("""
            INSERT INTO folio_counters (node, year, last) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
            ON CONFLICT (node, year) DO UPDATE SET last = GREATEST(folio_counters.last, excluded.last)
            """, [PostgresTextArray(rows.map(\.node)), PostgresIntArray(rows.map(\.year)), PostgresIntArray(rows.map(\.last))])
    }

    /// Holds the clearing of `node`'s scope exit from a case, sent with the others as one
    /// statement before any statement that names the exits and before COMMIT.
    func clearScopeExit(_ id: String, node: String) throws {
        pending.exitClears.append((id, node))
        if pending.exitClears.count >= PostgresSession.heldRowsLimit { try sendExitClears() }
    }

    private func sendExitClears() throws {
        let rows = pending.exitClears
        pending.exitClears.removeAll()
        try sendStatement("""
            DELETE FROM scope_exits WHERE (record_id, node) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            """, [PostgresTextArray(rows.map(\.id)), PostgresTextArray(rows.map(\.node))])
    }

    /// Holds one change of a case's scope — departments entering (1) or leaving (0) — which
    /// takes the next change number. Held changes go as one statement that takes a number per
    /// case, in the order they were held, before any statement that names the scope or its
    /// counter, before a second change of a held case, and before COMMIT.
    func changeScope(_ id: String, _ changes: [(department: String, inScope: Int64)]) throws {
        if pending.scopeCases.contains(id) { try sendScopeChanges() }
        pending.scopeCases.insert(id)
        pending.scopeChanges.append((id, changes))
        if pending.scopeChanges.count >= PostgresSession.heldRowsLimit { try sendScopeChanges() }
    }

    private func sendScopeChanges() throws {
        let held = pending.scopeChanges
        pending.scopeChanges.removeAll()
        pending.scopeCases.removeAll()
        var ids: [String] = [], departments: [String] = [], inScope: [Int64] = [], groups: [Int64] = []
        for (group, change) in held.enumerated() {
            for (department, value) in change.changes {
                ids.append(change.id)
                departments.append(department)
                inScope.append(value)
                groups.append(Int64(group + 1))
            }
        }
        try sendStatement("""
            WITH change AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS c(record_id, department, in_scope, grp)),
                 counter AS (UPDATE scope_counter SET last = last + $5 WHERE singleton = 1 RETURNING last)
            INSERT INTO case_scope (record_id, department, in_scope, changed)
            SELECT change.record_id, change.department, change.in_scope, counter.last - $5 + change.grp FROM counter, change
            ON CONFLICT (record_id, department) DO UPDATE SET in_scope = excluded.in_scope, changed = excluded.changed
            """, [PostgresTextArray(ids), PostgresTextArray(departments), PostgresIntArray(inScope), PostgresIntArray(groups),
                  Int64(held.count)])
    }

    /// Holds a record's materialised row, sent with the others as one statement before any
    /// statement that names the records and before COMMIT; a record saved twice is sent once,
    /// as last saved.
    func upsertRecord(_ row: RecordUpsert) throws {
        if let index = pending.recordIndex[row.key] {
            pending.records[index] = row
        } else {
            pending.recordIndex[row.key] = pending.records.count
            pending.records.append(row)
        }
        if pending.records.count >= PostgresSession.heldRowsLimit { try sendRecordRows() }
    }

    private func sendRecordRows() throws {
        let rows = pending.records
        pending.records.removeAll()
        pending.recordIndex.removeAll()
        try sendStatement("""
            INSERT INTO records (record_type, record_id, document, clock, entry_count, person_tag)
            SELECT r.record_type, r.record_id, r.document, r.clock, r.entry_count, CASE WHEN r.has_tag THEN r.person_tag END
            FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[], $5::bigint[], $6::bool[], $7::bytea[])
                 AS r(record_type, record_id, document, clock, entry_count, has_tag, person_tag)
            ON CONFLICT (record_type, record_id) DO UPDATE
            SET document = excluded.document, clock = excluded.clock, entry_count = excluded.entry_count, person_tag = excluded.person_tag
            """, [
                PostgresTextArray(rows.map(\.key.type.rawValue)), PostgresTextArray(rows.map(\.key.id)),
                PostgresArray(rows.map { ByteBuffer(bytes: $0.document) }), PostgresTextArray(rows.map(\.clock)),
                PostgresIntArray(rows.map(\.entryCount)), PostgresArray(rows.map { $0.personTag != nil }),
                PostgresArray(rows.map { ByteBuffer(bytes: $0.personTag ?? []) }),
            ])
    }

    /// Holds a case's sealed data key, sent with the others as one statement (`ON CONFLICT DO
    /// NOTHING`: a key already held stays) before any statement that names them and before COMMIT.
    func insertCaseKey(_ id: String, sealed: [UInt8]) throws {
        pending.caseKeys.append((id, sealed))
        if pending.caseKeys.count >= PostgresSession.heldRowsLimit { try sendCaseKeys() }
    }

    private func sendCaseKeys() throws {
        let rows = pending.caseKeys
        pending.caseKeys.removeAll()
        try sendStatement("""
            INSERT INTO case_keys (record_id, sealed) SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT DO NOTHING
            """, [PostgresTextArray(rows.map(\.id)), PostgresArray(rows.map { ByteBuffer(bytes: $0.sealed) })])
    }

    private func sendJournalRows() throws {
        let rows = pending.journal
        pending.journal.removeAll()
        // NULLs travel as flags beside non-null placeholders: arrays of optionals do not bind.
        try sendStatement("""
            INSERT INTO journal (origin, epoch, seq, envelope, hash, body, kind, record_type, record_id, at_ms, tick, state, reason)
            SELECT r.origin, r.epoch, r.seq, r.envelope, r.hash, CASE WHEN r.has_body THEN r.body END,
                   CASE WHEN r.has_kind THEN r.kind END, CASE WHEN r.has_record THEN r.record_type END,
                   CASE WHEN r.has_record THEN r.record_id END, CASE WHEN r.has_time THEN r.at_ms END,
                   CASE WHEN r.has_time THEN r.tick END, r.state, CASE WHEN r.has_reason THEN r.reason END
            FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bytea[], $5::bytea[], $6::bool[], $7::bytea[], $8::bool[],
                        $9::bigint[], $10::bool[], $11::text[], $12::text[], $13::bool[], $14::bigint[], $15::bigint[], $16::text[],
                        $17::bool[], $18::text[])
                 WITH ORDINALITY AS r(origin, epoch, seq, envelope, hash, has_body, body, has_kind, kind, has_record, record_type,
                                      record_id, has_time, at_ms, tick, state, has_reason, reason, ordinal)
            ORDER BY r.ordinal
            """, JournalInsert.columns(rows))
    }

    /// Drops the rows held (the transaction rolls back).
    func discardHeldRows() {
        pending.journal.removeAll()
        pending.records.removeAll()
        pending.recordIndex.removeAll()
        pending.caseKeys.removeAll()
        pending.folios.removeAll()
        pending.exitClears.removeAll()
        pending.scopeChanges.removeAll()
        pending.scopeCases.removeAll()
    }

    /// Sends the journal rows held and waits for every write sent; throws the first failure.
    func flush() async throws {
        try sendHeldRows()
        try await awaitSent()
    }

    /// Waits for every write sent; throws the first failure.
    private func awaitSent() async throws {
        let futures = pending.futures
        pending.futures.removeAll()
        var first: (any Error)?
        for future in futures {
            do { _ = try await future.get() } catch { first = first ?? error }
        }
        if let first { throw PostgresSession.translate(first) }
    }

    /// Sends every held row now (see `JournalTransaction.sendHeldWrites`).
    func sendHeld() throws {
        try sendHeldRows()
    }

    /// Runs several reads together: all are sent, then their rows are awaited in order, so they
    /// cost one round trip, not one each.
    func rowsTogether(_ statements: [(sql: String, arguments: [any PostgresArgument])]) async throws -> [[PostgresRecord]] {
        var futures: [EventLoopFuture<PostgresQueryResult>] = []
        for statement in statements {
            try sendHeldRows(before: statement.sql)
            futures.append(connection.query(try query(statement.sql, statement.arguments), logger: logger))
        }
        var results: [[PostgresRecord]] = []
        var first: (any Error)?
        for future in futures {
            do { results.append(try await future.get().rows.map { PostgresRecord(row: $0.makeRandomAccess()) }) } catch { first = first ?? error }
        }
        if let first {
            // As in `run`: a write sent earlier that failed is the error to report.
            discardHeldRows()
            try await awaitSent()
            throw PostgresSession.translate(first)
        }
        if !pending.futures.isEmpty { try await awaitSent() }
        return results
    }

    /// Runs a statement and returns its rows.
    @discardableResult
    func rows(_ sql: String, _ arguments: [any PostgresArgument] = []) async throws -> [PostgresRecord] {
        return try await run(sql, arguments).rows.map { PostgresRecord(row: $0.makeRandomAccess()) }
    }

    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [any PostgresArgument] = []) async throws -> Int {
        return try await run(sql, arguments).metadata.rows ?? 0
    }

    /// Runs several statements without parameters (a migration), one at a time: they are split
    /// at each `;` outside a `$$` body, and `--` comments are dropped.
    func script(_ sql: String) async throws {
        var statement = ""
        var inBody = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !inBody, trimmed.hasPrefix("--") { continue }
            statement += line + "\n"
            if line.components(separatedBy: "$$").count.isMultiple(of: 2) { inBody.toggle() }
            if !inBody, trimmed.hasSuffix(";") {
                try await execute(statement)
                statement = ""
            }
        }
        if !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { try await execute(statement) }
    }

    /// The first row, if any.
    func row(_ sql: String, _ arguments: [any PostgresArgument] = []) async throws -> PostgresRecord? {
        try await rows(sql, arguments).first
    }

    /// The first column of the first row (nil: no row, or NULL).
    func value<T: PostgresDecodable>(_ sql: String, _ arguments: [any PostgresArgument] = [], as type: T.Type = T.self) async throws -> T?
    where T._DecodableType == T {
        guard let first = try await run(sql, arguments).rows.first else { return nil }
        return try first.makeRandomAccess()[0].decode(T?.self, context: .default)
    }

    private func query(_ sql: String, _ arguments: [any PostgresArgument]) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments { try argument.bind(into: &bindings) }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    private func run(_ sql: String, _ arguments: [any PostgresArgument]) async throws -> PostgresQueryResult {
        try sendHeldRows(before: sql)
        let future: EventLoopFuture<PostgresQueryResult> = connection.query(try query(sql, arguments), logger: logger)
        do {
            let result = try await future.get()
            // Statements run in order: every write sent before this one has succeeded.
            if !pending.futures.isEmpty { try await awaitSent() }
            return result
        } catch {
            // A write sent earlier that failed aborted the transaction: that is the error to report.
            // Rows still held are dropped, not sent into the aborted transaction (their refusal
            // would hide the first failure).
            discardHeldRows()
            try await awaitSent()
            throw PostgresSession.translate(error)
        }
    }

    /// A PostgreSQL failure as a store error: what the server said, never the statement's values.
    static func translate(_ error: any Error) -> any Error {
        guard let psql = error as? PSQLError else { return error }
        if let server = psql.serverInfo {
            let message = server[.message] ?? "error"
            switch server[.sqlState] {
            case "23505": return StoreError.unavailable("PostgreSQL refused a duplicate: \(message)")
            case "53100": return StoreError.diskFull("PostgreSQL's disk is full: \(message)")
            case "P0001": return StoreError.corrupt(message)
            default: return StoreError.unavailable("PostgreSQL: \(message) (SQLSTATE \(server[.sqlState] ?? "?"))")
            }
        }
        return StoreError.unavailable("PostgreSQL connection failed: \(describe(psql))")
    }

    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] { return message }
        if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
        return "\(psql.code)"
    }
}

/// The futures of writes sent without waiting.
final class PendingWrites {
    var futures: [EventLoopFuture<PostgresQueryResult>] = []
    /// Journal rows not sent yet (`appendJournal`).
    var journal: [JournalInsert] = []
    /// Record rows not sent yet (`upsertRecord`), and where each record's row is among them.
    var records: [RecordUpsert] = []
    var recordIndex: [RecordKey: Int] = [:]
    /// Case keys not sent yet (`insertCaseKey`).
    var caseKeys: [(id: String, sealed: [UInt8])] = []
    /// Folio counters not raised yet (`raiseFolio`): the highest number per node and year.
    var folios: [String: (node: String, year: Int64, last: Int64)] = [:]
    /// Scope exits not cleared yet (`clearScopeExit`).
    var exitClears: [(id: String, node: String)] = []
    /// Scope changes not sent yet (`changeScope`), in order, and their cases.
    var scopeChanges: [(id: String, changes: [(department: String, inScope: Int64)])] = []
    var scopeCases: Set<String> = []
}

/// A record's materialised row to insert or replace.
struct RecordUpsert {
    let key: RecordKey, document: [UInt8], clock: String, entryCount: Int64, personTag: [UInt8]?
}

/// One journal row to insert, its NULL columns as nil.
struct JournalInsert {
    let origin: String, epoch: Int64, seq: Int64, envelope: [UInt8], hash: [UInt8], body: [UInt8]?
    let kind: Int64?, recordType: String?, recordID: String?, atMillis: Int64?, tick: Int64?, state: String, reason: String?

    /// The rows as the arrays `sendJournalRows` binds, column by column.
    static func columns(_ rows: [JournalInsert]) -> [any PostgresArgument] {
        func bytes(_ values: [[UInt8]]) -> PostgresArray<ByteBuffer> { PostgresArray(values.map { ByteBuffer(bytes: $0) }) }
        return [
            PostgresTextArray(rows.map(\.origin)), PostgresIntArray(rows.map(\.epoch)), PostgresIntArray(rows.map(\.seq)),
            bytes(rows.map(\.envelope)), bytes(rows.map(\.hash)),
            PostgresArray(rows.map { $0.body != nil }), bytes(rows.map { $0.body ?? [] }),
            PostgresArray(rows.map { $0.kind != nil }), PostgresIntArray(rows.map { $0.kind ?? 0 }),
            PostgresArray(rows.map { $0.recordType != nil && $0.recordID != nil }),
            PostgresTextArray(rows.map { $0.recordType ?? "" }), PostgresTextArray(rows.map { $0.recordID ?? "" }),
            PostgresArray(rows.map { $0.atMillis != nil && $0.tick != nil }),
            PostgresIntArray(rows.map { $0.atMillis ?? 0 }), PostgresIntArray(rows.map { $0.tick ?? 0 }),
            PostgresTextArray(rows.map(\.state)), PostgresArray(rows.map { $0.reason != nil }), PostgresTextArray(rows.map { $0.reason ?? "" }),
        ]
    }
}

/// An array parameter of any element type PostgreSQL's arrays carry.
struct PostgresArray<Element: PostgresArrayEncodable & PostgresNonThrowingEncodable>: PostgresArgument {
    let values: [Element]
    init(_ values: [Element]) { self.values = values }
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(values) }
}

/// A value bound to a statement parameter.
protocol PostgresArgument {
    func bind(into bindings: inout PostgresBindings) throws
}

extension String: PostgresArgument {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(self) }
}

extension Int: PostgresArgument {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(Int64(self)) }
}

extension Int64: PostgresArgument {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(self) }
}

/// Bytes go as `bytea`.
extension Array: PostgresArgument where Element == UInt8 {
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(ByteBuffer(bytes: self)) }
}

extension Optional: PostgresArgument where Wrapped: PostgresArgument {
    func bind(into bindings: inout PostgresBindings) throws {
        if let self { try self.bind(into: &bindings) } else { bindings.appendNull() }
    }
}

/// A `bigint[]` parameter.
struct PostgresIntArray: PostgresArgument {
    let values: [Int64]
    init(_ values: [Int64]) { self.values = values }
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(values) }
}

/// A `text[]` parameter.
struct PostgresTextArray: PostgresArgument {
    let values: [String]
    init(_ values: [String]) { self.values = values }
    func bind(into bindings: inout PostgresBindings) throws { bindings.append(values) }
}

/// A row, read by column name.
struct PostgresRecord {
    let row: PostgresRandomAccessRow

    subscript<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) -> T {
        get throws { try row[column].decode(T.self, context: .default) }
    }

    func text(_ column: String) throws -> String { try self[column] }
    func optionalText(_ column: String) throws -> String? { try self[column] }
    func int(_ column: String) throws -> Int64 { try self[column] }
    func optionalInt(_ column: String) throws -> Int64? { try self[column] }

    func bytes(_ column: String) throws -> [UInt8] {
        Array(try self[column, as: ByteBuffer.self].readableBytesView)
    }

    func optionalBytes(_ column: String) throws -> [UInt8]? {
        try self[column, as: ByteBuffer?.self].map { Array($0.readableBytesView) }
    }
}
