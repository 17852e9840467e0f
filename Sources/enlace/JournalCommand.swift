import ArgumentParser
import EnlaceModel
import EnlaceStore
import Foundation

/// `enlace journal verify|rebuild`: read the store directly.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Revisa un almacén o lo reconstruye a partir de su diario.",
        subcommands: [Verify.self, Rebuild.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revisa el diario y el estado calculado a partir de él (el nodo puede seguir en marcha).")
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await reporting {
                let store = try await options.openReplicaStore()
                let report = try await store.verify()
                if options.json {
                    print(JSONValue.object([
                        "sound": .bool(report.isSound), "entries": .int(Int64(report.entries)),
                        "records": .int(Int64(report.records)), "problems": .array(report.problems.map(JSONValue.string)),
                    ]).canonicalText)
                } else if report.isSound {
                    print("diario en buen estado: \(report.entries) entradas, \(report.records) registros")
                }
                if !report.isSound {
                    throw CLIError.operational("el diario está dañado (\(report.problems.count == 1 ? "1 problema" : "\(report.problems.count) problemas"); "
                        + "detalle técnico: " + report.problems.prefix(5).joined(separator: "; ") + ")")
                }
            }
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Vuelve a calcular los registros y los conflictos solo a partir del diario (con el nodo detenido).")
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await reporting {
                guard let lock = try DataDirectoryLock(dataDirectory: options.data) else {
                    throw CLIError.operational("el nodo está en marcha en \(options.data); deténlo antes de reconstruir (por ejemplo, systemctl stop enlace-node)")
                }
                let store = try await options.openReplicaStore()
                let report = try await store.rebuild()
                withExtendedLifetime(lock) {}
                if options.json {
                    print(JSONValue.object([
                        "entries": .int(Int64(report.entries)), "records": .int(Int64(report.records)),
                        "differences": .array(report.differences.map(JSONValue.string)),
                    ]).canonicalText)
                } else {
                    print("\(report.records) registros reconstruidos a partir de \(report.entries) entradas; "
                        + (report.differences.isEmpty ? "sin diferencias" : "\(report.differences.count) diferencias (detalle técnico):"))
                    for difference in report.differences { print("  \(difference)") }
                }
            }
        }
    }
}
