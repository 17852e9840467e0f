import ArgumentParser
import EnlaceModel
import Foundation

/// `enlace cert issue|update|show|list|revoke|import`, through the running daemon.
struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Register public servants' competence certificates.",
        subcommands: [Issue.self, Update.self, Show.self, List.self, Revoke.self, Import.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a certificate.")
        @OptionGroup var write: CaseCommand.WriteOptions
        @Option(help: "The holder's full name.") var holder: String?
        @Option(help: "The holder's employee id.") var employeeId: String?
        @Option(help: "The standard: \(Vocabulary.standardCode.values.joined(separator: ", ")).") var standard: String?
        @Option(help: "The certificate's folio.") var folio: String?
        @Option(help: "Valid until (YYYY-MM-DD).") var validUntil: String?

        func run() throws {
            try reporting {
                var object = try FieldAssignments.body(write.body)
                if let holder { object["holder_name"] = .string(holder) }
                if let employeeId { object["holder_employee_id"] = .string(employeeId) }
                if let standard { object["standard_code"] = .string(standard) }
                if let folio { object["folio"] = .string(folio) }
                if let validUntil { object["valid_until"] = .string(validUntil) }
                try FieldAssignments.object(write.assignments, schema: .certification, into: &object)
                let record = try NodeClient(dataDirectory: write.options.data, author: write.author)
                    .call("POST", "/v1/certifications", json: .object(object))
                print(write.options.json ? record.canonicalText : "certification \(Render.text(record["id"])) registered")
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a certificate (e.g. --set valid_until=2029-06-30).")
        @OptionGroup var write: CaseCommand.WriteOptions
        @Argument(help: "The certification id.") var id: String

        func run() throws {
            try reporting { try RecordCLI.update(.certification, id: id, write: write) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a certificate.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The certification id.") var id: String

        func run() throws {
            try reporting { try RecordCLI.show(.certification, id: id, options: options) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List certificates, 50 at a time.")
        @OptionGroup var options: DataOptions
        @Option(help: "Continue after this id.") var after: String?
        @Option(help: "How many (1-500).") var limit: Int = 50

        func run() throws {
            try reporting { try RecordCLI.list(.certification, options: options, after: after, limit: limit) }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a certificate.")
        @OptionGroup var options: DataOptions
        @Option(help: "Who revokes it.") var author: String?
        @Argument(help: "The certification id.") var id: String

        func run() throws {
            try reporting {
                let record = try NodeClient(dataDirectory: options.data, author: author)
                    .call("PATCH", "/v1/certifications/\(id)", json: ["status": "revocada"])
                print(options.json ? record.canonicalText : "certification \(id): \(Render.text(record["status"]))")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a certification roster (CSV): every row is checked first; any bad row imports nothing.")
        @OptionGroup var options: DataOptions
        @Option(help: "Who imports it.") var author: String?
        @Argument(help: "The roster, e.g. examples/roster-ec0539.csv.") var file: String

        func run() throws {
            try reporting {
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError.usage("cannot read \(file)") }
                let rows = data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                let result = try Progress.around("importando \(max(rows - 1, 0)) filas de \(file)…") {
                    try NodeClient(dataDirectory: options.data, author: author)
                        .call("POST", "/v1/certifications/import", raw: Array(data), contentType: "text/csv")
                }
                print(options.json ? result.canonicalText : "imported \(Render.text(result["imported"])) certifications from \(file)")
            }
        }
    }
}
