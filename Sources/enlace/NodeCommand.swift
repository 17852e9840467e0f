import ArgumentParser
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
        subcommands: [Init.self, Run.self])

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
            if let problem = CentralURL.problem(central) { throw ValidationError("--central: \(problem)") }
            guard !token.isEmpty else { throw ValidationError("--token must not be empty") }
        }

        func run() throws {
            try reporting {
                try FileManager.default.createDirectory(
                    atPath: options.data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
                let path = JournalStore.file(in: options.data)
                if FileManager.default.fileExists(atPath: path) {
                    throw CLIError.usage("an Enlace store already exists in \(options.data)")
                }
                let store = try JournalStore(path: path, create: true)
                let identity = ReplicaIdentity(
                    nodeID: NodeID(nodeId)!, department: department, centralURL: central, token: token,
                    createdAt: RFC3339.format(millis: FieldNode.systemMillis()))
                try store.initialize(identity)
                chmod(path, 0o600)
                if options.json {
                    print(JSONValue.object(["node_id": .string(nodeId), "department": .string(department),
                                            "data": .string(options.data)]).canonicalText)
                } else {
                    print("node \(nodeId) (\(department)) created in \(options.data)")
                }
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the node daemon (local API on DIR/node.sock).")

        @OptionGroup var options: DataOptions
        @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"
        @Option(help: "Seconds between sync rounds when nothing happens.") var syncInterval: Double = 60
        @Option(help: "Seconds after a local write before its sync round.") var syncDebounce: Double = 2
        @Option(help: "First retry delay (seconds) after a failed round; doubles with jitter.") var backoffInitial: Double = 1
        @Option(help: "Longest retry delay (seconds).") var backoffMax: Double = 300
        @Option(help: "Entries per push batch and pull page.") var batchSize: Int = 500
        @Option(help: "CA bundle that verifies the central server's certificate.") var caFile: String?
        @Option(help: "HTTP proxy for reaching the central server.") var proxy: String?

        func validate() throws {
            guard syncInterval > 0, syncDebounce >= 0, backoffInitial > 0, backoffMax >= backoffInitial else {
                throw ValidationError("sync timings must be positive, with --backoff-max >= --backoff-initial")
            }
            guard (1...5000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 5000") }
            guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level '\(logLevel)' is not a level") }
        }

        func run() async throws {
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            var logger = Logger(label: "enlace.node")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            var sync = SyncConfiguration()
            sync.interval = syncInterval
            sync.debounce = syncDebounce
            sync.backoffInitial = backoffInitial
            sync.backoffMax = backoffMax
            sync.batchSize = batchSize
            sync.caFile = caFile
            sync.proxy = proxy
            do {
                try await NodeDaemon.run(dataDirectory: options.data, sync: sync, logger: logger)
            } catch {
                FileHandle.standardError.write(Data("enlace: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

/// Checks a central server URL: https, or plain http only on loopback.
enum CentralURL {
    static func problem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            return "'\(text)' is not a URL"
        }
        if scheme == "https" { return nil }
        guard scheme == "http" else { return "'\(text)': expected https:// (or http:// on loopback)" }
        let loopback = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        return loopback ? nil : "'\(text)': https:// is required for a central server that is not on loopback"
    }
}
