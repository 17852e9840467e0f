import ArgumentParser
import EnlaceCentral
import EnlaceConfig
import EnlaceModel
import EnlaceStore
import Foundation
import Logging

/// `enlace central init|run|enroll|user add`.
struct CentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central", abstract: "Create and run the central server; enroll nodes and office users.",
        subcommands: [Init.self, Run.self, Enroll.self, Revoke.self, User.self, Audit.self, Backup.self, Restore.self, ArcoCommand.self])

    /// Who runs a local administration command, for the audit log.
    static var localActor: String {
        let environment = ProcessInfo.processInfo.environment
        return "cli:" + (environment["SUDO_USER"] ?? environment["USER"] ?? "\(getuid())")
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a node's token: its pushes and pulls get 401 at once; its accepted entries stay valid history.")
        @OptionGroup var options: DataOptions
        @Option(help: "The node's id.") var nodeId: String

        func run() throws {
            try reporting {
                let server = try CentralSetup.open(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let count = try server.revoke(.node, subject: nodeId, by: CentralCommand.localActor)
                guard count > 0 else { throw CLIError.usage("node \(nodeId) has no live token to revoke") }
                print(options.json ? JSONValue.object(["node_id": .string(nodeId), "revoked": true]).canonicalText
                      : "node \(nodeId) revoked")
            }
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the audit log (enrollments, revocations, resolutions, office reads) and check its hash chain.")
        @OptionGroup var options: DataOptions

        func run() throws {
            try reporting {
                let server = try CentralSetup.open(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let rows = try server.storage.auditRows()
                let broken = AuditLog.firstBrokenRow(rows)
                if options.json {
                    print(JSONValue.object([
                        "rows": .array(rows.map { row in
                            ["position": .int(row.position), "at": .string(row.at), "actor": .string(row.actor),
                             "action": .string(row.action), "subject": .string(row.subject),
                             "detail": (try? JSONValue.parse(row.detail)) ?? .string(row.detail), "hash": .string(row.hash)]
                        }),
                        "intact": .bool(broken == nil),
                    ]).canonicalText)
                } else {
                    print(TextTable(header: ["#", "at", "actor", "action", "subject"], rows: rows.map {
                        [String($0.position), $0.at, $0.actor, $0.action, $0.subject]
                    }).render())
                    if broken == nil { print("audit log intact: \(rows.count) rows, hash chain verified") }
                }
                if let broken {
                    throw CLIError.operational("audit log damaged at row \(broken.position): \(broken.reason)")
                }
            }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a consistent copy of the central store to a file, while the server runs.")
        @OptionGroup var options: DataOptions
        @Option(help: "The copy to write (must not exist). Keep DIR/central.key safe too: the copy is useless without it.")
        var to: String

        func run() throws {
            try reporting {
                let copy = try CentralBackup.backup(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl, to: to)
                print(options.json ? JSONValue.object(["file": .string(to), "entries": .int(Int64(copy.entries)),
                                                       "bytes": .int(Int64(copy.bytes))]).canonicalText
                      : "central store copied to \(to): \(copy.entries) journal entries, \(copy.bytes) bytes")
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a copy made by `central backup` back (server stopped); the central server goes on in a new epoch.")
        @OptionGroup var options: DataOptions
        @Option(help: "The copy to restore (SQLite). A PostgreSQL store is restored with PostgreSQL's tools, then this runs without --from.")
        var from: String?

        func run() throws {
            try reporting {
                let report = try CentralBackup.restore(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl,
                                                       from: from, actor: CentralCommand.localActor)
                if options.json {
                    print(JSONValue.object([
                        "epoch": .int(Int64(report.epoch)), "store_id": .string(report.storeID),
                        "carried_credentials": .int(Int64(report.carriedCredentials)), "reerased": .int(Int64(report.reerased)),
                        "replaced_store_kept_at": report.keptAt.map(JSONValue.string) ?? .null,
                        "warnings": .array(report.warnings.map(JSONValue.string)),
                    ]).canonicalText)
                } else {
                    print("restored \(from ?? "the database"): the central server writes in epoch \(report.epoch) (store \(report.storeID)); "
                        + "\(report.carriedCredentials) credential changes since the copy kept in force")
                    if report.reerased > 0 { print("\(report.reerased) erasure(s) ordered after the copy applied again") }
                    if let kept = report.keptAt { print("the replaced store is kept at \(kept)") }
                    for warning in report.warnings { print("warning: \(warning)") }
                }
            }
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a central store.")
        @OptionGroup var options: DataOptions

        func run() throws {
            try reporting {
                let server = try CentralSetup.initialize(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let storeID = try server.storage.storeID()
                print(options.json ? JSONValue.object(["data": .string(options.data), "store_id": .string(storeID)]).canonicalText
                      : "central store \(storeID) created in \(options.data)")
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the central API.",
            discussion: "Settings come from flags, then ENLACE_<KEY> environment variables, then --config FILE (see config/central.conf).")

        static let keys: Set<String> = [
            "data", "listen", "log_level", "max_body_bytes", "max_batch", "tls_certificate", "tls_key", "idle_timeout",
            "request_timeout", "max_connections", "max_connections_per_client", "trusted_proxies", "credentials", "database_url",
        ]

        @Option(help: "The central store's folder (default /var/lib/enlace/central).") var data: String?
        @Option(help: "The folder holding central.key (default $CREDENTIALS_DIRECTORY when it holds it, else the data folder).")
        var credentials: String?
        @Option(help: "A configuration file (key = value lines).") var config: String?
        @Option(help: "The central store's PostgreSQL database, postgresql://user@host:port/db (default: what `central init` recorded in the data folder, else SQLite there).")
        var databaseUrl: String?
        @Option(help: "Address to listen on, HOST:PORT (default 127.0.0.1:8443).") var listen: String?
        @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String?
        @Option(help: "Largest request body in bytes (default 32 MiB).") var maxBodyBytes: Int?
        @Option(help: "Most entries in one push (default 5000).") var maxBatch: Int?
        @Option(help: "Seconds a connection may wait without a request (default 30).") var idleTimeout: Double?
        @Option(help: "Seconds to read a whole request after its head (default 60).") var requestTimeout: Double?
        @Option(help: "Connections served at once (default 512).") var maxConnections: Int?
        @Option(help: "Connections one client address may hold at once (default 32; trusted proxies are exempt).")
        var maxConnectionsPerClient: Int?
        @Option(help: "Comma-separated addresses of load balancers whose X-Forwarded-For names the client.") var trustedProxies: String?
        @Option(help: "PEM certificate (chain) to serve HTTPS with (with --tls-key).") var tlsCertificate: String?
        @Option(help: "PEM private key of the certificate.") var tlsKey: String?

        func run() async throws {
            let logger: Logger
            var options = CentralListenOptions()
            let dataDirectory: String
            let keys: KeyFolder
            let databaseURL: String?
            do {
                let settings = Settings(file: try config.map { path throws(ConfigError) in try ConfigFile(path: path, keys: Run.keys) })
                dataDirectory = settings.string("data", flag: data, default: "/var/lib/enlace/central")!
                keys = KeyFolder.resolve(explicit: settings.string("credentials", flag: credentials), dataDirectory: dataDirectory,
                                         keyName: "central")
                databaseURL = settings.string("database_url", flag: databaseUrl)
                logger = try DaemonLogging.logger("enlace.central", level: settings.string("log_level", flag: logLevel, default: "info")!)
                let address = settings.string("listen", flag: listen, default: "127.0.0.1:8443")!
                guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
                      let number = Int(address[address.index(after: colon)...]), (0...65535).contains(number)
                else { throw ConfigError("listen '\(address)': expected HOST:PORT") }
                options.host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                options.port = number
                let certificate = settings.string("tls_certificate", flag: tlsCertificate)
                let key = settings.string("tls_key", flag: tlsKey)
                switch (certificate, key) {
                case (let certificate?, let key?): options.tls = (certificate, key)
                case (nil, nil): options.tls = nil
                default: throw ConfigError("tls_certificate and tls_key go together: give both to serve HTTPS, or neither")
                }
                options.maxBodyBytes = try settings.int("max_body_bytes", flag: maxBodyBytes, default: 32 << 20, range: 1024...(1 << 30))
                options.maxBatch = try settings.int("max_batch", flag: maxBatch, default: 5000, range: 1...100_000)
                options.idleTimeoutSeconds = try settings.double("idle_timeout", flag: idleTimeout, default: 30, range: 0.1...3600)
                options.requestTimeoutSeconds = try settings.double("request_timeout", flag: requestTimeout, default: 60, range: 0.1...3600)
                options.maxConnections = try settings.int("max_connections", flag: maxConnections, default: 512, range: 1...100_000)
                options.maxConnectionsPerClient = try settings.int("max_connections_per_client", flag: maxConnectionsPerClient, default: 32,
                                                                   range: 1...100_000)
                options.trustedProxies = Set((settings.string("trusted_proxies", flag: trustedProxies) ?? "")
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            } catch let error as ConfigError {
                FileHandle.standardError.write(Data("enlace: \(error)\n".utf8))
                throw ExitCode(2)
            }
            do {
                try await CentralDaemon.run(dataDirectory: dataDirectory, keys: keys, databaseURL: databaseURL, options: options, logger: logger)
            } catch {
                FileHandle.standardError.write(Data("enlace: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Enroll: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a field node and print its token (shown once).")
        @OptionGroup var options: DataOptions
        @Option(help: "The node's id.") var nodeId: String
        @Option(help: "Its department.") var department: String

        func validate() throws {
            guard NodeID.isValid(nodeId), nodeId != "central" else { throw ValidationError("--node-id '\(nodeId)': expected 1-32 of a-z, 0-9 and '-'") }
            guard Vocabulary.department.contains(department), department != "CENTRAL" else {
                throw ValidationError("--department '\(department)': expected one of \(Vocabulary.department.values.dropLast().joined(separator: ", "))")
            }
        }

        func run() throws {
            try reporting {
                let server = try CentralSetup.open(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let token = try server.enroll(nodeID: NodeID(nodeId)!, department: department, by: CentralCommand.localActor)
                print(options.json ? JSONValue.object(["node_id": .string(nodeId), "department": .string(department),
                                                       "token": .string(token)]).canonicalText
                      : "node \(nodeId) enrolled; its token (shown once): \(token)")
            }
        }
    }

    struct User: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Manage central-office users.", subcommands: [Add.self, Password.self, Revoke.self])

        struct Revoke: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke an office user's token at once.")
            @OptionGroup var options: DataOptions
            @Option(help: "The user's name.") var name: String

            func run() throws {
                try reporting {
                    let server = try CentralSetup.open(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl)
                    let count = try server.revoke(.user, subject: name, by: CentralCommand.localActor)
                    guard count > 0 else { throw CLIError.usage("user \(name) has no live token to revoke") }
                    print(options.json ? JSONValue.object(["name": .string(name), "revoked": true]).canonicalText : "user \(name) revoked")
                }
            }
        }

        /// One line of standard input, checked as a desk password.
        static func readPassword() throws -> String {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIError.usage("--password-stdin: give the password as one line on standard input")
            }
            if let weakness = PasswordHash.weakness(line) { throw CLIError.usage("--password-stdin: \(weakness)") }
            return line
        }

        struct Password: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set an office user's desk password, read from standard input (one line); ends the user's desk sessions.")
            @OptionGroup var options: DataOptions
            @Option(help: "The user's name.") var name: String

            func run() throws {
                try reporting {
                    let password = try CentralCommand.User.readPassword()
                    let server = try CentralSetup.open(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl)
                    try server.setPassword(user: name, password: password, by: CentralCommand.localActor)
                    print(options.json ? JSONValue.object(["name": .string(name), "password_set": true]).canonicalText
                          : "user \(name): desk password set")
                }
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add an office user and print the token (shown once).")
            @OptionGroup var options: DataOptions
            @Option(help: "The user's name.") var name: String
            @Option(help: "viewer, resolver or admin.") var role: String
            @Flag(help: "Also set the user's password for the office desk (/oficina/), read from standard input (one line).")
            var passwordStdin = false

            func validate() throws {
                guard Principal.Role(rawValue: role) != nil else { throw ValidationError("--role '\(role)': expected viewer, resolver or admin") }
                guard !name.isEmpty, name.utf8.count <= 128 else { throw ValidationError("--name must be 1 to 128 bytes of UTF-8") }
            }

            func run() throws {
                try reporting {
                    // Read and checked before the user exists: a bad password adds nobody.
                    let password = passwordStdin ? try CentralCommand.User.readPassword() : nil
                    let server = try CentralSetup.open(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl)
                    let token = try server.addUser(name: name, role: Principal.Role(rawValue: role)!, by: CentralCommand.localActor)
                    if let password { try server.setPassword(user: name, password: password, by: CentralCommand.localActor) }
                    print(options.json ? JSONValue.object(["name": .string(name), "role": .string(role), "token": .string(token)]).canonicalText
                          : "user \(name) (\(role)) added; token (shown once): \(token)")
                }
            }
        }
    }
}
