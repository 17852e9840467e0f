import ArgumentParser
import EnlaceCentral
import EnlaceConfig
import EnlaceModel
import EnlaceStore
import EnlaceWeb
import Foundation
import Logging

/// `enlace central init|run|enroll|user add`.
struct CentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central", abstract: "Crea y pone en marcha el servidor central; da de alta nodos y personas usuarias de la oficina.",
        subcommands: [Init.self, Run.self, Enroll.self, Revoke.self, User.self, Audit.self, Backup.self, Restore.self, ArcoCommand.self])

    /// Who runs a local administration command, for the audit log.
    static var localActor: String {
        let environment = ProcessInfo.processInfo.environment
        return "cli:" + (environment["SUDO_USER"] ?? environment["USER"] ?? "\(getuid())")
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Da de baja el token de un nodo: deja de poder sincronizar de inmediato; lo que ya envió sigue siendo historia válida.")
        @OptionGroup var options: DataOptions
        @Option(help: "El identificador del nodo.") var nodeId: String

        func run() async throws {
            try await reporting {
                let server = try await CentralSetup.open(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let count = try await server.revoke(.node, subject: nodeId, by: CentralCommand.localActor)
                guard count > 0 else { throw CLIError.usage("el nodo \(nodeId) no tiene un token vigente que dar de baja") }
                print(options.json ? JSONValue.object(["node_id": .string(nodeId), "revoked": true]).canonicalText
                      : "nodo \(nodeId) dado de baja: ya no puede sincronizar")
            }
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Muestra la bitácora de auditoría (altas, bajas, resoluciones, consultas de la oficina) y revisa su cadena de huellas.")
        @OptionGroup var options: DataOptions

        /// Why a row breaks the chain, in Spanish.
        static func reason(_ english: String) -> String {
            if english.contains("edited") { return "su contenido no coincide con su huella (la fila fue editada)" }
            if english.contains("link") { return "su enlace con la fila anterior está roto (se quitó o se insertó una fila)" }
            return english
        }

        func run() async throws {
            try await reporting {
                let server = try await CentralSetup.open(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let rows = try await server.storage.auditRows()
                let broken = AuditLog.firstBrokenRow(rows)
                if options.json {
                    print(JSONValue.object([
                        "rows": .array(rows.map { row in
                            ["position": .int(row.position), "at": .string(row.at), "actor": .string(row.actor),
                             "action": .string(row.action), "subject": .string(row.subject),
                             "detail": (try? JSONValue.parse(row.detail)) ?? .string(row.detail), "hash": .string(row.hash)]
                        }),
                        "intact": .bool(broken == nil),
                    ]).canonicalText)
                } else {
                    print(TextTable(header: ["#", "Fecha y hora", "Quién", "Qué hizo", "Sobre qué"], rows: rows.map {
                        [String($0.position), LeonTime.format($0.at), DisplayVocabulary.actor($0.actor), DisplayVocabulary.auditAction($0.action),
                         $0.subject]
                    }).render())
                    if broken == nil {
                        print("bitácora intacta: \(rows.count == 1 ? "1 fila" : "\(rows.count) filas"), cadena de huellas verificada")
                    }
                }
                if let broken {
                    throw CLIError.operational("la bitácora de auditoría está alterada en la fila \(broken.position): \(Audit.reason(broken.reason))")
                }
            }
        }
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Escribe en un archivo una copia consistente del almacén central, con el servidor en marcha.")
        @OptionGroup var options: DataOptions
        @Option(help: "La copia que se escribe (no debe existir). Guarda también DIR/central.key: sin ella la copia no sirve.")
        var to: String

        func run() async throws {
            try await reporting {
                let copy = try await CentralBackup.backup(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl, to: to)
                print(options.json ? JSONValue.object(["file": .string(to), "entries": .int(Int64(copy.entries)),
                                                       "bytes": .int(Int64(copy.bytes))]).canonicalText
                      : "almacén central copiado en \(to): \(copy.entries) entradas del diario, \(copy.bytes) bytes")
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Vuelve a poner una copia hecha con `central backup` (con el servidor detenido); el servidor central sigue en una nueva época.")
        @OptionGroup var options: DataOptions
        @Option(help: "La copia que se restaura (SQLite). Un almacén en PostgreSQL se restaura con las herramientas de PostgreSQL y después se ejecuta esto sin --from.")
        var from: String?

        func run() async throws {
            try await reporting {
                let report = try await CentralBackup.restore(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl,
                                                       from: from, actor: CentralCommand.localActor)
                if options.json {
                    print(JSONValue.object([
                        "epoch": .int(Int64(report.epoch)), "store_id": .string(report.storeID),
                        "carried_credentials": .int(Int64(report.carriedCredentials)), "reerased": .int(Int64(report.reerased)),
                        "replaced_store_kept_at": report.keptAt.map(JSONValue.string) ?? .null,
                        "warnings": .array(report.warnings.map(JSONValue.string)),
                    ]).canonicalText)
                } else {
                    print("restaurado \(from ?? "desde la base de datos"): el servidor central escribe en la época \(report.epoch) "
                        + "(almacén \(report.storeID)); siguen vigentes \(report.carriedCredentials) cambios de credenciales posteriores a la copia")
                    if report.reerased > 0 {
                        print("se volvieron a aplicar \(report.reerased) cancelaciones (derecho ARCO) ordenadas después de la copia")
                    }
                    if let kept = report.keptAt { print("el almacén reemplazado queda guardado en \(kept)") }
                    for warning in report.warnings { print("aviso (detalle técnico): \(warning)") }
                }
            }
        }
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Crea un almacén central.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await reporting {
                let server = try await CentralSetup.initialize(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let storeID = try await server.storage.storeID()
                print(options.json ? JSONValue.object(["data": .string(options.centralData), "store_id": .string(storeID)]).canonicalText
                      : "almacén central \(storeID) creado en \(options.centralData)")
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sirve la API central (y el escritorio de la oficina en /oficina/).",
            discussion: "Los ajustes vienen de las opciones, luego de las variables de entorno ENLACE_<CLAVE> y luego de --config ARCHIVO "
                + "(mira config/central.conf). Las líneas de la bitácora del servidor quedan en inglés.")

        static let keys: Set<String> = [
            "data", "listen", "log_level", "max_body_bytes", "max_batch", "tls_certificate", "tls_key", "idle_timeout",
            "request_timeout", "max_connections", "max_connections_per_client", "trusted_proxies", "credentials", "database_url",
            "node_silent_after_hours",
        ]

        @Option(help: "La carpeta del almacén central (por omisión /var/lib/enlace/central).") var data: String?
        @Option(help: "La carpeta con central.key (por omisión $CREDENTIALS_DIRECTORY cuando la tiene; si no, la carpeta de datos).")
        var credentials: String?
        @Option(help: "Un archivo de configuración (líneas clave = valor).") var config: String?
        @Option(help: "La base de datos PostgreSQL del almacén central, postgresql://usuario@host:puerto/base (por omisión: la que `central init` anotó en la carpeta de datos; si no, SQLite ahí).")
        var databaseUrl: String?
        @Option(help: "Dirección en la que escucha, HOST:PUERTO (por omisión 127.0.0.1:8443).") var listen: String?
        @Option(help: "Nivel de la bitácora: trace, debug, info, notice, warning, error.") var logLevel: String?
        @Option(help: "El cuerpo de petición más grande, en bytes (por omisión 32 MiB).") var maxBodyBytes: Int?
        @Option(help: "Cuántas entradas como máximo en un envío (por omisión 5000).") var maxBatch: Int?
        @Option(help: "Segundos que una conexión puede esperar sin petición (por omisión 30).") var idleTimeout: Double?
        @Option(help: "Segundos para leer una petición completa después de su encabezado (por omisión 60).") var requestTimeout: Double?
        @Option(help: "Conexiones atendidas a la vez (por omisión 512).") var maxConnections: Int?
        @Option(help: "Conexiones que una misma dirección puede tener a la vez (por omisión 32; los proxies de confianza quedan exentos).")
        var maxConnectionsPerClient: Int?
        @Option(help: "Direcciones, separadas por comas, de los balanceadores cuyo X-Forwarded-For nombra al cliente.") var trustedProxies: String?
        @Option(help: "Horas sin comunicarse tras las que la oficina ve un nodo como «sin sincronizar» (por omisión 24).")
        var nodeSilentAfterHours: Double?
        @Option(help: "Certificado PEM (con su cadena) para servir HTTPS (junto con --tls-key).") var tlsCertificate: String?
        @Option(help: "La llave privada PEM del certificado.") var tlsKey: String?

        func run() async throws {
            let logger: Logger
            var options = CentralListenOptions()
            let dataDirectory: String
            let keys: KeyFolder
            let databaseURL: String?
            do {
                let settings = Settings(file: try config.map { path throws(ConfigError) in try ConfigFile(path: path, keys: Run.keys) })
                dataDirectory = settings.string("data", flag: data, default: "/var/lib/enlace/central")!
                keys = KeyFolder.resolve(explicit: settings.string("credentials", flag: credentials), dataDirectory: dataDirectory,
                                         keyName: "central")
                databaseURL = settings.string("database_url", flag: databaseUrl)
                logger = try DaemonLogging.logger("enlace.central", level: settings.string("log_level", flag: logLevel, default: "info")!)
                let address = settings.string("listen", flag: listen, default: "127.0.0.1:8443")!
                guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
                      let number = Int(address[address.index(after: colon)...]), (0...65535).contains(number)
                else { throw ConfigError("listen «\(address)»: se espera HOST:PUERTO") }
                options.host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                options.port = number
                let certificate = settings.string("tls_certificate", flag: tlsCertificate)
                let key = settings.string("tls_key", flag: tlsKey)
                switch (certificate, key) {
                case (let certificate?, let key?): options.tls = (certificate, key)
                case (nil, nil): options.tls = nil
                default: throw ConfigError("tls_certificate y tls_key van juntos: da los dos para servir HTTPS, o ninguno")
                }
                options.maxBodyBytes = try settings.int("max_body_bytes", flag: maxBodyBytes, default: 32 << 20, range: 1024...(1 << 30))
                options.maxBatch = try settings.int("max_batch", flag: maxBatch, default: 5000, range: 1...100_000)
                options.idleTimeoutSeconds = try settings.double("idle_timeout", flag: idleTimeout, default: 30, range: 0.1...3600)
                options.requestTimeoutSeconds = try settings.double("request_timeout", flag: requestTimeout, default: 60, range: 0.1...3600)
                options.maxConnections = try settings.int("max_connections", flag: maxConnections, default: 512, range: 1...100_000)
                options.maxConnectionsPerClient = try settings.int("max_connections_per_client", flag: maxConnectionsPerClient, default: 32,
                                                                   range: 1...100_000)
                let silentHours = try settings.double("node_silent_after_hours", flag: nodeSilentAfterHours, default: 24, range: 0.1...(24 * 365))
                options.nodeSilentAfterMillis = Int64(silentHours * 3_600_000)
                options.trustedProxies = Set((settings.string("trusted_proxies", flag: trustedProxies) ?? "")
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            } catch let error as ConfigError {
                FileHandle.standardError.write(Data("enlace: la configuración no es válida: \(error)\n".utf8))
                throw ExitCode(2)
            }
            do {
                try await CentralDaemon.run(dataDirectory: dataDirectory, keys: keys, databaseURL: databaseURL, options: options, logger: logger)
            } catch {
                let failure = Wording.failure(error, fallback: "el servidor central no pudo arrancar o se detuvo")
                FileHandle.standardError.write(Data("enlace: \(failure.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Da de alta un nodo de campo e imprime su token (se muestra una sola vez).")
        @OptionGroup var options: DataOptions
        @Option(help: "El identificador del nodo (a-z, 0-9 y '-'), por ejemplo c4-01.") var nodeId: String
        @Option(help: "Su departamento: \(Vocabulary.department.values.dropLast().joined(separator: ", ")).") var department: String

        func validate() throws {
            guard NodeID.isValid(nodeId), nodeId != "central" else {
                throw ValidationError("--node-id «\(nodeId)»: usa de 1 a 32 caracteres entre a-z, 0-9 y '-' (y no «central»)")
            }
            guard Vocabulary.department.contains(department), department != "CENTRAL" else {
                throw ValidationError("--department «\(department)»: usa uno de \(Vocabulary.department.values.dropLast().joined(separator: ", "))")
            }
        }

        func run() async throws {
            try await reporting {
                let server = try await CentralSetup.open(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl)
                let token = try await server.enroll(nodeID: NodeID(nodeId)!, department: department, by: CentralCommand.localActor)
                print(options.json ? JSONValue.object(["node_id": .string(nodeId), "department": .string(department),
                                                       "token": .string(token)]).canonicalText
                      : "nodo \(nodeId) (\(DisplayVocabulary.departmentShort(department))) dado de alta; su token (se muestra una sola vez): \(token)")
            }
        }
    }

    struct User: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Administra a las personas usuarias de la oficina central.", subcommands: [Add.self, Password.self, Revoke.self])

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Da de baja de inmediato el token de una persona usuaria de la oficina.")
            @OptionGroup var options: DataOptions
            @Option(help: "El nombre de la persona usuaria.") var name: String

            func run() async throws {
                try await reporting {
                    let server = try await CentralSetup.open(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl)
                    let count = try await server.revoke(.user, subject: name, by: CentralCommand.localActor)
                    guard count > 0 else { throw CLIError.usage("\(name) no tiene un token vigente que dar de baja") }
                    print(options.json ? JSONValue.object(["name": .string(name), "revoked": true]).canonicalText : "\(name) dada o dado de baja")
                }
            }
        }

        struct Password: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Pone la contraseña del escritorio de la oficina a una persona usuaria, leída de la entrada estándar (una línea); cierra sus sesiones abiertas.")
            @OptionGroup var options: DataOptions
            @Option(help: "El nombre de la persona usuaria.") var name: String

            func run() async throws {
                try await reporting {
                    let password = try NodeUserCommand.readPassword()
                    let server = try await CentralSetup.open(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl)
                    try await server.setPassword(user: name, password: password, by: CentralCommand.localActor)
                    print(options.json ? JSONValue.object(["name": .string(name), "password_set": true]).canonicalText
                          : "\(name): contraseña del escritorio de la oficina guardada")
                }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Da de alta a una persona usuaria de la oficina e imprime su token (se muestra una sola vez).")
            @OptionGroup var options: DataOptions
            @Option(help: "El nombre de la persona usuaria.") var name: String
            @Option(help: "viewer (consulta), resolver (decide conflictos) o admin (administración).") var role: String
            @Flag(help: "Pone también su contraseña del escritorio de la oficina (/oficina/), leída de la entrada estándar (una línea).")
            var passwordStdin = false

            func validate() throws {
                guard Principal.Role(rawValue: role) != nil else {
                    throw ValidationError("--role «\(role)»: usa viewer (consulta), resolver (decide conflictos) o admin (administración)")
                }
                guard !name.isEmpty, name.utf8.count <= 128 else { throw ValidationError("--name lleva de 1 a 128 bytes") }
            }

            func run() async throws {
                try await reporting {
                    // Read and checked before the user exists: a bad password adds nobody.
                    let password = passwordStdin ? try NodeUserCommand.readPassword() : nil
                    let server = try await CentralSetup.open(dataDirectory: options.centralData, keys: options.keys("central"), databaseURL: options.databaseUrl)
                    let token = try await server.addUser(name: name, role: Principal.Role(rawValue: role)!, by: CentralCommand.localActor)
                    if let password { try await server.setPassword(user: name, password: password, by: CentralCommand.localActor) }
                    print(options.json ? JSONValue.object(["name": .string(name), "role": .string(role), "token": .string(token)]).canonicalText
                          : "\(name) (\(DisplayVocabulary.role(role))) dada o dado de alta; su token (se muestra una sola vez): \(token)")
                }
            }
        }
    }
}
