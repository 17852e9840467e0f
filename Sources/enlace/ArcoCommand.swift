import ArgumentParser
import EnlaceCentral
import EnlaceModel
import Foundation

/// `enlace central arco export`: a woman's right of access (docs/domain.md, "A woman's rights (ARCO)").
struct ArcoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arco", abstract: "Los derechos ARCO de una mujer sobre sus datos: exportar todo lo que se guarda de ella (acceso) o cancelarlo.",
        subcommands: [Export.self, Erase.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Escribe todo lo que se guarda de un caso, o de todos los casos de su expediente, en JSON (ARCHIVO) y en un documento legible en español (ARCHIVO.txt).",
            discussion: "Cada caso con sus campos, atenciones y canalizaciones, cada entrada del diario con su autor y su hora, y quién lo consultó. "
                + "La exportación queda en la bitácora de auditoría; los archivos solo los puede leer su dueño y nunca reemplazan a otro.")
        @OptionGroup var options: DataOptions
        @Option(help: "El identificador de un caso.") var `case`: String?
        @Option(help: "El expediente de la mujer (person_ref): todos sus casos.") var person: String?
        @Option(help: "El archivo JSON que se escribe (su documento en español va a ARCHIVO.txt).") var to: String

        func validate() throws {
            guard (`case` == nil) != (person == nil) else { throw ValidationError("da solo uno de los dos: --case ID o --person EXPEDIENTE") }
        }

        func run() async throws {
            try await reporting {
                for path in [to, to + ".txt"] where FileManager.default.fileExists(atPath: path) {
                    throw CLIError.usage("\(path) ya existe: una exportación nunca reemplaza un archivo")
                }
                let server = try await CentralSetup.open(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let export = try await server.arcoExport(caseID: `case`, person: person, by: CentralCommand.localActor)
                try PrivateFile.write(Array(export.canonicalText.utf8), to: to)
                try PrivateFile.write(Array(ArcoDocument.text(export).utf8), to: to + ".txt")
                let count = export["cases"]?.arrayValue?.count ?? 0
                print(options.json ? JSONValue.object(["cases": .int(Int64(count)), "json": .string(to), "document": .string(to + ".txt")]).canonicalText
                      : "\(count == 1 ? "1 caso exportado" : "\(count) casos exportados") a \(to) y \(to).txt (queda en la bitácora de auditoría)")
            }
        }
    }
}

extension ArcoCommand {
    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Borra el contenido de un caso, o de todos los casos de su expediente, en todas las réplicas (cancelación).",
            discussion: "Una entrada firmada del servidor central: cada réplica destruye el contenido del caso al recibirla; un nodo "
                + "que estaba sin conexión lo borra en su siguiente sincronización y nunca puede recuperarlo. Queda el identificador "
                + "del caso, su folio, su departamento de origen y su fecha de apertura, y el hecho, el autor, el motivo y el fundamento "
                + "legal de la cancelación. Queda en la bitácora de auditoría y en DIR/erasures, para que una restauración desde una "
                + "copia anterior la vuelva a aplicar.")
        @OptionGroup var options: DataOptions
        @Option(help: "El identificador de un caso.") var `case`: String?
        @Option(help: "El expediente de la mujer (person_ref): todos sus casos.") var person: String?
        @Option(help: "Por qué la oficina concede la cancelación.") var reason: String
        @Option(help: "El fundamento legal de la decisión.") var legalBasis: String

        func validate() throws {
            guard (`case` == nil) != (person == nil) else { throw ValidationError("da solo uno de los dos: --case ID o --person EXPEDIENTE") }
        }

        func run() async throws {
            try await reporting {
                let server = try await CentralSetup.open(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let ids = if let person { try await server.storage.cases(ofPerson: person) } else { [`case`!] }
                let events = try await server.erase(cases: ids, reason: reason, legalBasis: legalBasis, by: CentralCommand.localActor)
                try ErasureRegister.append(events, in: options.centralData)
                print(options.json ? JSONValue.object(["erased": .array(events.map { .string($0.caseID) })]).canonicalText
                      : "\(events.count == 1 ? "1 caso cancelado" : "\(events.count) casos cancelados"); cada réplica borra su contenido en su siguiente sincronización")
            }
        }
    }
}

/// A file readable by its owner only, created anew (never over another).
enum PrivateFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw CLIError.operational("no se pudo crear \(path) (detalle técnico: \(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        guard Foundation.write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw CLIError.operational("no se pudo escribir \(path) (detalle técnico: \(String(cString: strerror(errno))))")
        }
    }
}
