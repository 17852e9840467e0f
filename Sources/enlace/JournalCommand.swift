import ArgumentParser
import EnlaceModel
import EnlaceStore
import Foundation

/// `enlace journal verify|rebuild`: read the store directly.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Check or rebuild a store from its journal.",
        subcommands: [Verify.self, Rebuild.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the journal and the state materialised from it (daemon may run).")
        @OptionGroup var options: DataOptions

        func run() throws {
            try reporting {
                let store = try options.openReplicaStore()
                let report = try store.verify()
                if options.json {
                    print(JSONValue.object([
                        "sound": .bool(report.isSound), "entries": .int(Int64(report.entries)),
                        "records": .int(Int64(report.records)), "problems": .array(report.problems.map(JSONValue.string)),
                    ]).canonicalText)
                } else if report.isSound {
                    print("journal sound: \(report.entries) entries, \(report.records) records")
                }
                if !report.isSound {
                    throw CLIError.operational("journal damaged: " + report.problems.prefix(5).joined(separator: "; "))
                }
            }
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recompute records and conflicts from the journal alone (daemon stopped).")
        @OptionGroup var options: DataOptions

        func run() throws {
            try reporting {
                guard let lock = try DataDirectoryLock(dataDirectory: options.data) else {
                    throw CLIError.operational("the node daemon is running on \(options.data); stop it before a rebuild")
                }
                let store = try options.openReplicaStore()
                let report = try store.rebuild()
                withExtendedLifetime(lock) {}
                if options.json {
                    print(JSONValue.object([
                        "entries": .int(Int64(report.entries)), "records": .int(Int64(report.records)),
                        "differences": .array(report.differences.map(JSONValue.string)),
                    ]).canonicalText)
                } else {
                    print("rebuilt \(report.records) records from \(report.entries) entries; "
                        + (report.differences.isEmpty ? "no differences" : "\(report.differences.count) differences:"))
                    for difference in report.differences { print("  \(difference)") }
                }
            }
        }
    }
}
