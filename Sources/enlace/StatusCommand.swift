import ArgumentParser
import EnlaceModel
import EnlaceProtocol
import EnlaceWeb
import Foundation

/// `enlace status`: the node's state, from the running daemon.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Muestra el estado del nodo: lo que falta por enviar, la última sincronización y el próximo intento.")

    @OptionGroup var options: DataOptions

    /// A count of entries in words.
    static func entries(_ count: Int) -> String {
        count == 1 ? "1 entrada" : "\(count) entradas"
    }

    /// The last failed round's reason, as people read it (the English one with ENLACE_DEBUG).
    static func lastError(_ text: String) -> String {
        let spanish = text.contains(" unreachable") ? "el servidor central no respondió"
            : "el servidor central rechazó la sincronización o su respuesta no se entendió"
        return Wording.withDetail(spanish, text)
    }

    func run() throws {
        try reporting {
            let answer = try NodeClient(dataDirectory: options.data).call("GET", NodeRoute.status)
            if options.json { print(answer.canonicalText); return }
            let status: NodeStatus
            do { status = try NodeStatus.decode(answer) } catch {
                throw CLIError(message: "la respuesta del nodo no se entendió; ¿corren la misma versión el nodo y este comando?", exitCode: 1,
                               english: "\(error)")
            }
            var rows: [(String, String)] = [
                ("Nodo", "\(status.nodeID) — \(DisplayVocabulary.department(status.department)), época \(status.epoch)"),
                ("Servidor central", status.centralURL),
                ("Último intento", Render.time(status.lastAttemptAt)),
                ("Última sincronización correcta", Render.time(status.lastSyncAt)),
                ("Próximo intento", Render.time(status.nextAttemptAt)),
            ]
            if let error = status.lastError { rows.append(("Último error", StatusCommand.lastError(error))) }
            rows += [
                ("Por enviar", StatusCommand.entries(status.pendingEntries)),
                ("En cuarentena", StatusCommand.entries(status.quarantinedEntries) + " (guardadas en su cadena, sin aplicar)"),
                ("Conflictos abiertos", "\(status.openConflicts)" + Render.byDepartment(status.openConflictsByDepartment)),
                ("En el diario", StatusCommand.entries(status.journalEntries)),
                ("Diferencia de reloj", "\(status.clockOffsetMillis) ms (el reloj del servidor central menos el de este nodo)"),
            ]
            if let recovery = status.recovery {
                rows.append(("Recuperación", "tras restaurar una copia, el \(Render.time(recovery.at)): dejó la época \(recovery.fromEpoch), "
                    + "rehízo \(recovery.remade) cambios que nunca habían salido y renumeró \(recovery.renumbered) casos "
                    + "(el folio anterior queda como «\(DisplayVocabulary.fieldLabel("folio_alias"))»)"))
            }
            print(TextTable(header: ["", ""], rows: rows.map { [$0.0 + ":", $0.1] }).render().split(separator: "\n").dropFirst().joined(separator: "\n"))
        }
    }
}

/// `enlace sync`: asks the daemon for a sync round now.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Sincroniza ahora con el servidor central y muestra lo que se envió y lo que se recibió.",
        discussion: "Con --json, imprime la respuesta del nodo; si falla, un objeto {\"error\", \"code\", \"status\"} y termina con 1.")

    @OptionGroup var options: DataOptions

    func run() throws {
        try reporting {
            let data = options.data
            let result: JSONValue
            do {
                // While the round runs, the daemon's status shows the backlog shrinking and the journal growing.
                result = try Progress.around("sincronizando con el servidor central…", status: {
                    guard let answer = try? NodeClient(dataDirectory: data).call("GET", NodeRoute.status),
                          let status = try? NodeStatus.decode(answer)
                    else { return nil }
                    return "por enviar \(status.pendingEntries), en el diario \(status.journalEntries)"
                }) {
                    try NodeClient(dataDirectory: data).call("POST", NodeRoute.sync)
                }
            } catch let error as CLIError {
                if options.json {
                    print(JSONValue.object([
                        "error": .string(error.english ?? error.message),
                        "code": .string(error.code ?? "internal"),
                        "status": error.status.map { JSONValue.int(Int64($0)) } ?? .null,
                    ]).canonicalText)
                }
                throw CLIError(message: "no se pudo sincronizar: " + SyncCommand.reason(error, data: data), exitCode: 1,
                               code: error.code, status: error.status, english: error.english)
            }
            if options.json { print(result.canonicalText); return }
            print(SyncCommand.summary(result))
        }
    }

    /// Why the round failed, in Spanish: the central server unreachable (named by its URL), or
    /// the daemon's refusal as ErrorWording says it.
    static func reason(_ error: CLIError, data: String) -> String {
        guard error.status == 503, error.code == "unavailable" || error.code == nil else { return error.message }
        let url = (try? NodeClient(dataDirectory: data).call("GET", NodeRoute.status)).flatMap { try? NodeStatus.decode($0) }?.centralURL
        return Wording.withDetail(
            "el servidor central\(url.map { " (\($0))" } ?? "") no responde. Lo que registraste queda guardado en este nodo "
                + "y se enviará en el próximo intento", error.english)
    }

    /// What a round moved, in a sentence (and what else it did, if anything).
    static func summary(_ result: JSONValue) -> String {
        guard let report = try? RoundReport.decode(result) else { return "sincronizado (la respuesta del nodo no se entendió: \(result.canonicalText))" }
        func plural(_ count: Int, _ one: String, _ many: String) -> String { "\(count) \(count == 1 ? one : many)" }
        var lines = ["sincronizado: \(plural(report.pushed, "enviado", "enviados")), \(plural(report.pulled, "recibido", "recibidos")), "
            + "\(plural(report.conflictsOpened, "conflicto nuevo", "conflictos nuevos")), en \(report.durationMillis) ms"]
        if report.casesPurged > 0 {
            lines.append(report.casesPurged == 1 ? "1 caso salió del alcance de este departamento y se borró de este nodo"
                         : "\(report.casesPurged) casos salieron del alcance de este departamento y se borraron de este nodo")
        }
        if report.relayed > 0 {
            lines.append("\(report.relayed) entradas de otros nodos reenviadas al servidor central restaurado, que no las tenía")
        }
        if report.retimed > 0 {
            lines.append("\(report.retimed) entradas propias rehechas con la hora corregida")
        }
        if let recovery = report.recovery {
            lines.append("el nodo se recuperó de una restauración: ahora escribe en la época \(recovery.toEpoch); "
                + "rehízo \(recovery.remade) cambios y renumeró \(recovery.renumbered) casos")
        }
        return lines.joined(separator: "\n")
    }
}
