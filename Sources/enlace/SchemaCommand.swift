import ArgumentParser
import EnlaceModel
import EnlaceWeb

/// `enlace schema`: prints each record type's fields, types and merge rules.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Muestra los campos de cada tipo de registro: su nombre en español, qué aceptan y cómo se fusionan.",
        discussion: "Los nombres de los campos y de los valores de los vocabularios son los que leen las personas en la oficina, la ventanilla y la línea de comandos."
    )

    @Argument(help: "Tipo de registro: case o certification (por omisión, ambos).")
    var recordType: String?

    @Flag(help: "JSON en lugar de una tabla (claves en inglés, para programas).")
    var json = false

    func validate() throws {
        if let recordType, RecordType(rawValue: recordType) == nil {
            throw ValidationError("tipo de registro desconocido «\(recordType)»: escribe case o certification")
        }
    }

    func run() throws {
        let types = recordType.flatMap(RecordType.init(rawValue:)).map { [$0] } ?? RecordType.allCases
        if json {
            let tables = types.map { type in
                JSONValue.object([
                    "record_type": .string(type.rawValue),
                    "fields": .array(type.schema.fields.map { spec -> JSONValue in
                        var row: [String: JSONValue] = [
                            "field": .string(spec.path), "type": .string(spec.type.expectation),
                            "rule": .string(spec.rule.rawValue), "required": .bool(spec.requiredAtCreation),
                            "label": .string(DisplayVocabulary.fieldLabel(spec.path, of: type)),
                            "rule_label": .string(DisplayVocabulary.rule(spec.rule.rawValue)),
                        ]
                        if let vocabulary = spec.type.vocabulary {
                            row["values"] = .array(vocabulary.values.map { value in
                                ["value": .string(value), "label": .string(DisplayVocabulary.value(value, in: vocabulary))]
                            })
                        }
                        return .object(row)
                    }),
                ])
            }
            print(JSONValue.array(tables).canonicalText)
            return
        }
        for type in types {
            print(type == .caseFile ? "Caso (case)" : "Certificación (certification)")
            let table = TextTable(
                header: ["campo", "nombre", "regla", "acepta"],
                rows: type.schema.fields.map { spec in
                    let accepts = spec.type.vocabulary.map { vocabulary in
                        vocabulary.values.map { "\($0) = \(DisplayVocabulary.value($0, in: vocabulary))" }.joined(separator: "; ")
                    } ?? DisplayVocabulary.accepts(spec.type)
                    return [spec.path, DisplayVocabulary.fieldLabel(spec.path, of: type), DisplayVocabulary.rule(spec.rule.rawValue), accepts]
                })
            print(table.render(indent: "  "))
            print()
        }
    }
}
