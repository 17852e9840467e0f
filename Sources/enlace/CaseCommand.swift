import ArgumentParser
import EnlaceModel
import EnlaceProtocol
import EnlaceWeb
import Foundation

/// `enlace case create|update|show|list|attend|refer`, through the running daemon.
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Registra y da seguimiento a los casos en este nodo.",
        discussion: "Toda escritura nombra a la servidora o el servidor público que la hace: --author ID, o la variable ENLACE_AUTHOR. "
            + "Los nombres de los campos y de los valores están en `enlace schema case`.",
        subcommands: [Create.self, Update.self, Show.self, List.self, Attend.self, Refer.self, History.self])

    struct WriteOptions: ParsableArguments {
        @OptionGroup var options: DataOptions
        @Option(help: "La servidora o el servidor público que hace el cambio (queda como autor de la entrada); si no lo das, ENLACE_AUTHOR.")
        var author: String?
        @Option(name: .customLong("set"), help: "Un campo como ruta=valor, por ejemplo --set person.phone='477 555 0101' (se puede repetir).")
        var assignments: [String] = []
        @Option(help: "Un objeto JSON con los campos (un archivo, o - para leerlo de la entrada estándar).") var body: String?
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Abre un caso; el nodo le asigna su folio.")
        @OptionGroup var write: WriteOptions
        @Option(help: "Cómo llegó el caso: \(Vocabulary.intakeChannel.values.joined(separator: ", ")).") var channel: String?
        @Option(help: "El nombre completo de la mujer.") var name: String?
        @Option(help: "Nivel de riesgo: \(Vocabulary.riskLevel.values.joined(separator: ", ")).") var risk: String?
        @Option(help: "Un relato breve de lo que ella contó.") var summary: String?

        func run() throws {
            try reporting {
                let author = try Author.resolve(write.author)
                var object = try FieldAssignments.body(write.body)
                if let channel { object["intake_channel"] = .string(channel) }
                if let risk { object["risk_level"] = .string(risk) }
                if let summary { object["summary"] = .string(summary) }
                if let name { FieldAssignments.place(.string(name), at: ["person", "full_name"], in: &object) }
                try FieldAssignments.object(write.assignments, schema: .caseFile, into: &object)
                let record = try NodeClient(dataDirectory: write.options.data, author: author)
                    .call("POST", NodeRoute.collection(.caseFile), json: .object(object))
                print(write.options.json ? record.canonicalText
                      : "Caso abierto con el folio \(Render.text(record["folio"])) (id \(Render.text(record["id"]))), registrado por \(author).")
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cambia campos de un caso (JSON Merge Patch).")
        @OptionGroup var write: WriteOptions
        @Argument(help: "El identificador del caso.") var id: String

        func run() throws {
            try reporting { try RecordCLI.update(.caseFile, id: id, write: write) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Muestra un caso con sus atenciones, canalizaciones y conflictos abiertos.")
        @OptionGroup var options: DataOptions
        @Argument(help: "El identificador del caso.") var id: String

        func run() throws {
            try reporting { try RecordCLI.show(.caseFile, id: id, options: options) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista los casos, de 50 en 50.")
        @OptionGroup var options: DataOptions
        @Option(help: "Continúa después de este identificador.") var after: String?
        @Option(help: "Cuántos (de 1 a 500).") var limit: Int = 50

        func run() throws {
            try reporting { try RecordCLI.list(.caseFile, options: options, after: after, limit: limit) }
        }
    }

    struct Attend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Registra una atención que se le dio a la mujer (no se puede cambiar después).")
        @OptionGroup var write: WriteOptions
        @Argument(help: "El identificador del caso.") var id: String
        @Option(help: "Tipo de atención: \(Vocabulary.attentionKind.values.joined(separator: ", ")).") var kind: String
        @Option(help: "Qué se hizo.") var note: String?
        @Option(help: "Quién la atendió (por omisión, la persona de --author).") var servant: String?
        @Option(help: "El folio del certificado de competencia de quien la atendió.") var certificationFolio: String?

        func run() throws {
            try reporting {
                let author = try Author.resolve(write.author)
                var object = try FieldAssignments.body(write.body)
                object["kind"] = .string(kind)
                if let note { object["note"] = .string(note) }
                if let servant { object["servant_id"] = .string(servant) }
                if let certificationFolio { object["certification_folio"] = .string(certificationFolio) }
                try FieldAssignments.object(write.assignments, schema: .caseFile, into: &object)
                let attention = try NodeClient(dataDirectory: write.options.data, author: author)
                    .call("POST", NodeRoute.attentions(caseID: id), json: .object(object), collection: "attentions")
                print(write.options.json ? attention.canonicalText
                      : "Atención registrada en el caso \(id): \(Render.shown(attention["kind"], path: "attentions.*.kind", type: .caseFile)) "
                        + "(id \(Render.text(attention["id"])), atendió \(Render.text(attention["servant_id"]))).")
            }
        }
    }

    struct Refer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Canaliza el caso a otra institución, o registra la respuesta a una canalización (--referral).")
        @OptionGroup var write: WriteOptions
        @Argument(help: "El identificador del caso.") var id: String
        @Option(help: "A dónde: \(Vocabulary.referralTarget.values.joined(separator: ", ")).") var to: String
        @Option(help: "Qué se pide.") var reason: String?
        @Option(help: "Urgencia: \(Vocabulary.urgency.values.joined(separator: ", ")).") var urgency: String?
        @Option(help: "Cambia el estado de esta canalización en lugar de crear otra.") var referral: String?
        @Option(help: "Con --referral: el nuevo estado (\(Vocabulary.referralState.values.joined(separator: ", "))).") var state: String?

        func run() throws {
            try reporting {
                let author = try Author.resolve(write.author)
                var object = try FieldAssignments.body(write.body)
                if let reason { object["reason"] = .string(reason) }
                if let urgency { object["urgency"] = .string(urgency) }
                if let state { object["state"] = .string(state) }
                let client = try NodeClient(dataDirectory: write.options.data, author: author)
                let result: JSONValue
                if let referral {
                    result = try client.call("PATCH", NodeRoute.referral(caseID: id, referral), json: .object(object), collection: "referrals")
                } else {
                    object["to"] = .string(to)
                    result = try client.call("POST", NodeRoute.referrals(caseID: id), json: .object(object), collection: "referrals")
                }
                print(write.options.json ? result.canonicalText
                      : "Canalización \(Render.text(result["id"])) a \(Render.shown(result["to"], path: "referrals.*.to", type: .caseFile)): "
                        + "\(Render.shown(result["state"], path: "referrals.*.state", type: .caseFile)).")
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cada entrada del diario que tocó un caso, y por qué cada campo tiene su valor.")
        @OptionGroup var options: DataOptions
        @Option(help: "Pregunta al servidor central en lugar del nodo (con el token de la oficina).") var central: String?
        @Option(help: "El token de una persona usuaria de la oficina (con --central; también --token-file o ENLACE_TOKEN).") var token: String?
        @Option(help: ArgumentHelp("Un archivo cuya primera línea es el token de la oficina (con --central).", valueName: "file"))
        var tokenFile: String?
        @Argument(help: "El identificador del caso.") var id: String

        func run() throws {
            try reporting {
                try HistoryPrinter.print(type: .caseFile, id: id, options: options, central: central, token: token, tokenFile: tokenFile)
            }
        }
    }
}

/// Prints `case history` / `cert history` from a node or the central server.
enum HistoryPrinter {
    static func print(type: RecordType, id: String, options: DataOptions, central: String?, token: String?, tokenFile: String? = nil) throws {
        let path = NodeRoute.history(type, id)
        let history: JSONValue
        if let central {
            if let problem = Wording.transportProblem(central) { throw CLIError.usage("--central: \(problem)") }
            let officeToken = try OfficeToken.resolve(token: token, file: tokenFile)
            history = try CentralClient(central: central, token: officeToken).call("GET", path, type: type)
        } else {
            history = try NodeClient(dataDirectory: options.data).call("GET", path, type: type)
        }
        if options.json { Swift.print(history.canonicalText); return }
        let entries = history["entries"]?.arrayValue ?? []
        Swift.print(entries.count == 1 ? "1 entrada del diario" : "\(entries.count) entradas del diario")
        Swift.print(TextTable(header: ["Entrada", "Fecha y hora", "Autor", "Campos"], rows: entries.map { entry -> [String] in
            let fields = (entry["fields"]?.arrayValue ?? []).map { field -> String in
                let path = field["field"]?.stringValue ?? ""
                let change = field["op"] == "remove" ? "quita" : field["op"] == "add" ? "agrega" : "="
                return "\(Render.label(path, type: type)) \(change) «\(Render.shown(field["value"], path: path, type: type))»"
            }
            return [Render.text(entry["entry"]), Render.time(entry["at"]), Render.text(entry["author"]), fields.joined(separator: "; ")]
        }).render(indent: "  "))
        Swift.print("\nPor qué cada campo tiene su valor")
        for field in history["fields"]?.arrayValue ?? [] {
            Swift.print("  " + explanation(field, type: type))
        }
    }

    /// Why a field holds its value, in Spanish: the last write it superseded others with, or the
    /// concurrent versions and what the rule (or the office, for a conflict) chose.
    static func explanation(_ field: JSONValue, type: RecordType) -> String {
        let path = field["field"]?.stringValue ?? ""
        let label = Render.label(path, type: type)
        let value = Render.shown(field["value"], path: path, type: type)
        let versions = (field["versions"]?.arrayValue ?? []).map { Render.version(in: $0, field: path, type: type) }
        let writes = field["writes"]?.intValue ?? 0
        if versions.count <= 1 {
            let earlier = max(0, writes - Int64(versions.count))
            return "\(label) = «\(value)»: la última escritura, \(versions.first ?? "ninguna")"
                + (earlier == 0 ? "." : earlier == 1 ? ", reemplazó a 1 anterior que ya conocía." : ", reemplazó a \(earlier) anteriores que ya conocía.")
        }
        let verdict = field["in_conflict"]?.boolValue == true
            ? "queda para que la oficina decida; mientras tanto se muestra «\(value)»"
            : "la regla «\(DisplayVocabulary.rule(field["rule"]?.stringValue ?? ""))» eligió «\(value)»"
        return "\(label): \(versions.count) versiones simultáneas (\(versions.joined(separator: "; "))) → \(verdict)."
    }
}
