import ArgumentParser
import EnlaceModel

/// The `enlace` command: field node, central server and the tools around them.
@main
struct Enlace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enlace",
        abstract: "Offline-first sync of AVGM cases and certifications between León's departments.",
        subcommands: [
            NodeCommand.self, StatusCommand.self, SyncCommand.self, CaseCommand.self, CertCommand.self,
            JournalCommand.self, SchemaCommand.self,
        ]
    )
}
