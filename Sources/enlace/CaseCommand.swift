import ArgumentParser
import EnlaceModel
import Foundation

/// `enlace case create|update|show|list|attend|refer`, through the running daemon.
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Register and follow cases at this node.",
        subcommands: [Create.self, Update.self, Show.self, List.self, Attend.self, Refer.self, History.self])

    struct WriteOptions: ParsableArguments {
        @OptionGroup var options: DataOptions
        @Option(help: "The public servant making the change (recorded as the entry's author).") var author: String?
        @Option(name: .customLong("set"), help: "A field as path=value, e.g. --set person.phone='477 555 0101' (repeatable).")
        var assignments: [String] = []
        @Option(help: "A JSON object with the fields (a file, or - for stdin).") var body: String?
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a case; the node assigns its folio.")
        @OptionGroup var write: WriteOptions
        @Option(help: "How the case arrived: \(Vocabulary.intakeChannel.values.joined(separator: ", ")).") var channel: String?
        @Option(help: "The woman's full name.") var name: String?
        @Option(help: "Risk level: \(Vocabulary.riskLevel.values.joined(separator: ", ")).") var risk: String?
        @Option(help: "A short summary.") var summary: String?

        func run() throws {
            try reporting {
                var object = try FieldAssignments.body(write.body)
                if let channel { object["intake_channel"] = .string(channel) }
                if let risk { object["risk_level"] = .string(risk) }
                if let summary { object["summary"] = .string(summary) }
                if let name { FieldAssignments.place(.string(name), at: ["person", "full_name"], in: &object) }
                try FieldAssignments.object(write.assignments, schema: .caseFile, into: &object)
                let record = try NodeClient(dataDirectory: write.options.data, author: write.author)
                    .call("POST", "/v1/cases", json: .object(object))
                print(write.options.json ? record.canonicalText
                      : "case \(Render.text(record["id"])) opened, folio \(Render.text(record["folio"]))")
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change fields of a case (JSON Merge Patch).")
        @OptionGroup var write: WriteOptions
        @Argument(help: "The case id.") var id: String

        func run() throws {
            try reporting { try RecordCLI.update(.caseFile, id: id, write: write) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case with its attentions, referrals and open conflicts.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The case id.") var id: String

        func run() throws {
            try reporting { try RecordCLI.show(.caseFile, id: id, options: options) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases, 50 at a time.")
        @OptionGroup var options: DataOptions
        @Option(help: "Continue after this id.") var after: String?
        @Option(help: "How many (1-500).") var limit: Int = 50

        func run() throws {
            try reporting { try RecordCLI.list(.caseFile, options: options, after: after, limit: limit) }
        }
    }

    struct Attend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an attention given to the woman (immutable).")
        @OptionGroup var write: WriteOptions
        @Argument(help: "The case id.") var id: String
        @Option(help: "Kind: \(Vocabulary.attentionKind.values.joined(separator: ", ")).") var kind: String
        @Option(help: "What was done.") var note: String?
        @Option(help: "The servant's id (default: --author).") var servant: String?
        @Option(help: "The certificate folio the servant holds.") var certificationFolio: String?

        func run() throws {
            try reporting {
                var object = try FieldAssignments.body(write.body)
                object["kind"] = .string(kind)
                if let note { object["note"] = .string(note) }
                if let servant { object["servant_id"] = .string(servant) }
                if let certificationFolio { object["certification_folio"] = .string(certificationFolio) }
                try FieldAssignments.object(write.assignments, schema: .caseFile, into: &object)
                let attention = try NodeClient(dataDirectory: write.options.data, author: write.author)
                    .call("POST", "/v1/cases/\(id)/attentions", json: .object(object))
                print(write.options.json ? attention.canonicalText : "attention \(Render.text(attention["id"])) recorded")
            }
        }
    }

    struct Refer: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refer (canalizar) the case to another institution.")
        @OptionGroup var write: WriteOptions
        @Argument(help: "The case id.") var id: String
        @Option(help: "Where to: \(Vocabulary.referralTarget.values.joined(separator: ", ")).") var to: String
        @Option(help: "Why.") var reason: String?
        @Option(help: "Urgency: \(Vocabulary.urgency.values.joined(separator: ", ")).") var urgency: String?
        @Option(help: "Update this referral's state instead of creating one.") var referral: String?
        @Option(help: "With --referral: the new state (\(Vocabulary.referralState.values.joined(separator: ", "))).") var state: String?

        func run() throws {
            try reporting {
                var object = try FieldAssignments.body(write.body)
                if let reason { object["reason"] = .string(reason) }
                if let urgency { object["urgency"] = .string(urgency) }
                if let state { object["state"] = .string(state) }
                let client = try NodeClient(dataDirectory: write.options.data, author: write.author)
                let result: JSONValue
                if let referral {
                    result = try client.call("PATCH", "/v1/cases/\(id)/referrals/\(referral)", json: .object(object))
                } else {
                    object["to"] = .string(to)
                    result = try client.call("POST", "/v1/cases/\(id)/referrals", json: .object(object))
                }
                print(write.options.json ? result.canonicalText
                      : "referral \(Render.text(result["id"])) to \(Render.text(result["to"])): \(Render.text(result["state"]))")
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every journal entry that touched a case, and why each field holds its value.")
        @OptionGroup var options: DataOptions
        @Option(help: "Ask the central server instead of the node (with --token).") var central: String?
        @Option(help: "An office user's token (with --central).") var token: String?
        @Argument(help: "The case id.") var id: String

        func run() throws {
            try reporting { try HistoryPrinter.print(type: .caseFile, id: id, options: options, central: central, token: token) }
        }
    }
}

/// Prints `case history` / `cert history` from a node or the central server.
enum HistoryPrinter {
    static func print(type: RecordType, id: String, options: DataOptions, central: String?, token: String?) throws {
        let path = (type == .caseFile ? "/v1/cases/" : "/v1/certifications/") + id + "/history"
        let history: JSONValue
        if let central {
            guard let token else { throw CLIError.usage("--central needs --token") }
            let parsed = try CentralOptions.parse(["--central", central, "--token", token])
            history = try CentralClient(options: parsed).call("GET", path)
        } else {
            history = try NodeClient(dataDirectory: options.data).call("GET", path)
        }
        if options.json { Swift.print(history.canonicalText); return }
        let entries = history["entries"]?.arrayValue ?? []
        Swift.print("\(entries.count) journal entries")
        Swift.print(TextTable(header: ["entry", "at", "author", "fields"], rows: entries.map { entry in
            [Render.text(entry["entry"]), Render.text(entry["at"]), Render.text(entry["author"]),
             (entry["fields"]?.arrayValue ?? []).map { field in
                 "\(Render.text(field["field"]))\(field["op"] == "remove" ? "-=" : field["op"] == "add" ? "+=" : "=")\(Render.text(field["value"]))"
             }.joined(separator: " ")]
        }).render(indent: "  "))
        Swift.print("\nwhy each field holds its value")
        for field in history["fields"]?.arrayValue ?? [] {
            Swift.print("  " + Render.text(field["explanation"]))
        }
    }
}
