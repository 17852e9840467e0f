import ArgumentParser
import EnlaceDemo
import EnlaceWeb
import Foundation

/// `enlace demo`: the whole system at work on loopback, with a report in Spanish.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Pone en marcha un servidor central y cuatro nodos de departamento en esta máquina y recorre un día de trabajo AVGM.")

    @Option(help: "Guarda los almacenes en esta carpeta (por omisión, una carpeta temporal que se borra al terminar).") var data: String?
    @Option(help: "El padrón de certificaciones que se importa (por omisión, el de 125 servidoras y servidores públicos incluido).")
    var roster: String?
    @Flag(help: ArgumentHelp("Deja el servidor central y los nodos en marcha al terminar, e imprime la dirección de la oficina, un acceso, "
        + "las carpetas de los nodos y un token para la línea de comandos."))
    var serve = false

    func run() throws {
        try reporting {
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
            let folder: String
            let temporary = data == nil
            if let data {
                try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
                guard (try FileManager.default.contentsOfDirectory(atPath: data)).isEmpty else {
                    throw CLIError.usage("\(data) no está vacía; la demostración necesita una carpeta vacía")
                }
                folder = data
            } else {
                var template = Array("/tmp/enlace-demo-XXXXXX".utf8CString)
                guard let made = mkdtemp(&template) else { throw CLIError.operational("no se pudo crear una carpeta temporal") }
                folder = String(cString: made)
            }
            defer { if temporary { try? FileManager.default.removeItem(atPath: folder) } }
            guard let rosterPath = roster ?? DemoRoster.path(executable: executable) else {
                throw CLIError.operational("falta el padrón incluido junto a \(executable); da uno con --roster ARCHIVO")
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
                        print("")
                        print("La ventanilla de cada departamento, y quién del padrón puede entrar (su número y su contraseña):")
                        for window in desk.ventanillas {
                            print("  \(DisplayVocabulary.departmentShort(window.department)): \(window.address)")
                            print("    Entra: \(window.servantName) — número \(window.servantID), contraseña \(window.password)")
                        }
                        print("")
                        print("Carpetas de datos de los nodos (para --data):")
                        let width = desk.nodes.map { $0.id.count }.max() ?? 0
                        for node in desk.nodes {
                            print("  \(node.id)\(String(repeating: " ", count: width - node.id.count))  \(node.data)")
                        }
                        print("")
                        print("Token de la oficina para la línea de comandos (persona usuaria oficina.demo, decide conflictos):")
                        print("  \(desk.officeToken)")
                        print("")
                        print("Por ejemplo:")
                        print("  ENLACE_TOKEN=\(desk.officeToken) enlace conflicts list --central \(desk.central)")
                        if let first = desk.nodes.first {
                            print("  enlace status --data \(first.data)")
                            print("  enlace case list --data \(first.data)")
                        }
                        print("")
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
                throw CLIError.operational("la demostración se detuvo (detalle técnico: \(error))"
                    + (temporary ? "" : "; las bitácoras quedan en \(folder)"))
            }
            if !report.succeeded { throw CLIError.operational("no todas las comprobaciones de la demostración se cumplieron") }
        }
    }
}
