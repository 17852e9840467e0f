import ArgumentParser

/// `--data DIR` and `--json`, shared by every command that acts on a store.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The node's or central server's state folder.")
    var data: String = "/var/lib/enlace"

    @Flag(name: .long, help: "Print JSON for scripts instead of tables.")
    var json = false
}
