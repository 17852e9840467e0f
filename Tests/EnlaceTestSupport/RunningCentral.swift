#if canImport(Glibc)
import Glibc
#endif
import EnlaceHTTP
import EnlaceDemo
import EnlaceModel
import EnlaceStore
import Foundation

/// Which store a test's central server needs.
public enum StoreChoice: Sendable {
    /// Whichever the suite runs on (SQLite, or PostgreSQL in the second pass).
    case either
    /// SQLite: the test is about the SQLite file itself.
    case sqlite
    /// PostgreSQL: the test is about it (several central processes, its restore).
    case postgresql
}

/// A central server process on a free loopback port, with its store in a temporary folder.
public final class RunningCentral: @unchecked Sendable {
    public let folder: TemporaryFolder
    public let port: Int
    public var daemon: DaemonProcess?

    public var data: String { folder.sub("central") }
    public var scheme = "http"
    public var url: String { "\(scheme)://127.0.0.1:\(port)" }
    public var caFile: String?

    /// The folder holding central.key when it is kept outside the data folder.
    public let credentials: String?
    /// `--credentials DIR` for the CLI, when the key is kept outside the data folder.
    var keyArguments: [String] { credentials.map { ["--credentials", $0] } ?? [] }

    /// The PostgreSQL database of its store (nil: SQLite in the data folder).
    public let database: PostgresLocation?

    /// A central store in a new folder: SQLite, or PostgreSQL in a new database when the
    /// end-to-end suites run on PostgreSQL (`TestPostgres.centralsUsePostgres`) and `store`
    /// does not ask for SQLite (a test of SQLite's own backup, say).
    public init(credentials: String? = nil, store: StoreChoice = .either) async throws {
        folder = try TemporaryFolder()
        port = try RunningCentral.freePort()
        self.credentials = credentials
        switch store {
        case .sqlite: database = nil
        case .postgresql: database = try await TestPostgres.newDatabase()
        case .either: database = await TestPostgres.centralsUsePostgres ? try TestPostgres.newDatabase() : nil
        }
        // The URL is recorded in the data folder: every later command finds the store there.
        let result = try EnlaceBinary.run(["central", "init", "--data", folder.sub("central")] + (credentials.map { ["--credentials", $0] } ?? [])
            + (database.map { ["--database-url", "\($0.url)"] } ?? []))
        guard result.status == 0 else { throw CLIFailure(result: result) }
    }

    /// Another central process on the same PostgreSQL store, with a data folder of its own
    /// holding copies of the central key and of the recorded database URL (what a second
    /// machine behind the load balancer holds).
    public init(joining other: RunningCentral) throws {
        guard let database = other.database else { throw CLIFailure(message: "only a PostgreSQL central store is shared") }
        folder = try TemporaryFolder()
        port = try RunningCentral.freePort()
        credentials = nil
        self.database = database
        try FileManager.default.createDirectory(atPath: folder.sub("central"), withIntermediateDirectories: true)
        let key = KeyFolder.resolve(explicit: other.credentials, dataDirectory: other.data, keyName: "central").keyFile("central")
        try FileManager.default.copyItem(atPath: key, toPath: KeyFolder(path: folder.sub("central"), isDataFolder: true).keyFile("central"))
        try FileManager.default.copyItem(atPath: other.data + "/central.conf", toPath: folder.sub("central/central.conf"))
    }

    /// A central server on a copy of the SQLite data folder `fixture` (one an earlier release
    /// wrote), not started.
    public init(copying fixture: String) throws {
        folder = try TemporaryFolder()
        port = try RunningCentral.freePort()
        credentials = nil
        database = nil
        try FileManager.default.copyItem(atPath: fixture, toPath: folder.sub("central"))
        // A checkout gives files its umask's mode: the keys are made the owner's alone again, as an
        // admin restoring a copy does.
        try restrictKeys(in: folder.sub("central"))
    }

    public func start(_ extra: [String] = [], environment: [String: String] = [:]) throws {
        daemon = try DaemonProcess(["central", "run", "--data", data, "--listen", "127.0.0.1:\(port)"] + extra, log: folder.sub("central.log"),
                                   environment: environment)
        let deadline = Date().addingTimeInterval(30)
        var configuration = HTTPClientConfiguration()
        configuration.caFile = caFile
        let client = try HTTPClient(configuration: configuration)
        while Date() < deadline {
            if let response = try? client.perform(HTTPRequest(url: url + "/healthz")), response.status == 200 { return }
            usleep(50_000)
        }
        throw CLIFailure(message: "the central server did not become ready: \(daemon?.log ?? "")")
    }

    public func stop() {
        daemon?.signal(SIGTERM)
        daemon?.waitForExit()
        daemon = nil
    }

    /// Enrolls a node; returns its token.
    public func enroll(_ nodeID: String, _ department: String) throws -> String {
        let result = try EnlaceBinary.run(["central", "enroll", "--data", data, "--node-id", nodeID, "--department", department, "--json"]
            + keyArguments)
        guard result.status == 0 else { throw CLIFailure(result: result) }
        return try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))["token"]!.stringValue!
    }

    /// Enrolls a node and initialises it against this central server (not started).
    public func node(_ nodeID: String, _ department: String) throws -> RunningNode {
        try RunningNode(nodeID: nodeID, department: department, central: url, token: try enroll(nodeID, department))
    }

    /// Adds an office user; returns the token.
    public func user(_ name: String, role: String) throws -> String {
        let result = try EnlaceBinary.run(["central", "user", "add", "--data", data, "--name", name, "--role", role, "--json"] + keyArguments)
        guard result.status == 0 else { throw CLIFailure(result: result) }
        return try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))["token"]!.stringValue!
    }

    /// One authenticated request.
    public func request(_ method: String, _ path: String, token: String?, body: String? = nil) throws -> (status: Int, json: JSONValue) {
        var configuration = HTTPClientConfiguration()
        configuration.caFile = caFile
        let client = try JSONClient(baseURL: url, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [], configuration: configuration)
        let answer = try client.call(method, path, raw: body.map { Array($0.utf8) })
        return (answer.status, (try? JSONValue.parse(answer.body)) ?? .string(answer.text))
    }

    public static func freePort() throws -> Int { try freeLoopbackPort() }

    /// The central store, opened in this process with the central key (the server stopped, or
    /// PostgreSQL, which several processes share).
    public func openStore() async throws -> any CentralStore {
        let key = try ReplicaKey.load(from: KeyFolder.resolve(explicit: credentials, dataDirectory: data, keyName: "central").keyFile("central"))
        if let database { return try await PostgresStore(location: database, keys: [key]) }
        return try JournalStore(path: JournalStore.file(in: data), keys: [key])
    }

    /// Changes the store behind the server's back (to simulate tampering): `sqlite` statements
    /// on the SQLite file, or `postgres` ones on the database (through psql).
    public func tamper(sqlite: [String], postgres: [String]) throws {
        guard let database else {
            let file = try JournalStoreSQL(path: JournalStore.file(in: data))
            for statement in sqlite { try file.execute(statement) }
            return
        }
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [database.url, "-q", "-v", "ON_ERROR_STOP=1"] + postgres.flatMap { ["-c", $0] }
        try psql.run()
        psql.waitUntilExit()
        guard psql.terminationStatus == 0 else { throw CLIFailure(message: "psql failed (\(psql.terminationStatus)): \(postgres)") }
    }
}
