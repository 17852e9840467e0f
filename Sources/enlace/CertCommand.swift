import ArgumentParser
import EnlaceModel
import EnlaceProtocol
import Foundation

/// `enlace cert issue|update|show|list|revoke|import`, through the running daemon.
struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Registra los certificados de competencia de las servidoras y los servidores públicos.",
        discussion: "Toda escritura nombra a la servidora o el servidor público que la hace: --author ID, o la variable ENLACE_AUTHOR. "
            + "Los nombres de los campos y de los valores están en `enlace schema certification`.",
        subcommands: [Issue.self, Update.self, Show.self, List.self, Revoke.self, Import.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Registra un certificado.")
        @OptionGroup var write: CaseCommand.WriteOptions
        @Option(help: "El nombre completo de la persona certificada.") var holder: String?
        @Option(help: "Su número de empleado.") var employeeId: String?
        @Option(help: "El estándar de competencia: \(Vocabulary.standardCode.values.joined(separator: ", ")).") var standard: String?
        @Option(help: "El folio del certificado.") var folio: String?
        @Option(help: "Vigente hasta (AAAA-MM-DD).") var validUntil: String?

        func run() throws {
            try reporting {
                let author = try Author.resolve(write.author)
                var object = try FieldAssignments.body(write.body)
                if let holder { object["holder_name"] = .string(holder) }
                if let employeeId { object["holder_employee_id"] = .string(employeeId) }
                if let standard { object["standard_code"] = .string(standard) }
                if let folio { object["folio"] = .string(folio) }
                if let validUntil { object["valid_until"] = .string(validUntil) }
                try FieldAssignments.object(write.assignments, schema: .certification, into: &object)
                let record = try NodeClient(dataDirectory: write.options.data, author: author)
                    .call("POST", NodeRoute.collection(.certification), json: .object(object), type: .certification)
                print(write.options.json ? record.canonicalText
                      : "Certificación registrada: \(Render.text(record["standard_code"])) folio \(Render.text(record["folio"])) "
                        + "de \(Render.text(record["holder_name"])) (id \(Render.text(record["id"])), registrada por \(author)).")
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cambia un certificado (por ejemplo --set valid_until=2029-06-30).")
        @OptionGroup var write: CaseCommand.WriteOptions
        @Argument(help: "El identificador de la certificación.") var id: String

        func run() throws {
            try reporting { try RecordCLI.update(.certification, id: id, write: write) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Muestra un certificado.")
        @OptionGroup var options: DataOptions
        @Argument(help: "El identificador de la certificación.") var id: String

        func run() throws {
            try reporting { try RecordCLI.show(.certification, id: id, options: options) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista los certificados, de 50 en 50.")
        @OptionGroup var options: DataOptions
        @Option(help: "Continúa después de este identificador.") var after: String?
        @Option(help: "Cuántos (de 1 a 500).") var limit: Int = 50

        func run() throws {
            try reporting { try RecordCLI.list(.certification, options: options, after: after, limit: limit) }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoca un certificado.")
        @OptionGroup var options: DataOptions
        @Option(help: "Quién lo revoca (queda como autor de la entrada); si no lo das, ENLACE_AUTHOR.") var author: String?
        @Argument(help: "El identificador de la certificación.") var id: String

        func run() throws {
            try reporting {
                let author = try Author.resolve(self.author)
                let record = try NodeClient(dataDirectory: options.data, author: author)
                    .call("PATCH", NodeRoute.record(.certification, id), json: ["status": "revocada"], type: .certification)
                print(options.json ? record.canonicalText
                      : "Certificación \(id): \(Render.shown(record["status"], path: "status", type: .certification)) (por \(author)).")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Importa un padrón de certificaciones (CSV): primero se revisa cada fila; si una tiene errores, no se importa ninguna.",
            discussion: "Volver a importar un padrón ya registrado no cambia nada: las certificaciones que ya estaban se dejan como están.")
        @OptionGroup var options: DataOptions
        @Option(help: "Quién lo importa (queda como autor de las entradas); si no lo das, ENLACE_AUTHOR.") var author: String?
        @Argument(help: "El padrón, por ejemplo examples/roster-ec0539.csv.") var file: String

        func run() throws {
            try reporting {
                let author = try Author.resolve(self.author)
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIError.usage("no se puede leer \(file) (no existe o no tienes permiso)")
                }
                let rows = data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                let result = try Progress.around("importando \(max(rows - 1, 0)) filas de \(file)…") {
                    try NodeClient(dataDirectory: options.data, author: author)
                        .call("POST", NodeRoute.certificationImport, raw: Array(data), contentType: "text/csv", type: .certification)
                }
                if options.json { print(result.canonicalText); return }
                print(Import.summary(imported: Int(result["imported"]?.intValue ?? 0), unchanged: Int(result["unchanged"]?.intValue ?? 0), file: file))
            }
        }

        /// What an import did, in a sentence.
        static func summary(imported: Int, unchanged: Int, file: String) -> String {
            func certifications(_ count: Int) -> String { count == 1 ? "1 certificación" : "\(count) certificaciones" }
            if imported == 0 {
                if unchanged == 0 { return "nada que importar: \(file) no trae certificaciones" }
                return unchanged == 1 ? "nada que importar: la certificación ya estaba registrada"
                    : "nada que importar: las \(unchanged) certificaciones ya estaban registradas"
            }
            let done = imported == 1 ? "1 importada" : "\(imported) importadas"
            guard unchanged > 0 else { return "\(certifications(imported)) \(imported == 1 ? "importada" : "importadas") de \(file)" }
            return "\(done), \(unchanged) ya \(unchanged == 1 ? "estaba registrada" : "estaban registradas")"
        }
    }
}
