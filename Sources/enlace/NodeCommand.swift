import ArgumentParser
import EnlaceConfig
import EnlaceProtocol
import EnlaceModel
import EnlaceNode
import EnlaceStore
import EnlaceSync
import Foundation
import Logging

/// `enlace node init|run`.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node", abstract: "Create and run a department's field node.",
        subcommands: [Init.self, Run.self, RotateKey.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a node's state; never contacts the central server.")

        @OptionGroup var options: DataOptions
        @Option(help: "This node's id (a-z, 0-9, '-'), e.g. c4-01.") var nodeId: String
        @Option(help: "The department: \(Vocabulary.department.values.dropLast().joined(separator: ", ")).") var department: String
        @Option(help: "The central server's URL (https://, or http:// on loopback).") var central: String
        @Option(help: "The token `enlace central enroll` printed for this node.") var token: String

        func validate() throws {
            guard NodeID.isValid(nodeId) else { throw ValidationError("--node-id '\(nodeId)': expected 1-32 of a-z, 0-9 and '-'") }
            guard Vocabulary.department.contains(department), department != "CENTRAL" else {
                throw ValidationError("--department '\(department)': expected one of \(Vocabulary.department.values.dropLast().joined(separator: ", "))")
            }
            if let problem = TransportPolicy.problem(centralURL: central) { throw ValidationError("--central: \(problem)") }
            do { _ = try EnrollmentToken.parse(token) } catch { throw ValidationError("--token: \(error.description)") }
        }

        func run() throws {
            try reporting {
                let identity = ReplicaIdentity(
                    nodeID: NodeID(nodeId)!, department: department, centralURL: central, token: token, createdAt: SystemClock.now)
                do {
                    try NodeSetup.initialize(dataDirectory: options.data, keys: options.keys("node"), identity: identity)
                } catch StoreError.alreadyInitialized {
                    throw CLIError.usage("an Enlace store already exists in \(options.data)")
                }
                if options.json {
                    print(JSONValue.object(["node_id": .string(nodeId), "department": .string(department),
                                            "data": .string(options.data)]).canonicalText)
                } else {
                    print("node \(nodeId) (\(department)) created in \(options.data)")
                }
            }
        }
    }

    struct RotateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Make the node a new key; the daemon binds it at the central server on its next round (audited there).",
            discussion: "The current key signs the rotation; from then on the new key signs every request and batch, and the old key is erased.")
        @OptionGroup var options: DataOptions

        func run() throws {
            try reporting {
                let keys = options.keys("node")
                guard FileManager.default.fileExists(atPath: keys.keyFile("node")) else {
                    throw CLIError.usage("no node key in \(keys.path): run `enlace node init` first (or name the key folder with --credentials)")
                }
                do {
                    _ = try ReplicaKey.create(at: NodeKeys.nextFile(in: keys.path))
                } catch let error as KeyError {
                    throw CLIError.usage("\(error); a rotation is already waiting for the next sync round")
                }
                print(options.json ? JSONValue.object(["rotation": "pending"]).canonicalText
                      : "new key made; the node daemon binds it at its next sync round (restart it if it runs)")
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the node daemon (local API on DIR/node.sock).",
            discussion: "Settings come from flags, then ENLACE_<KEY> environment variables, then --config FILE (see config/node.conf).")

        static let keys: Set<String> = [
            "data", "central_url", "log_level", "sync_interval", "sync_debounce", "backoff_initial", "backoff_max", "batch_size",
            "ca_file", "proxy", "http_listen", "request_timeout", "credentials",
        ]

        @Option(help: "The node's state folder (default /var/lib/enlace/node).") var data: String?
        @Option(help: "The folder holding the node's keys and token (default $CREDENTIALS_DIRECTORY when it holds node.key, else the data folder).")
        var credentials: String?
        @Option(help: "A configuration file (key = value lines).") var config: String?
        @Option(help: "The central server's URL, overriding the one given at `node init`.") var central: String?
        @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String?
        @Option(help: "Seconds between sync rounds when nothing happens (default 60).") var syncInterval: Double?
        @Option(help: "Seconds after a local write before its sync round (default 2).") var syncDebounce: Double?
        @Option(help: "First retry delay in seconds after a failed round; doubles with jitter (default 1).") var backoffInitial: Double?
        @Option(help: "Longest retry delay in seconds (default 300).") var backoffMax: Double?
        @Option(help: "Entries per push batch and pull page (default 500).") var batchSize: Int?
        @Option(help: "Seconds one request to the central server may take, and may stall, before it fails (default 120).")
        var requestTimeout: Double?
        @Option(help: "CA bundle that verifies the central server's certificate.") var caFile: String?
        @Option(help: "HTTP proxy for reaching the central server.") var proxy: String?
        @Option(help: "Also serve the local API on this loopback HOST:PORT (metrics scrapers, API fuzzers).") var httpListen: String?

        func run() async throws {
            let logger: Logger
            let sync: SyncConfiguration
            let dataDirectory: String
            let keys: KeyFolder
            let centralURL: String?
            var listen: (host: String, port: Int)?
            do {
                let settings = Settings(file: try config.map { path throws(ConfigError) in try ConfigFile(path: path, keys: Run.keys) })
                dataDirectory = settings.string("data", flag: data, default: "/var/lib/enlace/node")!
                keys = KeyFolder.resolve(explicit: settings.string("credentials", flag: credentials), dataDirectory: dataDirectory, keyName: "node")
                centralURL = settings.string("central_url", flag: central)
                if let centralURL, let problem = TransportPolicy.problem(centralURL: centralURL) { throw ConfigError("central_url: \(problem)") }
                if let address = settings.string("http_listen", flag: httpListen) {
                    guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
                          (1...65535).contains(port)
                    else { throw ConfigError("http_listen '\(address)': expected HOST:PORT") }
                    let host = String(address[..<colon])
                    guard TransportPolicy.isLoopback(host: host) else {
                        throw ConfigError("http_listen '\(address)': the local API may only listen on loopback")
                    }
                    listen = (host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
                }
                logger = try DaemonLogging.logger("enlace.node", level: settings.string("log_level", flag: logLevel, default: "info")!)
                var configuration = SyncConfiguration()
                configuration.interval = try settings.double("sync_interval", flag: syncInterval, default: 60, range: 0.01...86_400)
                configuration.debounce = try settings.double("sync_debounce", flag: syncDebounce, default: 2, range: 0...3600)
                configuration.backoffInitial = try settings.double("backoff_initial", flag: backoffInitial, default: 1, range: 0.01...3600)
                configuration.backoffMax = try settings.double("backoff_max", flag: backoffMax, default: 300, range: 0.01...86_400)
                configuration.batchSize = try settings.int("batch_size", flag: batchSize, default: 500, range: 1...5000)
                let timeout = try settings.double("request_timeout", flag: requestTimeout, default: 120, range: 0.5...3600)
                configuration.requestTimeoutMillis = Int(timeout * 1000)
                configuration.lowSpeedSeconds = min(configuration.lowSpeedSeconds, max(1, Int(timeout)))
                configuration.caFile = settings.string("ca_file", flag: caFile)
                configuration.proxy = settings.string("proxy", flag: proxy)
                guard configuration.backoffMax >= configuration.backoffInitial else {
                    throw ConfigError("backoff_max (\(configuration.backoffMax)) must not be below backoff_initial (\(configuration.backoffInitial))")
                }
                sync = configuration
            } catch let error as ConfigError {
                FileHandle.standardError.write(Data("enlace: \(error)\n".utf8))
                throw ExitCode(2)
            }
            do {
                try await NodeDaemon.run(dataDirectory: dataDirectory, keys: keys, centralURL: centralURL, listen: listen, sync: sync, logger: logger)
            } catch {
                FileHandle.standardError.write(Data("enlace: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
