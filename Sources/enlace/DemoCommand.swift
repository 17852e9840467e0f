import ArgumentParser
import EnlaceDemo
import Foundation

/// `enlace demo`: the whole system at work on loopback, with a report in Spanish.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a central server and four department nodes on loopback and play a day of AVGM work.")

    @Option(help: "Keep the stores in this folder (default: a temporary folder, removed afterwards).") var data: String?
    @Option(help: "The certification roster to import (default: the bundled 125-servant roster).") var roster: String?
    @Flag(help: "Keep the central server and nodes running after the story and print the office desk's address and a sign-in.")
    var serve = false

    func run() throws {
        try reporting {
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
            let folder: String
            let temporary = data == nil
            if let data {
                try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
                guard (try FileManager.default.contentsOfDirectory(atPath: data)).isEmpty else {
                    throw CLIError.usage("\(data) is not empty; the demo needs an empty folder")
                }
                folder = data
            } else {
                var template = Array("/tmp/enlace-demo-XXXXXX".utf8CString)
                guard let made = mkdtemp(&template) else { throw CLIError.operational("cannot create a temporary folder") }
                folder = String(cString: made)
            }
            defer { if temporary { try? FileManager.default.removeItem(atPath: folder) } }
            guard let rosterPath = roster ?? DemoRoster.path(executable: executable) else {
                throw CLIError.operational("the bundled roster is missing beside \(executable); give one with --roster FILE")
            }
            print("Enlace: demostración en \(folder)")
            let report: DemoReport
            let demo = Demo(executable: executable, folder: folder, roster: rosterPath)
            do {
                if serve {
                    // SIGINT and SIGTERM are waited for, not delivered: the processes stop in order.
                    var signals = sigset_t()
                    sigemptyset(&signals)
                    sigaddset(&signals, SIGINT)
                    sigaddset(&signals, SIGTERM)
                    pthread_sigmask(SIG_BLOCK, &signals, nil)
                    report = try demo.run(say: { print("  · " + $0) }, serve: { desk, report in
                        print(report.text)
                        print("")
                        print("La oficina central sigue en marcha, con un conflicto abierto y los ya resueltos:")
                        print("  Oficina:    \(desk.address)")
                        print("  Usuaria:    \(desk.user)")
                        print("  Contraseña: \(desk.password)")
                        print("  Nodos:      \(folder)/NODO/node.sock (c4-01, immujeres-01, dif-01, salud-01)")
                        print("Ctrl-C detiene todo.")
                        fflush(nil)
                        var received: Int32 = 0
                        sigwait(&signals, &received)
                    })
                } else {
                    report = try demo.run { print("  · " + $0) }
                    print(report.text)
                }
            } catch {
                throw CLIError.operational("the demo stopped: \(error) (logs in \(folder) when run with --data)")
            }
            if !report.succeeded { throw CLIError.operational("the demo's checks did not all hold") }
        }
    }
}
