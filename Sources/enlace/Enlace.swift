import ArgumentParser
import EnlaceModel
import EnlaceProtocol
import Foundation

/// The `enlace` command: field node, central server and the tools around them.
@main
struct Enlace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enlace",
        abstract: "Offline-first sync of AVGM cases and certifications between León's departments.",
        version: Route.softwareVersion,
        subcommands: [
            NodeCommand.self, CentralCommand.self, StatusCommand.self, SyncCommand.self, CaseCommand.self, CertCommand.self,
            ConflictsCommand.self, DemoCommand.self,
            JournalCommand.self, SchemaCommand.self, ScopeCommand.self,
        ]
    )

    /// Parses and runs; usage errors exit 2 (INTERFACE.md), not argument-parser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
