import ArgumentParser
import EnlaceCentral
import EnlaceConfig
import EnlaceStore
import Foundation

/// `--data DIR` and `--json`, shared by every command that acts on a store.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp(
        "La carpeta de datos del nodo o del servidor central (por omisión: $ENLACE_DATA; si no, la clave data de "
            + "/etc/enlace/node.conf —central.conf para `enlace central` y `enlace arco`—; si no, /var/lib/enlace/node o /var/lib/enlace/central).",
        valueName: "dir"))
    var dataFlag: String?

    /// The node's data folder: `--data`, else the installed node's (`DataOptions.installed`).
    var data: String { DataOptions.installed("node", flag: dataFlag) }
    /// The central server's data folder, the same way from `central.conf`.
    var centralData: String { DataOptions.installed("central", flag: dataFlag) }

    /// Where an installed `role` (`node`, `central`) keeps its data: `flag`, else ENLACE_DATA,
    /// else the `data` key of `/etc/enlace/ROLE.conf` (the folder in ENLACE_CONFIG_DIRECTORY
    /// when set), else `/var/lib/enlace/ROLE` — where the package's units keep it.
    static func installed(_ role: String, flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let flag { return flag }
        if let folder = environment["ENLACE_DATA"], !folder.isEmpty { return folder }
        let configuration = (environment["ENLACE_CONFIG_DIRECTORY"] ?? "/etc/enlace") + "/\(role).conf"
        let keys = role == "central" ? CentralCommand.Run.keys : NodeCommand.Run.keys
        if let file = try? ConfigFile(path: configuration, keys: keys), let folder = file.entries["data"]?.value, !folder.isEmpty {
            return folder
        }
        return "/var/lib/enlace/\(role)"
    }

    @Option(name: .long, help: ArgumentHelp(
        "La carpeta con las llaves privadas (y el token de un nodo), fuera de la carpeta de datos; por omisión $CREDENTIALS_DIRECTORY "
            + "cuando tiene la llave; si no, la carpeta de datos.", valueName: "dir"))
    var credentials: String?

    @Option(name: .long, help: ArgumentHelp(
        "La base de datos PostgreSQL del almacén central, postgresql://usuario@host:puerto/base (por omisión: $ENLACE_DATABASE_URL; "
            + "si no, la que `central init` anotó en la carpeta de datos; si no, SQLite en la carpeta de datos).", valueName: "url"))
    var databaseUrl: String?

    @Flag(name: .long, help: "JSON para programas en lugar de tablas (claves en inglés).")
    var json = false

    /// The store in the data folder, opened with the replica's private keys.
    func openStore() throws -> JournalStore {
        try JournalStore(path: JournalStore.file(in: data), keys: try KeyFolder.replicaKeys(explicit: credentials, dataDirectory: data))
    }

    /// The replica store of the data folder for `journal verify|rebuild`: the central server's
    /// PostgreSQL store when one is configured, else the SQLite file.
    func openReplicaStore() async throws -> any ReplicaStore {
        guard try CentralSetup.databaseURL(explicit: databaseUrl, dataDirectory: data) != nil else { return try openStore() }
        return try await CentralSetup.store(dataDirectory: data, keys: [try ReplicaKey.load(from: keys("central").keyFile("central"))],
                                      databaseURL: databaseUrl)
    }

    /// Where the keys of a `keyName` replica (`node`, `central`) are.
    func keys(_ keyName: String) -> KeyFolder {
        KeyFolder.resolve(explicit: credentials, dataDirectory: keyName == "central" ? centralData : data, keyName: keyName)
    }
}
