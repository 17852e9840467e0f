import ArgumentParser
import EnlaceModel
import Foundation

/// `enlace conflicts list|show|resolve`: the central office's desk.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "Inspect and resolve merge conflicts at the central server.",
        subcommands: [List.self, Show.self, Resolve.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List conflicts to scan.")
        @OptionGroup var central: CentralOptions
        @Option(help: "open or resolved.") var status: String = "open"
        @Option(help: "Only records of this department.") var department: String?
        @Option(help: "case or certification.") var recordType: String?
        @Option(help: "Only fields starting with this path (e.g. person).") var field: String?
        @Option(help: "Only conflicts whose first version is older than this many hours.") var olderThanHours: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reporting {
                var query = ["status=\(status)"]
                if let department { query.append("department=\(department)") }
                if let recordType { query.append("record_type=\(recordType)") }
                if let field { query.append("field=\(field)") }
                if let olderThanHours { query.append("older_than_hours=\(olderThanHours)") }
                let page = try CentralClient(options: central).call("GET", "/v1/conflicts?" + query.joined(separator: "&"))
                if json { print(page.canonicalText); return }
                let items = page["items"]?.arrayValue ?? []
                print(TextTable(header: ["id", "record", "field", "rule", "versions", "shown", "status"], rows: items.map {
                    [Render.text($0["id"]), "\(Render.text($0["record_type"]))/\(Render.text($0["record_id"]))",
                     Render.text($0["field"]), Render.text($0["rule"]), String($0["versions"]?.arrayValue?.count ?? 0),
                     Render.text($0["provisional_value"]), Render.text($0["status"])]
                }).render())
                print("\(items.count) \(status == "open" ? "open" : "resolved") conflict(s)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one conflict: the versions side by side with who, where and when.")
        @OptionGroup var central: CentralOptions
        @Argument(help: "The conflict id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reporting {
                let conflict = try CentralClient(options: central).call("GET", "/v1/conflicts/\(id)")
                if json { print(conflict.canonicalText); return }
                print("conflict \(id) (\(Render.text(conflict["status"])))")
                print("record:  \(Render.text(conflict["record_type"]))/\(Render.text(conflict["record_id"]))")
                print("field:   \(Render.text(conflict["field"]))   rule: \(Render.text(conflict["rule"]))")
                print("shown:   \(Render.text(conflict["provisional_value"]))\n")
                let versions = conflict["versions"]?.arrayValue ?? []
                print(TextTable(header: ["#", "value", "node", "author", "at"], rows: versions.enumerated().map { index, version in
                    [String(index + 1), Render.text(version["value"]), Render.text(version["node_id"]),
                     Render.text(version["author"]), Render.text(version["at"])]
                }).render())
                if let resolution = conflict["resolution"], !resolution.isNull {
                    print("\nresolved to \(Render.text(resolution["value"])) by \(Render.text(resolution["by"])) at \(Render.text(resolution["at"])): \(Render.text(resolution["note"]))")
                } else {
                    print("\nresolve with: enlace conflicts resolve \(id) --take N --note \"…\" --central … --token …")
                }
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve a conflict with a value or one of its versions.")
        @OptionGroup var central: CentralOptions
        @Argument(help: "The conflict id.") var id: String
        @Option(help: "The value (JSON when it parses, text otherwise).") var value: String?
        @Option(help: "Take version N (counted from 1 as `show` lists them).") var take: Int?
        @Option(help: "Why (kept with the resolution).") var note: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (value == nil) != (take == nil) else { throw ValidationError("give exactly one of --value and --take") }
            if let take, take < 1 { throw ValidationError("--take counts versions from 1") }
        }

        func run() throws {
            try reporting {
                let client = CentralClient(options: central)
                let chosen: JSONValue
                if let take {
                    let versions = try client.call("GET", "/v1/conflicts/\(id)")["versions"]?.arrayValue ?? []
                    guard take <= versions.count else {
                        throw CLIError.usage("--take \(take): the conflict has \(versions.count) versions")
                    }
                    chosen = versions[take - 1]["value"] ?? .null
                } else {
                    chosen = (try? JSONValue.parse(value!)) ?? .string(value!)
                }
                var body: [String: JSONValue] = ["value": chosen]
                if let note { body["note"] = .string(note) }
                let resolved = try client.call("POST", "/v1/conflicts/\(id)/resolve", json: .object(body))
                print(json ? resolved.canonicalText : "conflict \(id) resolved to \(Render.text(chosen)); nodes apply it on their next sync")
            }
        }
    }
}
