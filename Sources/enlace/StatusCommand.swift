import ArgumentParser
import EnlaceModel

/// `enlace status`: the node's state, from the running daemon.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the node's state.")

    @OptionGroup var options: DataOptions

    func run() throws {
        try reporting {
            let status = try NodeClient(dataDirectory: options.data).call("GET", "/v1/status")
            if options.json { print(status.canonicalText); return }
            var rows: [(String, String)] = [
                ("node", "\(status["node_id"]?.stringValue ?? "?") (\(status["department"]?.stringValue ?? "?")), epoch \(Render.text(status["epoch"]))"),
                ("central server", status["central_url"]?.stringValue ?? "?"),
                ("journal entries", Render.text(status["journal_entries"])),
                ("pending entries", Render.text(status["pending_entries"])),
                ("quarantined", Render.text(status["quarantined_entries"]) + " (kept in their chain, not applied)"),
                ("clock offset", "\(Render.text(status["clock_offset_ms"])) ms (the central server's clock minus this node's)"),
                ("open conflicts", Render.text(status["open_conflicts"]) + Render.byDepartment(status["open_conflicts_by_department"])),
                ("last sync", status["last_sync_at"]?.stringValue ?? "never"),
                ("last error", status["last_error"]?.stringValue ?? "none"),
            ]
            if let recovery = status["recovery"], recovery != .null {
                rows.append(("recovered", "from a restore at \(Render.text(recovery["at"])): left epoch \(Render.text(recovery["from_epoch"])), "
                    + "re-made \(Render.text(recovery["remade"])) edits that never left, \(Render.text(recovery["renumbered"])) cases renumbered "
                    + "(old folio kept as folio_alias)"))
            }
            print(TextTable(header: ["", ""], rows: rows.map { [$0.0 + ":", $0.1] }).render().split(separator: "\n").dropFirst().joined(separator: "\n"))
        }
    }
}

/// `enlace sync`: asks the daemon for a sync round now.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync", abstract: "Run a sync round now and print what moved.")

    @OptionGroup var options: DataOptions

    func run() throws {
        try reporting {
            do {
                let data = options.data
                // While the round runs, the daemon's status shows the backlog shrinking and the journal growing.
                let result = try Progress.around("sincronizando con el servidor central…", status: {
                    guard let status = try? NodeClient(dataDirectory: data).call("GET", "/v1/status") else { return nil }
                    return "por enviar \(Render.text(status["pending_entries"])), en el diario \(Render.text(status["journal_entries"]))"
                }) {
                    try NodeClient(dataDirectory: data).call("POST", "/v1/sync")
                }
                if options.json { print(result.canonicalText); return }
                print("pushed \(Render.text(result["pushed"])), pulled \(Render.text(result["pulled"])), "
                    + "conflicts opened \(Render.text(result["conflicts_opened"])) in \(Render.text(result["duration_ms"])) ms")
            } catch let error as CLIError {
                throw CLIError.operational("sync failed: \(error.message)")
            }
        }
    }
}
