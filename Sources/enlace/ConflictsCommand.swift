import ArgumentParser
import EnlaceModel
import EnlaceProtocol
import EnlaceWeb
import Foundation

/// `enlace conflicts list|show|resolve`: the central office's desk.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "Revisa y resuelve en el servidor central los conflictos entre versiones.",
        discussion: "Necesitan el token de una persona usuaria de la oficina: --token TOKEN, --token-file ARCHIVO o la variable ENLACE_TOKEN.",
        subcommands: [List.self, Show.self, Resolve.self])

    /// "caso 01H…" / "certificación 01H…".
    static func record(_ conflict: ConflictAnswer) -> String {
        "\(Render.typeName(conflict.recordType)) \(conflict.recordID)"
    }

    /// "abierto" / "resuelto".
    static func status(_ status: Conflict.Status) -> String {
        status == .open ? "abierto" : "resuelto"
    }

    /// The central server's answer read as a conflict, or a clear error.
    static func conflict(_ answer: JSONValue) throws -> ConflictAnswer {
        try understood { try ConflictAnswer.decode(answer) }
    }

    /// What `read` makes of the central server's answer, or an error saying it was not understood.
    static func understood<T>(_ read: () throws -> T) throws -> T {
        do { return try read() } catch {
            throw CLIError(message: "la respuesta del servidor central no se entendió; ¿corren versiones compatibles?", exitCode: 1,
                           english: "\(error)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista los conflictos por revisar.")
        @OptionGroup var central: CentralOptions
        @Option(help: "open (abiertos) o resolved (resueltos).") var status: String = "open"
        @Option(help: "Solo los registros de este departamento (por ejemplo DIF).") var department: String?
        @Option(help: "case (casos) o certification (certificaciones).") var recordType: String?
        @Option(help: "Solo los campos que empiezan con esta ruta (por ejemplo person).") var field: String?
        @Option(help: "Solo los conflictos cuya primera versión tiene más de estas horas.") var olderThanHours: Int?
        @Flag(help: "JSON en lugar de una tabla (claves en inglés, para programas).") var json = false

        func run() throws {
            try reporting {
                var query = ["status=\(status)"]
                if let department { query.append("department=\(department)") }
                if let recordType { query.append("record_type=\(recordType)") }
                if let field { query.append("field=\(field)") }
                if let olderThanHours { query.append("older_than_hours=\(olderThanHours)") }
                let page = try CentralClient(options: central).call("GET", OfficeRoute.conflicts + "?" + query.joined(separator: "&"))
                if json { print(page.canonicalText); return }
                let items = try ConflictsCommand.understood { try ConflictAnswer.decodePage(page).items }
                if !items.isEmpty {
                    print(TextTable(header: ["Identificador", "Registro", "Campo", "Regla", "Versiones", "Se muestra", "Estado"], rows: items.map { item -> [String] in
                        [item.id, ConflictsCommand.record(item), Render.label(item.field, type: item.recordType), DisplayVocabulary.rule(item.rule.rawValue),
                         String(item.versions.count), Render.shown(item.provisionalValue, path: item.field, type: item.recordType),
                         ConflictsCommand.status(item.status)]
                    }).render())
                }
                let resolved = status == "resolved"
                switch items.count {
                case 0: print(resolved ? "No hay conflictos resueltos." : "No hay conflictos abiertos.")
                case 1: print(resolved ? "1 conflicto resuelto" : "1 conflicto abierto")
                default: print("\(items.count) conflictos \(resolved ? "resueltos" : "abiertos")")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Muestra un conflicto: las versiones lado a lado, con quién, dónde y cuándo.")
        @OptionGroup var central: CentralOptions
        @Argument(help: "El identificador del conflicto.") var id: String
        @Flag(help: "JSON en lugar de texto (claves en inglés, para programas).") var json = false

        func run() throws {
            try reporting {
                let answer = try CentralClient(options: central).call("GET", OfficeRoute.conflict(id))
                if json { print(answer.canonicalText); return }
                let conflict = try ConflictsCommand.conflict(answer)
                let (type, path) = (conflict.recordType, conflict.field)
                print("Conflicto \(id) (\(ConflictsCommand.status(conflict.status)))")
                print("Registro:   \(ConflictsCommand.record(conflict))")
                print("Campo:      \(Render.label(path, type: type)) (\(path))")
                print("Regla:      \(DisplayVocabulary.rule(conflict.rule.rawValue))")
                print("Se muestra: \(Render.shown(conflict.provisionalValue, path: path, type: type))\n")
                print(TextTable(header: ["#", "Valor", "Nodo", "Autor", "Fecha y hora"], rows: conflict.versions.enumerated().map { index, version -> [String] in
                    [String(index + 1), Render.shown(version.value, path: path, type: type), version.nodeID, version.author ?? "—",
                     Render.time(version.at)]
                }).render())
                if let resolution = conflict.resolution {
                    print("\nResuelto con «\(Render.shown(resolution.value, path: path, type: type))» por \(resolution.by) "
                        + "el \(Render.time(resolution.at)): \(resolution.note ?? "—")")
                } else {
                    print("\nPara resolverlo: enlace conflicts resolve \(id) --take N --note \"…\" --central \(central.central)")
                }
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resuelve un conflicto con un valor o con una de sus versiones.",
            discussion: "Si el conflicto ya estaba resuelto, lo dice y termina sin error: nada cambia.")
        @OptionGroup var central: CentralOptions
        @Argument(help: "El identificador del conflicto.") var id: String
        @Option(help: "El valor (JSON cuando se puede leer como JSON, texto si no).") var value: String?
        @Option(help: "Toma la versión N (contando desde 1, en el orden en que `show` las muestra).") var take: Int?
        @Option(help: "Por qué (queda con la resolución).") var note: String?
        @Flag(help: "JSON en lugar de texto (claves en inglés, para programas).") var json = false

        func validate() throws {
            guard (value == nil) != (take == nil) else { throw ValidationError("da solo una de las dos: --value o --take") }
            if let take, take < 1 { throw ValidationError("--take cuenta las versiones desde 1") }
        }

        func run() throws {
            try reporting {
                let client = try CentralClient(options: central)
                let chosen: JSONValue
                if let take {
                    let versions = try ConflictsCommand.conflict(try client.call("GET", OfficeRoute.conflict(id))).versions
                    guard take <= versions.count else {
                        throw CLIError.usage("--take \(take): el conflicto tiene \(versions.count == 1 ? "1 versión" : "\(versions.count) versiones")")
                    }
                    chosen = versions[take - 1].value
                } else {
                    chosen = (try? JSONValue.parse(value!)) ?? .string(value!)
                }
                var body: [String: JSONValue] = ["value": chosen]
                if let note { body["note"] = .string(note) }
                let resolved: JSONValue
                do {
                    resolved = try client.call("POST", OfficeRoute.resolve(id), json: .object(body))
                } catch let error as CLIError where error.code == "already_done" {
                    // Resolved before (by someone else, or by this command run twice): nothing changed.
                    let earlier = try? client.call("GET", OfficeRoute.conflict(id))
                    let resolution = (earlier.flatMap { try? ConflictAnswer.decode($0) })?.resolution
                    let who = resolution.map { " por \($0.by)" } ?? ""
                    let when = resolution.map { " el \(LeonTime.format($0.at))" } ?? ""
                    print(json ? JSONValue.object(["id": .string(id), "already_resolved": true, "resolution": earlier?["resolution"] ?? .null]).canonicalText
                          : "El conflicto \(id) ya estaba resuelto\(who)\(when). " + ErrorWording.spanish(code: "already_done", field: nil))
                    return
                } catch let error as CLIError where error.status == 422 || error.status == 400 {
                    // A value the field does not accept: name the field of the conflict's own record.
                    throw reworded(error, client: client)
                }
                if json { print(resolved.canonicalText); return }
                let conflict = try ConflictsCommand.conflict(resolved)
                let (type, path) = (conflict.recordType, conflict.field)
                print("Conflicto \(id) resuelto: \(Render.label(path, type: type)) queda «\(Render.shown(chosen, path: path, type: type))» "
                    + "en \(ConflictsCommand.record(conflict)). Los nodos lo aplican en su próxima sincronización.")
            }
        }

        /// The refusal worded for the conflict's record type (a certification's `status` is not a
        /// case's); the error itself when the conflict cannot be read.
        func reworded(_ error: CLIError, client: CentralClient) -> CLIError {
            guard let answer = try? client.call("GET", OfficeRoute.conflict(id)), let conflict = try? ConflictAnswer.decode(answer) else { return error }
            let type = conflict.recordType
            guard type != .caseFile, let code = error.code, let field = error.field, field == conflict.field else { return error }
            return CLIError(message: Wording.withDetail(ErrorWording.spanish(code: code, field: Wording.schemaPath(field, type: type), type: type),
                                                        error.english),
                            exitCode: error.exitCode, code: error.code, status: error.status, field: error.field, english: error.english)
        }
    }
}
