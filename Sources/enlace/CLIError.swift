import ArgumentParser
import EnlaceAPI
import EnlaceConfig
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import EnlaceWeb
import Foundation

/// A failure reported as one Spanish line on stderr ("enlace: …") with the exit codes of
/// docs/cli.md: 1 operational failure, 2 usage or validation error.
struct CLIError: Error {
    /// What people read, in Spanish (without the "enlace: " prefix).
    let message: String
    let exitCode: Int32
    /// The stable code of the API's refusal (`not_in_vocabulary`, `already_done`, …) or of the
    /// failure (`daemon_unreachable`), when there is one.
    var code: String? = nil
    /// The HTTP status of the answer that refused, when one did.
    var status: Int? = nil
    /// The field the refusal names, as the API named it.
    var field: String? = nil
    /// The English message (for `--json`, logs and ENLACE_DEBUG).
    var english: String? = nil

    static func operational(_ message: String) -> CLIError { CLIError(message: message, exitCode: 1) }
    static func usage(_ message: String) -> CLIError { CLIError(message: message, exitCode: 2) }
}

/// Runs `body`, turning any error into one Spanish line on stderr and its exit code.
func reporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        throw reported(error)
    }
}

/// `reporting`, for a command whose work awaits (a store, the network).
func reporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        throw reported(error)
    }
}

/// Writes `error` in Spanish to standard error: the exit code it ends the command with.
private func reported(_ error: any Error) -> ExitCode {
    if let exit = error as? ExitCode { return exit }
    let failure = Wording.failure(error)
    FileHandle.standardError.write(Data("enlace: \(failure.message)\n".utf8))
    return ExitCode(failure.exitCode)
}

/// How errors read in Spanish: the API's refusals through `ErrorWording`, the store's and the
/// keys' failures sentence by sentence. The English message only shows with ENLACE_DEBUG set.
enum Wording {
    /// Whether ENLACE_DEBUG is set: then the English message follows the Spanish one.
    static var debug: Bool { ProcessInfo.processInfo.environment["ENLACE_DEBUG"] != nil }

    /// `spanish`, followed by "(detalle técnico: english)" when ENLACE_DEBUG is set.
    static func withDetail(_ spanish: String, _ english: String?) -> String {
        guard debug, let english, !english.isEmpty else { return spanish }
        return spanish + " (detalle técnico: \(english))"
    }

    /// The code of an answer that carries none, from its HTTP status (as the servers name them).
    static func code(forStatus status: Int) -> String { APIError.code(forStatus: status) }

    /// A field path as the schema reads it: an item id becomes `*` (`attentions.*.kind`); a bare
    /// name written through an item's path (`kind` on `…/attentions`) becomes the item's field.
    static func schemaPath(_ path: String, type: RecordType, collection: String? = nil) -> String {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 3, type.schema.collection(named: parts[0]) != nil { return "\(parts[0]).*.\(parts[2])" }
        if let collection, parts.count == 1, type.schema.spec(forPath: "\(collection).*.\(path)") != nil {
            return "\(collection).*.\(path)"
        }
        return path
    }

    /// An API's error answer (`{"error", "field", "code"}`) in Spanish: ErrorWording's sentence,
    /// then one line per bad row of an import ("línea N: …").
    static func refusal(_ answer: JSONValue, status: Int, type: RecordType = .caseFile, collection: String? = nil) -> String {
        let stable = answer["code"]?.stringValue ?? Wording.code(forStatus: status)
        let field = answer["field"]?.stringValue.map { schemaPath($0, type: type, collection: collection) }
        let english = answer["error"]?.stringValue ?? "HTTP \(status)"
        return withDetail(ErrorWording.spanish(code: stable, field: field, type: type), english)
            + rows(answer["rows"]?.arrayValue ?? [], type: type)
    }

    /// The bad rows of an import, one Spanish line each (rows carry no code: `invalid_value`).
    static func rows(_ rows: [JSONValue], type: RecordType) -> String {
        rows.map { row in
            let line = row["line"]?.intValue.map { String($0) } ?? "?"
            let field = row["field"]?.stringValue.map { schemaPath($0, type: type) }
            return "\n  línea \(line): " + withDetail(ErrorWording.spanish(code: "invalid_value", field: field, type: type), row["error"]?.stringValue)
        }.joined()
    }

    /// The code the APIs give a refusal (the mapping of `APIError.init(_: Refusal)`).
    static func code(of refusal: Refusal) -> String {
        switch refusal {
        case .malformed: "malformed"
        case .invalid(let error): error.kind.rawValue
        case .notFound: "not_found"
        case .conflict: "conflict"
        case .superseded: "superseded"
        case .gap: "gap"
        case .diverged: "diverged"
        case .staleCursor: "stale_cursor"
        case .unauthenticated: "unauthenticated"
        case .clockSkew: "clock_skew"
        case .forbidden: "forbidden"
        case .tooLarge: "too_large"
        case .unprocessable: "unprocessable"
        case .invalidRows: "invalid_rows"
        case .alreadyDone: "already_done"
        }
    }

    /// Fields of local commands named by their flag (`--reason`), others by the schema's path.
    static func localField(_ field: String?) -> String? {
        if field == "reason" { return "--reason" }
        if field == "legal_basis" { return "--legal-basis" }
        return field
    }

    /// A refusal thrown by the store or the server opened locally (a `central` command), in
    /// Spanish, as the APIs would word it.
    static func spanish(_ refusal: Refusal, type: RecordType = .caseFile) -> String {
        var text = withDetail(ErrorWording.spanish(code: code(of: refusal), field: localField(refusal.field), type: type), refusal.description)
        if case .invalidRows(_, let bad) = refusal { text += rows(bad, type: type) }
        return text
    }

    /// A store failure in Spanish. Free-text reasons (a path, SQLite's or PostgreSQL's words)
    /// follow as the technical detail: they name what an administrator must look at.
    static func spanish(_ error: StoreError) -> String {
        switch error {
        case .conflictingEntry(let id):
            return "ya hay otra entrada distinta con la identidad \(id): las identidades nunca se reutilizan"
        case .notInitialized(let path):
            return "no hay un almacén de Enlace en \(path): créalo primero con `enlace node init` (o `enlace central init`)"
        case .alreadyInitialized(let path):
            return "ya existe un almacén de Enlace en \(path)"
        case .corrupt(let reason):
            return "los datos están dañados; no se modificaron. Avisa a sistemas (detalle técnico: \(reason))"
        case .unavailable(let reason):
            return "no se pudo usar el almacén de datos; nada se dañó (detalle técnico: \(reason))"
        case .diskFull(let reason):
            return withDetail(ErrorWording.spanish(code: "disk_full", field: nil), reason)
        case .duplicateCredential(let reason):
            return "ya tiene una credencial vigente (detalle técnico: \(reason))"
        case .formatV1(let path):
            return "\(path) guarda un diario en formato v1, que esta versión no lee: mueve la carpeta a otro lugar y vuelve a ejecutar "
                + "`enlace node init` o `enlace central init` (docs/JOURNAL-FORMAT.md)"
        case .brokenChain(let reason):
            return "una entrada no continúa la cadena de su origen: fue alterada, reordenada o le falta la anterior (detalle técnico: \(reason))"
        case .newerRelease(let path, let release):
            return "\(path) lo escribió Enlace \(release), más nuevo que este \(SoftwareRelease.current): las versiones solo avanzan; "
                + "instala \(release) o posterior (una copia hecha antes de actualizar sí abre con esta)"
        case .locked(let path):
            return "\(path) está cifrado y se abrió sin su llave privada (node.key o central.key): indica la carpeta de las llaves "
                + "con --credentials o con el ajuste credentials"
        }
    }

    /// Why a central server's URL may not be used, in Spanish, or nil when it may.
    static func transportProblem(_ url: String) -> String? {
        guard let problem = TransportPolicy.problem(centralURL: url) else { return nil }
        if problem.hasSuffix("is not a URL") { return "«\(url)» no es una dirección válida (por ejemplo https://enlace.leon.gob.mx)" }
        if problem.contains("credentials do not belong") { return "«\(url)»: la dirección no lleva usuario ni contraseña" }
        if problem.contains("expected https://") { return "«\(url)»: usa https:// (o http:// solo en esta misma máquina)" }
        return "«\(url)»: un servidor central fuera de esta máquina requiere https://"
    }

    /// Any error as people read it, with its exit code: what was asked is wrong (a malformed or
    /// refused value) is a usage error, exit 2; what the store says against it, exit 1.
    /// `fallback` opens the message of an error this function has no words for (its English
    /// description follows as the technical detail).
    static func failure(_ error: Error, fallback: String = "no se pudo terminar") -> CLIError {
        switch error {
        case let error as CLIError:
            return error
        case let refusal as Refusal:
            switch refusal {
            case .malformed, .invalid, .invalidRows: return .usage(spanish(refusal))
            default: return .operational(spanish(refusal))
            }
        case let error as EnlaceModel.ValidationError:
            return failure(Refusal.invalid(error))
        case let error as PatchError:
            return failure(Refusal(error))
        case let error as StoreError:
            return .operational(spanish(error))
        case let error as KeyError:
            return .operational(spanish(error))
        case let error as ConfigError:
            return .usage("la configuración no es válida: \(error.description)")
        default:
            if let store = StoreError(translating: error) { return .operational(spanish(store)) }
            return .operational("\(fallback) (detalle técnico: \(error))")
        }
    }

    /// A key failure in Spanish; the paths stay as they are.
    static func spanish(_ error: KeyError) -> String {
        let text = error.description
        let unreadable = (prefix: "cannot read the private key ", suffix: " (missing or not readable)")
        if text.hasPrefix(unreadable.prefix), text.hasSuffix(unreadable.suffix) {
            let path = text.dropFirst(unreadable.prefix.count).dropLast(unreadable.suffix.count)
            return "no se puede leer la llave privada \(path) (no existe o no hay permiso para leerla): indica la carpeta de las llaves "
                + "con --credentials o con el ajuste credentials"
        }
        let taken = " already holds a key; a key file is never overwritten"
        if text.hasSuffix(taken) {
            return "\(text.dropLast(taken.count)) ya tiene una llave; un archivo de llave nunca se sobrescribe"
        }
        let noToken = (prefix: "no node token in ", suffix: ": the node's credentials are kept there (see `enlace node init --credentials`)")
        if text.hasPrefix(noToken.prefix), text.hasSuffix(noToken.suffix) {
            let path = text.dropFirst(noToken.prefix.count).dropLast(noToken.suffix.count)
            return "falta el token del nodo en \(path): ahí se guardan las credenciales del nodo (mira `enlace node init --credentials`)"
        }
        if let range = text.range(of: " can be read by others ("), text.hasPrefix("the private key "), text.contains("run `chmod 600 ") {
            let path = text[text.index(text.startIndex, offsetBy: "the private key ".count)..<range.lowerBound]
            let mode = text[range.upperBound...].prefix { $0 != ")" }.replacingOccurrences(of: "mode ", with: "permisos ")
            return "la llave privada \(path) la pueden leer otras personas (\(mode)); una llave privada es solo de su dueño: "
                + "ejecuta `chmod 600 \(path)`"
        }
        return "problema con las llaves de este equipo (detalle técnico: \(text))"
    }
}

/// ArgumentParser's own words (help headers, usage errors) in Spanish; our own texts already are.
enum ParserWording {
    static let replacements: [(String, String)] = [
        ("Error: ", "enlace: "),
        ("OVERVIEW:", "DESCRIPCIÓN:"),
        ("USAGE:", "USO:"),
        ("ARGUMENTS:", "ARGUMENTOS:"),
        ("OPTIONS:", "OPCIONES:"),
        ("SUBCOMMANDS:", "SUBCOMANDOS:"),
        ("Show help information.", "Muestra esta ayuda."),
        ("Show the version.", "Muestra la versión."),
        ("(default: ", "(por omisión: "),
        ("' for detailed help.", "' para ver la ayuda de cada uno."),
        ("  See '", "  Consulta '"),
        ("See '", "Consulta '"),
        ("' for more information.", "' para más información."),
        ("Usage: ", "Uso: "),
        ("Help:  ", "Ayuda: "),
        ("Missing expected argument '", "Falta el argumento '"),
        ("Missing value for '", "Falta el valor de '"),
        ("Unknown option '", "Opción desconocida '"),
        ("'. Did you mean '", "'. ¿Quisiste decir '"),
        ("Unexpected argument '", "Argumento inesperado '"),
        ("Unexpected arguments '", "Argumentos inesperados '"),
        ("The value '", "El valor '"),
        ("' is invalid for '", "' no es válido para '"),
        ("Missing required subcommand", "Falta el subcomando"),
    ]

    /// `text` with ArgumentParser's English phrases in Spanish.
    static func spanish(_ text: String) -> String {
        replacements.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }
}
