import ArgumentParser
import EnlaceModel

/// `enlace schema`: prints each record type's fields, types and merge rules.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the fields of each record type with their types and merge rules."
    )

    @Argument(help: "Record type: case or certification (default: both).")
    var recordType: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if let recordType, RecordType(rawValue: recordType) == nil {
            throw ValidationError("unknown record type '\(recordType)': expected case or certification")
        }
    }

    func run() throws {
        let types = recordType.flatMap(RecordType.init(rawValue:)).map { [$0] } ?? RecordType.allCases
        if json {
            let tables = types.map { type in
                JSONValue.object([
                    "record_type": .string(type.rawValue),
                    "fields": .array(type.schema.fields.map { spec in
                        [
                            "field": .string(spec.path), "type": .string(spec.type.expectation),
                            "rule": .string(spec.rule.rawValue), "required": .bool(spec.requiredAtCreation),
                        ]
                    }),
                ])
            }
            print(JSONValue.array(tables).canonicalText)
            return
        }
        for type in types {
            print("\(type.rawValue)")
            let table = TextTable(
                header: ["field", "rule", "accepts"],
                rows: type.schema.fields.map { [$0.path, $0.rule.rawValue, $0.type.expectation] })
            print(table.render(indent: "  "))
            print()
        }
    }
}
