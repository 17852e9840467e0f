import ArgumentParser
import EnlaceCentral
import EnlaceStore

/// `--data DIR` and `--json`, shared by every command that acts on a store.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "La carpeta de datos del nodo o del servidor central.")
    var data: String = "/var/lib/enlace"

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
    func openReplicaStore() throws -> any ReplicaStore {
        guard let url = try CentralSetup.databaseURL(explicit: databaseUrl, dataDirectory: data) else { return try openStore() }
        return try PostgresStore(location: try PostgresLocation(url: url), keys: [try ReplicaKey.load(from: keys("central").keyFile("central"))])
    }

    /// Where the keys of a `keyName` replica (`node`, `central`) are.
    func keys(_ keyName: String) -> KeyFolder {
        KeyFolder.resolve(explicit: credentials, dataDirectory: data, keyName: keyName)
    }
}
