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
    static func entries(_ value: JSONValue?) -> String {
        guard let count = value?.intValue else { return Render.text(value) }
        return count == 1 ? "1 entrada" : "\(count) entradas"
    }

    /// The last failed round's reason, as people read it (the English one with ENLACE_DEBUG).
    static func lastError(_ text: String) -> String {
        let spanish = text.contains(" unreachable") ? "el servidor central no respondió"
            : "el servidor central rechazó la sincronización o su respuesta no se entendió"
        return Wording.withDetail(spanish, text)
    }

    func run() throws {
        try reporting {
            let status = try NodeClient(dataDirectory: options.data).call("GET", NodeRoute.status)
            if options.json { print(status.canonicalText); return }
            let department = status["department"]?.stringValue.map(DisplayVocabulary.department) ?? "?"
            var rows: [(String, String)] = [
                ("Nodo", "\(status["node_id"]?.stringValue ?? "?") — \(department), época \(Render.text(status["epoch"]))"),
                ("Servidor central", status["central_url"]?.stringValue ?? "?"),
                ("Último intento", Render.time(status["last_attempt_at"])),
                ("Última sincronización correcta", Render.time(status["last_sync_at"])),
                ("Próximo intento", Render.time(status["next_attempt_at"])),
            ]
            if let error = status["last_error"]?.stringValue { rows.append(("Último error", StatusCommand.lastError(error))) }
            rows += [
                ("Por enviar", StatusCommand.entries(status["pending_entries"])),
                ("En cuarentena", StatusCommand.entries(status["quarantined_entries"]) + " (guardadas en su cadena, sin aplicar)"),
                ("Conflictos abiertos", Render.text(status["open_conflicts"]) + Render.byDepartment(status["open_conflicts_by_department"])),
                ("En el diario", StatusCommand.entries(status["journal_entries"])),
                ("Diferencia de reloj", "\(Render.text(status["clock_offset_ms"])) ms (el reloj del servidor central menos el de este nodo)"),
            ]
            if let recovery = status["recovery"], recovery != .null {
                rows.append(("Recuperación", "tras restaurar una copia, el \(Render.time(recovery["at"])): dejó la época \(Render.text(recovery["from_epoch"])), "
                    + "rehízo \(Render.text(recovery["remade"])) cambios que nunca habían salido y renumeró \(Render.text(recovery["renumbered"])) casos "
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
                    guard let status = try? NodeClient(dataDirectory: data).call("GET", NodeRoute.status) else { return nil }
                    return "por enviar \(Render.text(status["pending_entries"])), en el diario \(Render.text(status["journal_entries"]))"
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
        let url = (try? NodeClient(dataDirectory: data).call("GET", NodeRoute.status))?["central_url"]?.stringValue
        return Wording.withDetail(
            "el servidor central\(url.map { " (\($0))" } ?? "") no responde. Lo que registraste queda guardado en este nodo "
                + "y se enviará en el próximo intento", error.english)
    }

    /// What a round moved, in a sentence (and what else it did, if anything).
    static func summary(_ result: JSONValue) -> String {
        func count(_ key: String) -> Int64 { result[key]?.intValue ?? 0 }
        let conflicts = count("conflicts_opened")
        var lines = ["sincronizado: \(count("pushed")) \(count("pushed") == 1 ? "enviado" : "enviados"), "
            + "\(count("pulled")) \(count("pulled") == 1 ? "recibido" : "recibidos"), "
            + "\(conflicts) \(conflicts == 1 ? "conflicto nuevo" : "conflictos nuevos"), en \(count("duration_ms")) ms"]
        if let purged = result["purged"], let cases = purged["cases"]?.intValue, cases > 0 {
            lines.append(cases == 1 ? "1 caso salió del alcance de este departamento y se borró de este nodo"
                         : "\(cases) casos salieron del alcance de este departamento y se borraron de este nodo")
        }
        if count("relayed") > 0 {
            lines.append("\(count("relayed")) entradas de otros nodos reenviadas al servidor central restaurado, que no las tenía")
        }
        if count("retimed") > 0 {
            lines.append("\(count("retimed")) entradas propias rehechas con la hora corregida")
        }
        if let recovery = result["recovery"], !recovery.isNull {
            lines.append("el nodo se recuperó de una restauración: ahora escribe en la época \(Render.text(recovery["to_epoch"])); "
                + "rehízo \(Render.text(recovery["remade"])) cambios y renumeró \(Render.text(recovery["renumbered"])) casos")
        }
        return lines.joined(separator: "\n")
    }
}
