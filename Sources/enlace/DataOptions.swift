import ArgumentParser
import EnlaceCentral
import EnlaceStore

/// `--data DIR` and `--json`, shared by every command that acts on a store.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The node's or central server's state folder.")
    var data: String = "/var/lib/enlace"

    @Option(name: .long, help: ArgumentHelp(
        "The folder holding the private keys (and a node's token), outside the data folder; default $CREDENTIALS_DIRECTORY "
            + "when it holds the key, else the data folder.", valueName: "dir"))
    var credentials: String?

    @Option(name: .long, help: ArgumentHelp(
        "The central store's PostgreSQL database, postgresql://user@host:port/db (default: $ENLACE_DATABASE_URL, else what "
            + "`central init` recorded in the data folder, else SQLite in the data folder).", valueName: "url"))
    var databaseUrl: String?

    @Flag(name: .long, help: "Print JSON for scripts instead of tables.")
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
