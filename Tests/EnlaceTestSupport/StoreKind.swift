import EnlaceDemo
import EnlaceModel
import EnlaceStore
import Foundation

/// The store implementations the contract tests run against.
public struct StoreKind: Sendable, CustomStringConvertible {
    public let description: String
    private let factory: @Sendable (TemporaryFolder) async throws -> any ReplicaStore
    private let folder: @Sendable () throws -> TemporaryFolder

    /// A fresh, empty store of this kind (its folder lives as long as the store is used).
    public func make() async throws -> any ReplicaStore {
        let folder = try self.folder()
        return StoreInFolder(store: try await factory(folder), folder: folder)
    }

    /// SQLite in a temporary folder.
    public static let sqlite = StoreKind(
        description: "sqlite", factory: { folder in try JournalStore(path: folder.sub("journal.sqlite"), create: true, keys: [ReplicaKey.generate()]) },
        folder: { try TemporaryFolder() })

    /// PostgreSQL: a new database on the test server for each store.
    public static let postgres = StoreKind(
        description: "postgresql", factory: { _ in try await TestPostgres.newStore() }, folder: { try TemporaryFolder() })

    /// Every implementation available here: PostgreSQL when `ENLACE_TEST_POSTGRES` names a
    /// server (`make test` starts one).
    public static let all: [StoreKind] = TestPostgres.server == nil ? [.sqlite] : [.sqlite, .postgres]
}

/// The PostgreSQL server the tests use, from `ENLACE_TEST_POSTGRES` (a superuser's URL).
public enum TestPostgres {
    public static let server: PostgresLocation? = ProcessInfo.processInfo.environment["ENLACE_TEST_POSTGRES"]
        .flatMap { try? PostgresLocation(url: $0) }

    /// Whether the end-to-end suites run their central servers on PostgreSQL
    /// (`ENLACE_CENTRAL_STORE=postgresql`, the second pass of `make test`).
    public static var centralsUsePostgres: Bool {
        server != nil && ProcessInfo.processInfo.environment["ENLACE_CENTRAL_STORE"] == "postgresql"
    }

    /// A new, empty database on the test server.
    public static func newDatabase() async throws -> PostgresLocation {
        guard let server else { throw StoreError.unavailable("ENLACE_TEST_POSTGRES names no PostgreSQL server") }
        let name = "enlace_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased()
        return try await PostgresStore.createDatabase(name, on: server)
    }

    /// The first column of the first row `sql` answers on `database`, through psql (what a test
    /// reads of the server beside the store: its locks, say).
    public static func scalar(_ sql: String, on database: PostgresLocation) throws -> String {
        let result = try runCapturing("/usr/bin/psql", [database.url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw StoreError.unavailable("psql failed (\(result.status)): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A new central-store-shaped PostgreSQL store in a database of its own.
    public static func newStore(keys: [ReplicaKey] = [ReplicaKey.generate()]) async throws -> PostgresStore {
        try await PostgresStore(location: try newDatabase(), create: true, keys: keys)
    }
}

/// A store that keeps its temporary folder alive.
public struct StoreInFolder: ReplicaStore {
    public let store: any ReplicaStore
    let folder: TemporaryFolder

    public func write<T: Sendable>(_ body: sending (any ReplicaTransaction) async throws -> T) async throws -> T { try await store.write(body) }
    public func read<T: Sendable>(_ body: sending (any JournalReading & KeyReading) async throws -> T) async throws -> T { try await store.read(body) }
    public func identity() async throws -> ReplicaIdentity { try await store.identity() }
    public func verify() async throws -> VerifyReport { try await store.verify() }
    public func rebuild() async throws -> RebuildReport { try await store.rebuild() }
}

/// The central store implementations the central contract tests run against.
public struct CentralStoreKind: Sendable, CustomStringConvertible {
    public let description: String
    private let factory: @Sendable (TemporaryFolder, ReplicaKey) async throws -> any CentralStore

    /// A fresh central store, initialised as the central server's with `key` as its anchor, and
    /// the folder it lives in (keep it as long as the store is used).
    public func make(key: ReplicaKey = .generate()) async throws -> (store: any CentralStore, folder: TemporaryFolder) {
        let folder = try TemporaryFolder()
        return (try await factory(folder, key), folder)
    }

    static let centralIdentity = ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: "2026-12-01T00:00:00Z")

    public static let sqlite = CentralStoreKind(description: "sqlite") { folder, key in
        let store = try JournalStore(path: folder.sub("journal.sqlite"), create: true, keys: [key])
        try await store.initialize(centralIdentity)
        try await store.setStoreID("store-sqlite")
        try await store.setAnchorKey(key.signingPublicKey)
        return store
    }

    public static let postgres = CentralStoreKind(description: "postgresql") { _, key in
        let store = try await TestPostgres.newStore(keys: [key])
        try await store.initialize(centralIdentity)
        try await store.setStoreID("store-postgres")
        try await store.setAnchorKey(key.signingPublicKey)
        return store
    }

    /// Every implementation available here.
    public static let all: [CentralStoreKind] = TestPostgres.server == nil ? [.sqlite] : [.sqlite, .postgres]
}

/// The node store implementations the node contract tests run against (SQLite: a field node's
/// store is always a file on its machine).
public struct NodeStoreKind: Sendable, CustomStringConvertible {
    public let description: String
    private let factory: @Sendable (TemporaryFolder, ReplicaKey, ReplicaIdentity) async throws -> any NodeStore

    public func make(node: String = "dif-01", department: String = "DIF", key: ReplicaKey = .generate()) async throws
        -> (store: any NodeStore, folder: TemporaryFolder)
    {
        let folder = try TemporaryFolder()
        let identity = ReplicaIdentity(nodeID: NodeID(node)!, department: department, centralURL: "http://127.0.0.1:9", token: "t",
                                       createdAt: "2026-12-01T00:00:00Z")
        return (try await factory(folder, key, identity), folder)
    }

    public static let sqlite = NodeStoreKind(description: "sqlite") { folder, key, identity in
        let store = try JournalStore(path: folder.sub("journal.sqlite"), create: true, keys: [key])
        try await store.initialize(identity)
        return store
    }

    public static let all: [NodeStoreKind] = [.sqlite]
}
