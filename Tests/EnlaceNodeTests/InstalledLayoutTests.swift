import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// The CLI as installed by the package: with no `--data` it uses the data folder the installed
/// configuration names (`/etc/enlace/node.conf`, `central.conf` for `enlace central`; here a
/// folder named by ENLACE_CONFIG_DIRECTORY), and when the node is not running it says what to
/// run on a systemd machine.
@Suite("Installed layout")
struct InstalledLayoutTests {
    @Test("with no --data the CLI reads the data folder from the installed node.conf and central.conf")
    func dataFromConfiguration() async throws {
        let central = try await RunningCentral(store: .sqlite)
        let node = try central.node("c4-01", "C4")
        let etc = try TemporaryFolder()
        try "# installed\ndata = \(node.data)\nlog_level = info\n".write(toFile: etc.sub("node.conf"), atomically: true, encoding: .utf8)
        try "data = \(central.data)\n".write(toFile: etc.sub("central.conf"), atomically: true, encoding: .utf8)
        let environment = ["ENLACE_CONFIG_DIRECTORY": etc.path]

        // Not running: the message names the folder from node.conf and the systemd commands.
        let stopped = try EnlaceBinary.run(["status"], environment: environment)
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains(node.data) && stopped.stderr.contains("systemctl status enlace-node")
                && stopped.stderr.contains("journalctl -u enlace-node"), "\(stopped.stderr)")

        try node.start()
        let status = try EnlaceBinary.run(["status", "--json"], environment: environment)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(try JSONValue.parse(status.stdout)["node_id"] == "c4-01")

        let user = try EnlaceBinary.run(["central", "user", "add", "--name", "lucia", "--role", "viewer", "--json"], environment: environment)
        #expect(user.status == 0, "central commands read central.conf's folder: \(user.stderr)")
        let explicit = try EnlaceBinary.run(["status", "--json", "--data", etc.sub("no-existe")], environment: environment)
        #expect(explicit.status == 1, "--data still wins")
        let fromEnvironment = try EnlaceBinary.run(["status", "--json"], environment: environment.merging(["ENLACE_DATA": node.data]) { $1 })
        #expect(fromEnvironment.status == 0)
    }
}
