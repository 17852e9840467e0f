import ArgumentParser
import EnlaceCentral
import EnlaceModel
import EnlaceNode
import EnlaceStore
import Foundation
import Logging

/// `enlace central init|run|enroll|user add`.
struct CentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central", abstract: "Create and run the central server; enroll nodes and office users.",
        subcommands: [Init.self, Run.self, Enroll.self, User.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a central store.")
        @OptionGroup var options: DataOptions

        func run() throws {
            try reporting {
                let server = try CentralServer.initialize(dataDirectory: options.data, now: FieldNode.systemMillis())
                let storeID = try server.store.storeID() ?? ""
                print(options.json ? JSONValue.object(["data": .string(options.data), "store_id": .string(storeID)]).canonicalText
                      : "central store \(storeID) created in \(options.data)")
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the central API.")
        @OptionGroup var options: DataOptions
        @Option(help: "Address to listen on, HOST:PORT.") var listen: String = "127.0.0.1:8443"
        @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"

        func validate() throws {
            guard let colon = listen.lastIndex(of: ":"), Int(listen[listen.index(after: colon)...]).map({ (0...65535).contains($0) }) == true,
                  colon != listen.startIndex
            else { throw ValidationError("--listen '\(listen)': expected HOST:PORT") }
        }

        func run() async throws {
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            var logger = Logger(label: "enlace.central")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let colon = listen.lastIndex(of: ":")!
            let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            do {
                try await CentralDaemon.run(dataDirectory: options.data, host: host,
                                            port: Int(listen[listen.index(after: colon)...])!, logger: logger)
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
                let server = try CentralServer.open(dataDirectory: options.data)
                let token = try server.enroll(nodeID: NodeID(nodeId)!, department: department, now: FieldNode.systemMillis())
                print(options.json ? JSONValue.object(["node_id": .string(nodeId), "department": .string(department),
                                                       "token": .string(token)]).canonicalText
                      : "node \(nodeId) enrolled; its token (shown once): \(token)")
            }
        }
    }

    struct User: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Manage central-office users.", subcommands: [Add.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add an office user and print the token (shown once).")
            @OptionGroup var options: DataOptions
            @Option(help: "The user's name.") var name: String
            @Option(help: "viewer, resolver or admin.") var role: String

            func validate() throws {
                guard Principal.Role(rawValue: role) != nil else { throw ValidationError("--role '\(role)': expected viewer, resolver or admin") }
                guard !name.isEmpty, name.count <= 128 else { throw ValidationError("--name must be 1 to 128 characters") }
            }

            func run() throws {
                try reporting {
                    let server = try CentralServer.open(dataDirectory: options.data)
                    let token = try server.addUser(name: name, role: Principal.Role(rawValue: role)!, now: FieldNode.systemMillis())
                    print(options.json ? JSONValue.object(["name": .string(name), "role": .string(role), "token": .string(token)]).canonicalText
                          : "user \(name) (\(role)) added; token (shown once): \(token)")
                }
            }
        }
    }
}
