import ArgumentParser
import EnlaceModel
import Foundation

/// `--set path=value` options: dotted paths become nested JSON; values are JSON when they parse
/// (numbers, true/false, null, arrays), text otherwise; a set field also takes `a,b,c`.
enum FieldAssignments {
    static func object(_ assignments: [String], schema: Schema, into object: inout [String: JSONValue]) throws {
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw CLIError.usage("--set \(assignment): se espera campo=valor, por ejemplo --set risk_level=alto")
            }
            let path = String(assignment[..<equals])
            let raw = String(assignment[assignment.index(after: equals)...])
            var value = (try? JSONValue.parse(raw)) ?? .string(raw)
            if case .set = schema.spec(forPath: path)?.type, value.arrayValue == nil {
                value = .array(raw.split(separator: ",").map { .string(String($0).trimmingCharacters(in: .whitespaces)) })
            }
            if case .int = value, schema.spec(forPath: path).map({ if case .text = $0.type { true } else { false } }) == true {
                value = .string(raw)
            }
            place(value, at: path.split(separator: ".").map(String.init), in: &object)
        }
    }

    static func place(_ value: JSONValue, at path: [String], in object: inout [String: JSONValue]) {
        guard let head = path.first else { return }
        if path.count == 1 { object[head] = value; return }
        var child = object[head]?.objectValue ?? [:]
        place(value, at: Array(path.dropFirst()), in: &child)
        object[head] = .object(child)
    }

    /// Reads `--body FILE` (`-` for stdin) as a JSON object.
    static func body(_ path: String?) throws -> [String: JSONValue] {
        guard let path else { return [:] }
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let data else { throw CLIError.usage("--body: no se puede leer \(path) (no existe o no tienes permiso)") }
        guard let object = (try? JSONValue.parse(Array(data)))?.objectValue else {
            throw CLIError.usage("--body: \(path) no contiene un objeto JSON ({…})")
        }
        return object
    }
}
