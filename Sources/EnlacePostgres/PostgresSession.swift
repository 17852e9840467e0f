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
        pending.futures.append(connection.query(try query(sql, arguments), logger: logger))
    }

    /// Waits for every write sent; throws the first failure.
    func flush() async throws {
        let futures = pending.futures
        pending.futures.removeAll()
        var first: (any Error)?
        for future in futures {
            do { _ = try await future.get() } catch { first = first ?? error }
        }
        if let first { throw PostgresSession.translate(first) }
    }

    /// Runs a statement and returns its rows.
    @discardableResult
    func rows(_ sql: String, _ arguments: [any PostgresArgument] = []) async throws -> [PostgresRecord] {
        try await run(sql, arguments).rows.map { PostgresRecord(row: $0.makeRandomAccess()) }
    }

    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [any PostgresArgument] = []) async throws -> Int {
        try await run(sql, arguments).metadata.rows ?? 0
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
        let future: EventLoopFuture<PostgresQueryResult> = connection.query(try query(sql, arguments), logger: logger)
        do {
            let result = try await future.get()
            // Statements run in order: every write sent before this one has succeeded.
            if !pending.futures.isEmpty { try await flush() }
            return result
        } catch {
            // A write sent earlier that failed aborted the transaction: that is the error to report.
            try await flush()
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
