import ArgumentParser
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import Foundation

/// `--central URL --token TOKEN [--token-file FILE] [--ca-file FILE]`, for commands that talk
/// to the central server. The token may also come from `--token-file` or ENLACE_TOKEN.
struct CentralOptions: ParsableArguments {
    @Option(help: "La dirección del servidor central (https://…, o http:// en esta misma máquina).") var central: String
    @Option(help: "El token de una persona usuaria de la oficina (si no lo das: --token-file o la variable ENLACE_TOKEN).")
    var token: String?
    @Option(help: ArgumentHelp("Un archivo cuya primera línea es el token de la oficina (así el token no queda en el historial).",
                               valueName: "file"))
    var tokenFile: String?
    @Option(help: "Certificados de confianza (CA) que verifican el del servidor central.") var caFile: String?

    func validate() throws {
        if let problem = Wording.transportProblem(central) { throw ValidationError("--central: \(problem)") }
    }
}

/// The office user's token: `--token`, then `--token-file FILE` (its first line), then
/// ENLACE_TOKEN; none is a usage error naming the three ways.
enum OfficeToken {
    static func resolve(token: String?, file: String?) throws -> String {
        if let token, !token.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return token.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError.usage("--token-file \(file): no se puede leer ese archivo (no existe o no tienes permiso)")
            }
            let first = String(decoding: data, as: UTF8.self).split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
            guard !first.isEmpty else {
                throw CLIError.usage("--token-file \(file): el archivo está vacío; su primera línea debe ser el token de la oficina")
            }
            return first
        }
        if let environment = ProcessInfo.processInfo.environment["ENLACE_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines),
           !environment.isEmpty
        {
            return environment
        }
        throw CLIError.usage("falta el token de la oficina: da --token TOKEN, --token-file ARCHIVO o define ENLACE_TOKEN")
    }
}

/// Talks to the central server's office paths with a bearer token.
struct CentralClient {
    let central: String
    let token: String
    let caFile: String?

    init(central: String, token: String, caFile: String? = nil) {
        self.central = central
        self.token = token
        self.caFile = caFile
    }

    /// A client for `--central`, with the token from `--token`, `--token-file` or ENLACE_TOKEN.
    init(options: CentralOptions) throws {
        let token = try OfficeToken.resolve(token: options.token, file: options.tokenFile)
        self.init(central: options.central, token: token, caFile: options.caFile)
    }

    /// Sends a request; returns the JSON answer of a 2xx, throws a `CLIError` in Spanish
    /// otherwise (its `code` is the server's, e.g. `already_done`). `type` says which record's
    /// fields a refusal names.
    func call(_ method: String, _ path: String, json body: JSONValue? = nil, type: RecordType = .caseFile) throws -> JSONValue {
        var configuration = HTTPClientConfiguration()
        configuration.caFile = caFile
        configuration.totalTimeoutMillis = 60_000
        let answer: JSONClient.Answer
        do {
            answer = try JSONClient(baseURL: central, headers: [("Authorization", "Bearer \(token)")],
                                    configuration: configuration).call(method, path, json: body)
        } catch {
            throw CLIError(
                message: Wording.withDetail("el servidor central \(central) no responde: revisa la red o la dirección, o inténtalo más tarde",
                                            error.message),
                exitCode: 1, code: "central_unreachable", english: "central server \(central) unreachable: \(error.message)")
        }
        guard answer.isSuccess else {
            let json = answer.json
            throw CLIError(
                message: Wording.refusal(json, status: answer.status, type: type),
                exitCode: [401, 403].contains(answer.status) || answer.status >= 500 ? 1 : 2,
                code: json["code"]?.stringValue ?? Wording.code(forStatus: answer.status), status: answer.status,
                field: json["field"]?.stringValue,
                english: json["error"]?.stringValue ?? "central server answered \(answer.status): \(answer.text)")
        }
        return answer.json
    }
}
