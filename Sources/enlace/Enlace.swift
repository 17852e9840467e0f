import ArgumentParser
import EnlaceModel
import EnlaceProtocol
import Foundation

/// The `enlace` command: field node, central server and the tools around them.
@main
struct Enlace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enlace",
        abstract: "Sincroniza los casos AVGM y las certificaciones entre los departamentos de León, también sin conexión.",
        discussion: "Toda escritura nombra a la servidora o el servidor público que la hace (--author o ENLACE_AUTHOR). "
            + "Los comandos de la oficina toman su token de --token, --token-file o ENLACE_TOKEN. "
            + "Con ENLACE_DEBUG definida, los errores muestran también su detalle técnico.",
        version: "\(Route.softwareVersion) (commit \(buildCommit))",
        subcommands: [
            NodeCommand.self, CentralCommand.self, StatusCommand.self, SyncCommand.self, CaseCommand.self, CertCommand.self,
            ConflictsCommand.self, DemoCommand.self,
            JournalCommand.self, SchemaCommand.self, ScopeCommand.self,
        ]
    )

    /// Parses and runs; usage errors exit 2 (docs/cli.md), not argument-parser's 64. Help and
    /// usage errors read in Spanish; `--version` prints as it always did.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((ParserWording.spanish(fullMessage(for: error)) + "\n").utf8))
                Foundation.exit(2)
            }
            // Help (`--help`, `help`): the parser's headers in Spanish, on stdout as before.
            let message = fullMessage(for: error)
            if code == .success, message.contains("USAGE:") {
                print(ParserWording.spanish(message))
                Foundation.exit(0)
            }
            exit(withError: error)
        }
    }
}
