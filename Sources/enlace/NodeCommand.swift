import ArgumentParser
import EnlaceConfig
import EnlaceProtocol
import EnlaceModel
import EnlaceNode
import EnlaceStore
import EnlaceSync
import EnlaceWeb
import Foundation
import Logging

/// `enlace node init|run`.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node", abstract: "Crea y pone en marcha el nodo de campo de un departamento.",
        subcommands: [Init.self, Run.self, RotateKey.self, NodeUserCommand.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crea los datos de un nodo; nunca contacta al servidor central (el nodo trabaja desde el primer minuto sin red).")

        @OptionGroup var options: DataOptions
        @Option(help: "El identificador de este nodo (a-z, 0-9, '-'), por ejemplo c4-01.") var nodeId: String
        @Option(help: "El departamento: \(Vocabulary.department.values.dropLast().joined(separator: ", ")).") var department: String
        @Option(help: "La dirección del servidor central (https://, o http:// en esta misma máquina).") var central: String
        @Option(help: "El token que `enlace central enroll` imprimió para este nodo.") var token: String

        func validate() throws {
            guard NodeID.isValid(nodeId) else { throw ValidationError("--node-id «\(nodeId)»: usa de 1 a 32 caracteres entre a-z, 0-9 y '-'") }
            guard Vocabulary.department.contains(department), department != "CENTRAL" else {
                throw ValidationError("--department «\(department)»: usa uno de \(Vocabulary.department.values.dropLast().joined(separator: ", "))")
            }
            if let problem = Wording.transportProblem(central) { throw ValidationError("--central: \(problem)") }
            do { _ = try EnrollmentToken.parse(token) } catch {
                throw ValidationError("--token: no es un token de nodo válido; copia el que imprimió `enlace central enroll` (detalle técnico: \(error.description))")
            }
        }

        func run() async throws {
            try await reporting {
                let identity = ReplicaIdentity(
                    nodeID: NodeID(nodeId)!, department: department, centralURL: central, token: token, createdAt: SystemClock.now)
                do {
                    try await NodeSetup.initialize(dataDirectory: options.data, keys: options.keys("node"), identity: identity)
                } catch StoreError.alreadyInitialized {
                    throw CLIError.usage("ya existe un almacén de Enlace en \(options.data)")
                }
                if options.json {
                    print(JSONValue.object(["node_id": .string(nodeId), "department": .string(department),
                                            "data": .string(options.data)]).canonicalText)
                } else {
                    print("nodo \(nodeId) (\(DisplayVocabulary.departmentShort(department))) creado en \(options.data)")
                }
            }
        }
    }

    struct RotateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Hace una llave nueva para el nodo; el nodo la registra en el servidor central en su siguiente sincronización (queda en la bitácora de auditoría).",
            discussion: "La llave actual firma el cambio; desde entonces la llave nueva firma cada petición y cada envío, y la anterior se borra.")
        @OptionGroup var options: DataOptions

        func run() throws {
            try reporting {
                let keys = options.keys("node")
                guard FileManager.default.fileExists(atPath: keys.keyFile("node")) else {
                    throw CLIError.usage("no hay llave de nodo en \(keys.path): ejecuta primero `enlace node init` (o indica la carpeta de las llaves con --credentials)")
                }
                do {
                    _ = try ReplicaKey.create(at: NodeKeys.nextFile(in: keys.path))
                } catch let error as KeyError {
                    throw CLIError.usage("ya hay un cambio de llave esperando la siguiente sincronización (detalle técnico: \(error))")
                }
                print(options.json ? JSONValue.object(["rotation": "pending"]).canonicalText
                      : "llave nueva creada; el nodo la registra en su siguiente sincronización (reinícialo si está en marcha)")
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pone en marcha el nodo (su API local en DIR/node.sock).",
            discussion: "Los ajustes vienen de las opciones, luego de las variables de entorno ENLACE_<CLAVE> y luego de --config ARCHIVO "
                + "(mira config/node.conf). Las líneas de la bitácora del nodo quedan en inglés.")

        static let keys: Set<String> = [
            "data", "central_url", "log_level", "sync_interval", "sync_debounce", "backoff_initial", "backoff_max", "batch_size",
            "ca_file", "proxy", "http_listen", "request_timeout", "credentials", "ventanilla_listen",
        ]

        @Option(help: "La carpeta de datos del nodo (por omisión /var/lib/enlace/node).") var data: String?
        @Option(help: "La carpeta con las llaves y el token del nodo (por omisión $CREDENTIALS_DIRECTORY cuando tiene node.key; si no, la carpeta de datos).")
        var credentials: String?
        @Option(help: "Un archivo de configuración (líneas clave = valor).") var config: String?
        @Option(help: "La dirección del servidor central, en lugar de la que se dio en `node init`.") var central: String?
        @Option(help: "Nivel de la bitácora: trace, debug, info, notice, warning, error.") var logLevel: String?
        @Option(help: "Segundos entre sincronizaciones cuando no pasa nada (por omisión 60).") var syncInterval: Double?
        @Option(help: "Segundos después de una escritura local antes de sincronizarla (por omisión 2).") var syncDebounce: Double?
        @Option(help: "Primera espera, en segundos, tras un intento fallido; se duplica con algo de azar (por omisión 1).") var backoffInitial: Double?
        @Option(help: "La espera más larga entre intentos, en segundos (por omisión 300).") var backoffMax: Double?
        @Option(help: "Entradas por envío y por página recibida (por omisión 500).") var batchSize: Int?
        @Option(help: "Segundos que una petición al servidor central puede tardar, o quedarse detenida, antes de fallar (por omisión 120).")
        var requestTimeout: Double?
        @Option(help: "Certificados de confianza (CA) que verifican el del servidor central.") var caFile: String?
        @Option(help: "Proxy HTTP para llegar al servidor central.") var proxy: String?
        @Option(help: "Sirve también la API local en este HOST:PUERTO de esta misma máquina (para métricas y pruebas).") var httpListen: String?
        @Option(help: "Sirve la ventanilla (las páginas de las personas servidoras públicas, /ventanilla/) en este HOST:PUERTO de esta misma máquina, por ejemplo 127.0.0.1:8450.")
        var ventanillaListen: String?

        func run() async throws {
            let logger: Logger
            let sync: SyncConfiguration
            let dataDirectory: String
            let keys: KeyFolder
            let centralURL: String?
            var listen: (host: String, port: Int)?
            var ventanilla: (host: String, port: Int)?
            do {
                let settings = Settings(file: try config.map { path throws(ConfigError) in try ConfigFile(path: path, keys: Run.keys) })
                dataDirectory = settings.string("data", flag: data, default: "/var/lib/enlace/node")!
                keys = KeyFolder.resolve(explicit: settings.string("credentials", flag: credentials), dataDirectory: dataDirectory, keyName: "node")
                centralURL = settings.string("central_url", flag: central)
                if let centralURL, let problem = Wording.transportProblem(centralURL) { throw ConfigError("central_url: \(problem)") }
                listen = try settings.string("http_listen", flag: httpListen).map {
                    try Run.loopback($0, key: "http_listen", what: "la API local")
                }
                ventanilla = try settings.string("ventanilla_listen", flag: ventanillaListen).map {
                    try Run.loopback($0, key: "ventanilla_listen", what: "la ventanilla")
                }
                logger = try DaemonLogging.logger("enlace.node", level: settings.string("log_level", flag: logLevel, default: "info")!)
                var configuration = SyncConfiguration()
                configuration.interval = try settings.double("sync_interval", flag: syncInterval, default: 60, range: 0.01...86_400)
                configuration.debounce = try settings.double("sync_debounce", flag: syncDebounce, default: 2, range: 0...3600)
                configuration.backoffInitial = try settings.double("backoff_initial", flag: backoffInitial, default: 1, range: 0.01...3600)
                configuration.backoffMax = try settings.double("backoff_max", flag: backoffMax, default: 300, range: 0.01...86_400)
                configuration.batchSize = try settings.int("batch_size", flag: batchSize, default: 500, range: 1...5000)
                let timeout = try settings.double("request_timeout", flag: requestTimeout, default: 120, range: 0.5...3600)
                configuration.requestTimeoutMillis = Int(timeout * 1000)
                configuration.lowSpeedSeconds = min(configuration.lowSpeedSeconds, max(1, Int(timeout)))
                configuration.caFile = settings.string("ca_file", flag: caFile)
                configuration.proxy = settings.string("proxy", flag: proxy)
                guard configuration.backoffMax >= configuration.backoffInitial else {
                    throw ConfigError("backoff_max (\(configuration.backoffMax)) no puede ser menor que backoff_initial (\(configuration.backoffInitial))")
                }
                sync = configuration
            } catch let error as ConfigError {
                FileHandle.standardError.write(Data("enlace: la configuración no es válida: \(error)\n".utf8))
                throw ExitCode(2)
            }
            do {
                try await NodeDaemon.run(dataDirectory: dataDirectory, keys: keys, centralURL: centralURL, listen: listen, ventanilla: ventanilla,
                                         sync: sync, logger: logger)
            } catch {
                let failure = Wording.failure(error, fallback: "el nodo no pudo arrancar o se detuvo")
                FileHandle.standardError.write(Data("enlace: \(failure.message)\n".utf8))
                throw ExitCode(1)
            }
        }

        /// A `HOST:PORT` on this machine (loopback) for `key`; `what` names what listens there.
        static func loopback(_ address: String, key: String, what: String) throws(ConfigError) -> (host: String, port: Int) {
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port)
            else { throw ConfigError("\(key) «\(address)»: se espera HOST:PUERTO") }
            let host = String(address[..<colon])
            guard TransportPolicy.isLoopback(host: host) else {
                throw ConfigError("\(key) «\(address)»: \(what) solo puede escuchar en esta misma máquina (loopback)")
            }
            return (host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
        }
    }
}
