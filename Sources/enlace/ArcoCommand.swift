import ArgumentParser
import EnlaceCentral
import EnlaceModel
import Foundation

/// `enlace central arco export`: a woman's right of access (DOMAIN.md, "A person's rights").
struct ArcoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arco", abstract: "A woman's rights over her data: export everything held about her (access).",
        subcommands: [Export.self, Erase.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write everything held about one case, or every case of her file, as JSON (FILE) and a readable Spanish document (FILE.txt).",
            discussion: "Every case with each field, attention and referral, every journal entry with its author and time, and who read it. "
                + "The export is audited; the files are made readable by their owner only and never overwrite another.")
        @OptionGroup var options: DataOptions
        @Option(help: "One case's id.") var `case`: String?
        @Option(help: "The woman's file (person_ref): every case of hers.") var person: String?
        @Option(help: "The JSON file to write (its Spanish document goes to FILE.txt).") var to: String

        func validate() throws {
            guard (`case` == nil) != (person == nil) else { throw ValidationError("give exactly one of --case ID and --person REF") }
        }

        func run() throws {
            try reporting {
                for path in [to, to + ".txt"] where FileManager.default.fileExists(atPath: path) {
                    throw CLIError.usage("\(path) exists: an export never overwrites a file")
                }
                let server = try CentralSetup.open(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let export = try server.arcoExport(caseID: `case`, person: person, by: CentralCommand.localActor)
                try PrivateFile.write(Array(export.canonicalText.utf8), to: to)
                try PrivateFile.write(Array(ArcoDocument.text(export).utf8), to: to + ".txt")
                let count = export["cases"]?.arrayValue?.count ?? 0
                print(options.json ? JSONValue.object(["cases": .int(Int64(count)), "json": .string(to), "document": .string(to + ".txt")]).canonicalText
                      : "exported \(count) case(s) to \(to) and \(to).txt (audited)")
            }
        }
    }
}

extension ArcoCommand {
    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase the contents of one case, or every case of her file, on every replica (cancellation).",
            discussion: "A signed entry of the central server: each replica destroys the case's contents when it receives it; a node "
                + "that was offline erases at its next sync and can never bring them back. What remains is the case's id, folio, "
                + "origin department and opening date, and the fact, author, reason and legal basis of the erasure. Audited; kept "
                + "in DIR/erasures so that a restore from an older copy applies it again.")
        @OptionGroup var options: DataOptions
        @Option(help: "One case's id.") var `case`: String?
        @Option(help: "The woman's file (person_ref): every case of hers.") var person: String?
        @Option(help: "Why the office grants the cancellation.") var reason: String
        @Option(help: "The legal basis of the decision.") var legalBasis: String

        func validate() throws {
            guard (`case` == nil) != (person == nil) else { throw ValidationError("give exactly one of --case ID and --person REF") }
        }

        func run() throws {
            try reporting {
                let server = try CentralSetup.open(dataDirectory: options.data, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let ids = try person.map { try server.storage.cases(ofPerson: $0) } ?? [`case`!]
                let events = try server.erase(cases: ids, reason: reason, legalBasis: legalBasis, by: CentralCommand.localActor)
                try ErasureRegister.append(events, in: options.data)
                print(options.json ? JSONValue.object(["erased": .array(events.map { .string($0.caseID) })]).canonicalText
                      : "erased \(events.count) case(s); each replica erases them at its next sync")
            }
        }
    }
}

/// A file readable by its owner only, created anew (never over another).
enum PrivateFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw CLIError.operational("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard Foundation.write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw CLIError.operational("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
