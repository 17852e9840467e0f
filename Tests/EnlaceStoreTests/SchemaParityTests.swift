import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import GRDB
import Testing

/// The two dialects' schemas are written apart (SQLite's migrations, PostgreSQL's DDL) and kept
/// in step by this test: every table the central server uses has the same columns in both, each
/// of the same kind and the same nullability. What only one side has is named here, with why.
@Suite("Schema parity")
struct SchemaParityTests {
    /// Tables only a field node uses: its sync checkpoints, enrollment, reissues after a
    /// restore, purges it owes, SQLite's one-writer unlock row, and the ventanilla's servant accounts,
    /// sessions and failed sign-ins. PostgreSQL serves only the
    /// central server.
    static let nodeOnly: Set<String> = ["sync_state", "enrollment", "reissue", "purge_pending", "journal_unlock", "servants", "servant_sessions", "servant_failures"]
    /// Each dialect's own migration ledger.
    static let ledgers: Set<String> = ["grdb_migrations", "schema_migrations"]
    /// Columns only one side has: the central server's agreement key, which a node keeps to
    /// seal case keys to it (the central server holds its private key); and the write
    /// generation by which PostgreSQL's several processes see each other's writes (SQLite has
    /// one writing process).
    static let oneSided: Set<String> = ["anchor.central_agreement", "replica.generation"]
    /// Columns whose declared kinds differ and why: SQLite declares TEXT for what became sealed
    /// bytes (its TEXT affinity keeps a BLOB as a BLOB); PostgreSQL says `bytea`.
    static let sealedAsText: Set<String> = ["records.document", "conflicts.body"]

    /// A column as both dialects can say it: its kind (integer, text, bytes, real) and whether
    /// it may be null.
    struct Column: Hashable, CustomStringConvertible {
        let table: String
        let name: String
        let kind: String
        let nullable: Bool
        var description: String { "\(table).\(name) \(kind)\(nullable ? "" : " not null")" }
    }

    static func kind(_ declared: String) -> String {
        let type = declared.lowercased()
        if type.contains("int") || type.contains("serial") { return "integer" }
        if type.contains("char") || type.contains("text") { return "text" }
        if type.contains("blob") || type.contains("bytea") { return "bytes" }
        if type.contains("real") || type.contains("double") || type.contains("float") { return "real" }
        if type.contains("bool") { return "boolean" }
        return type
    }

    static func sqliteColumns() throws -> Set<Column> {
        let folder = try TemporaryFolder()
        let path = folder.sub("journal.sqlite")
        _ = try JournalStore(path: path, create: true, keys: [ReplicaKey.generate()])
        let sql = try JournalStoreSQL(path: path)
        return try sql.queue.read { db in
            var columns: Set<Column> = []
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            for table in tables where !ledgers.contains(table) {
                for row in try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", arguments: [table]) {
                    // SQLite's INTEGER PRIMARY KEY is the rowid: never null, whatever it declares.
                    let notNull = (row["notnull"] as Int) == 1 || (row["pk"] as Int) > 0
                    columns.insert(Column(table: table, name: row["name"], kind: kind(row["type"]), nullable: !notNull))
                }
            }
            return columns
        }
    }

    static func postgresColumns() async throws -> Set<Column> {
        let location = try await TestPostgres.newDatabase()
        _ = try await PostgresStore(location: location, create: true, keys: [ReplicaKey.generate()])
        let text = try TestPostgres.scalar("""
            SELECT string_agg(table_name || '|' || column_name || '|' || data_type || '|' || is_nullable, E'\\n')
            FROM information_schema.columns WHERE table_schema = 'public'
            """, on: location)
        var columns: Set<Column> = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4, !ledgers.contains(parts[0]) else { continue }
            columns.insert(Column(table: parts[0], name: parts[1], kind: kind(parts[2]), nullable: parts[3] == "YES"))
        }
        return columns
    }

    @Test("every table both dialects hold has the same columns, kinds and nullability", .enabled(if: TestPostgres.server != nil))
    func identical() async throws {
        func comparable(_ column: Column) -> Column? {
            let name = "\(column.table).\(column.name)"
            if Self.oneSided.contains(name) { return nil }
            if Self.sealedAsText.contains(name) { return Column(table: column.table, name: column.name, kind: "bytes", nullable: column.nullable) }
            return column
        }
        let sqlite = Set(try Self.sqliteColumns().filter { !Self.nodeOnly.contains($0.table) }.compactMap(comparable))
        let postgres = await Set(try Self.postgresColumns().compactMap(comparable))
        #expect(sqlite.count > 100, "the SQLite schema was read (\(sqlite.count) columns)")
        let onlySQLite = sqlite.subtracting(postgres).sorted { $0.description < $1.description }
        let onlyPostgres = postgres.subtracting(sqlite).sorted { $0.description < $1.description }
        #expect(onlySQLite.isEmpty, "only in SQLite: \(onlySQLite)")
        #expect(onlyPostgres.isEmpty, "only in PostgreSQL: \(onlyPostgres)")
        let nodeTables = try Self.sqliteColumns().filter { Self.nodeOnly.contains($0.table) }.map(\.table)
        #expect(Set(nodeTables) == Self.nodeOnly, "every node-only table named here exists in SQLite")
    }
}
