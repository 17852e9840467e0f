import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceNode
import Foundation

/// Talks to the running node daemon through its Unix socket.
struct NodeClient {
    let dataDirectory: String
    /// The servant every write names (`X-Enlace-Author`).
    let author: String?
    private let client: JSONClient

    init(dataDirectory: String, author: String? = nil, timeoutMillis: Int = 0) throws {
        self.dataDirectory = dataDirectory
        self.author = author
        do {
            client = try JSONClient(socket: NodeDaemon.socketPath(in: dataDirectory), headers: author.map { [("X-Enlace-Author", $0)] } ?? [],
                                    totalTimeoutMillis: timeoutMillis)
        } catch {
            throw CLIError(message: Wording.withDetail("no se pudo preparar la conexión con el nodo", error.message), exitCode: 1,
                           code: "daemon_unreachable", english: error.message)
        }
    }

    /// Whether a request writes a record (and so must name its servant).
    static func isWrite(_ method: String, _ path: String) -> Bool {
        ["POST", "PATCH", "PUT", "DELETE"].contains(method.uppercased()) && path != NodeRoute.sync
    }

    /// Sends a request; returns the JSON answer of a 2xx, throws a `CLIError` in Spanish
    /// otherwise. `type` and `collection` (`attentions`, `referrals`) say which record's fields
    /// a refusal names. A write without a servant is refused here, before the daemon is asked.
    func call(_ method: String, _ path: String, json body: JSONValue? = nil, raw: [UInt8]? = nil,
              contentType: String = "application/json", type: RecordType = .caseFile, collection: String? = nil) throws -> JSONValue {
        if NodeClient.isWrite(method, path), author == nil { throw Author.missing }
        let answer: JSONClient.Answer
        do {
            answer = try client.call(method, path, json: body, raw: raw, contentType: contentType)
        } catch {
            let socket = NodeDaemon.socketPath(in: dataDirectory)
            if FileManager.default.fileExists(atPath: socket), access(socket, R_OK | W_OK) != 0 {
                throw CLIError(
                    message: "no tienes permiso para usar el nodo de \(dataDirectory): pide a sistemas que te agreguen al grupo enlace "
                        + "(`sudo usermod -aG enlace \(NSUserName())`) y vuelve a entrar a tu sesión",
                    exitCode: 1, code: "daemon_forbidden", english: "permission denied on \(socket): join the group enlace")
            }
            if error.kind == .connection || FileManager.default.fileExists(atPath: socket) == false {
                let english = "the node daemon is not running on \(dataDirectory) (\(error.message)); "
                    + "see `systemctl status enlace-node` and `journalctl -u enlace-node`, or run `enlace node run --data \(dataDirectory)`"
                throw CLIError(
                    message: Wording.withDetail(
                        "el nodo no está en marcha en \(dataDirectory). En un equipo instalado con el paquete, "
                            + "`systemctl status enlace-node` y `journalctl -u enlace-node` dicen por qué, y `sudo systemctl start enlace-node` "
                            + "lo arranca; sin systemd, arráncalo con `enlace node run --data \(dataDirectory)`", error.message),
                    exitCode: 1, code: "daemon_unreachable", english: english)
            }
            throw CLIError(message: Wording.withDetail("el nodo no respondió; inténtalo de nuevo en un momento", error.message),
                           exitCode: 1, code: "daemon_unreachable", english: "the node daemon did not answer: \(error.message)")
        }
        guard answer.isSuccess else {
            let json = answer.json
            throw CLIError(
                message: Wording.refusal(json, status: answer.status, type: type, collection: collection),
                exitCode: answer.status >= 500 ? 1 : 2,
                code: json["code"]?.stringValue ?? Wording.code(forStatus: answer.status), status: answer.status,
                field: json["field"]?.stringValue,
                english: json["error"]?.stringValue ?? "the node answered HTTP \(answer.status)")
        }
        return answer.json
    }
}

/// Who makes a write: `--author`, else ENLACE_AUTHOR. Every entry names its servant.
enum Author {
    static var missing: CLIError {
        .usage("toda escritura nombra a la servidora o el servidor público que la hace: da --author ID o define ENLACE_AUTHOR")
    }

    /// The servant named by `flag`, else by ENLACE_AUTHOR; a usage error when neither names one.
    static func resolve(_ flag: String?) throws -> String {
        let candidates = [flag, ProcessInfo.processInfo.environment["ENLACE_AUTHOR"]]
        guard let author = candidates.compactMap({ $0?.trimmingCharacters(in: .whitespacesAndNewlines) }).first(where: { !$0.isEmpty }) else {
            throw missing
        }
        guard author.utf8.count <= Schema.maxAuthorLength, !author.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw CLIError.usage("--author: el nombre o número de la servidora o el servidor público lleva de 1 a \(Schema.maxAuthorLength) "
                + "bytes, en una sola línea")
        }
        return author
    }
}
