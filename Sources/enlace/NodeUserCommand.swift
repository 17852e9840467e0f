import ArgumentParser
import EnlaceModel
import EnlaceNode
import EnlaceStore
import EnlaceWeb
import Foundation

/// `enlace node user add|password|revoke|list`: the servants who sign in at the node's
/// ventanilla. Run on the node's machine, with the daemon running or not.
struct NodeUserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Administra las cuentas de las personas servidoras públicas que entran a la ventanilla de este nodo.",
        subcommands: [Add.self, Password.self, Revoke.self, List.self])

    /// One line of standard input, checked as a password (a servant's here, an office user's
    /// for `central user`).
    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CLIError.usage("--password-stdin: escribe la contraseña en una sola línea por la entrada estándar")
        }
        if line.utf8.count < PasswordHash.minimumLength {
            throw CLIError.usage("--password-stdin: la contraseña debe tener al menos \(PasswordHash.minimumLength) caracteres")
        }
        if line.utf8.count > PasswordHash.maximumLength {
            throw CLIError.usage("--password-stdin: la contraseña puede tener a lo más \(PasswordHash.maximumLength) bytes")
        }
        return line
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Da de alta a una persona servidora pública en la ventanilla del nodo; su contraseña se lee de la entrada estándar (una línea).")
        @OptionGroup var options: DataOptions
        @Option(help: "Su nombre completo.") var name: String
        @Option(help: "Su identificador de persona servidora pública (así la nombran sus atenciones).") var servantId: String
        @Option(help: "captura (registra casos y atenciones) o consulta (solo lee). Por omisión captura.") var role = "captura"
        @Option(help: "Su certificado de competencia en el padrón: el folio, o su nombre tal como aparece en el padrón.")
        var certification: String?
        @Flag(help: "Lee su contraseña de la entrada estándar (obligatorio).") var passwordStdin = false

        func validate() throws {
            guard Servant.Role(rawValue: role) != nil else { throw ValidationError("--role «\(role)»: usa captura o consulta") }
            guard passwordStdin else { throw ValidationError("--password-stdin: la contraseña se lee de la entrada estándar (nunca de la línea de comandos)") }
        }

        func run() async throws {
            try await reporting { try await NodeUserCommand.explained {
                // Read and checked before the account exists: a weak password adds nobody.
                let password = try NodeUserCommand.readPassword()
                let (node, _) = try await NodeSetup.open(dataDirectory: options.data, keys: options.keys("node"))
                let servant = try await node.addServant(id: servantId, name: name, role: Servant.Role(rawValue: role)!,
                                                        certification: certification, password: password)
                if options.json {
                    print(JSONValue.object(["servant_id": .string(servant.id), "name": .string(servant.name), "role": .string(role),
                                            "certification_folio": servant.certificationFolio.map(JSONValue.string) ?? .null]).canonicalText)
                } else {
                    let link = servant.certificationFolio.map { ", certificado \($0)" } ?? ""
                    print("\(servant.name) (\(servant.id), \(NodeUserCommand.roleName(servant.role))\(link)) puede entrar a la ventanilla")
                }
            } }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cambia la contraseña de una persona servidora pública (leída de la entrada estándar, una línea); cierra sus sesiones abiertas.")
        @OptionGroup var options: DataOptions
        @Option(help: "Su identificador de persona servidora pública.") var servantId: String
        @Flag(help: "Lee la contraseña nueva de la entrada estándar (obligatorio).") var passwordStdin = false

        func validate() throws {
            guard passwordStdin else { throw ValidationError("--password-stdin: la contraseña se lee de la entrada estándar (nunca de la línea de comandos)") }
        }

        func run() async throws {
            try await reporting { try await NodeUserCommand.explained {
                let password = try NodeUserCommand.readPassword()
                let (node, _) = try await NodeSetup.open(dataDirectory: options.data, keys: options.keys("node"))
                try await node.setServantPassword(id: servantId, password: password)
                print(options.json ? JSONValue.object(["servant_id": .string(servantId), "password_set": true]).canonicalText
                      : "\(servantId): contraseña de la ventanilla guardada")
            } }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Da de baja de inmediato la cuenta de una persona servidora pública; sus sesiones abiertas terminan.")
        @OptionGroup var options: DataOptions
        @Option(help: "Su identificador de persona servidora pública.") var servantId: String

        func run() async throws {
            try await reporting { try await NodeUserCommand.explained {
                let (node, _) = try await NodeSetup.open(dataDirectory: options.data, keys: options.keys("node"))
                try await node.revokeServant(id: servantId)
                print(options.json ? JSONValue.object(["servant_id": .string(servantId), "revoked": true]).canonicalText
                      : "\(servantId): cuenta dada de baja")
            } }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Muestra las cuentas de la ventanilla y si cada certificado está vigente.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await reporting { try await NodeUserCommand.explained {
                let (node, _) = try await NodeSetup.open(dataDirectory: options.data, keys: options.keys("node"))
                var rows: [(Servant, CertificateStanding?)] = []
                for servant in try await node.store.servants() {
                    var standing: CertificateStanding?
                    if let folio = servant.certificationFolio { standing = try await node.certificateStanding(folio: folio) }
                    rows.append((servant, standing))
                }
                if options.json {
                    print(JSONValue.array(rows.map { servant, standing in
                        .object([
                            "servant_id": .string(servant.id), "name": .string(servant.name), "role": .string(servant.role.rawValue),
                            "certification_folio": servant.certificationFolio.map(JSONValue.string) ?? .null,
                            "certificate_current": standing.map { .bool($0.current) } ?? .null,
                            "revoked_at": servant.revokedAt.map(JSONValue.string) ?? .null,
                        ])
                    }).canonicalText)
                    return
                }
                guard !rows.isEmpty else { return print("Nadie tiene cuenta en la ventanilla de este nodo todavía.") }
                print(TextTable(header: ["Persona", "Identificador", "Puede", "Certificado", "Cuenta"], rows: rows.map { servant, standing in
                    [servant.name, servant.id, NodeUserCommand.roleName(servant.role),
                     standing?.spanish ?? (servant.certificationFolio.map { "\($0): no está en el padrón" } ?? "sin certificado ligado"),
                     servant.revokedAt.map { "dada de baja el \(LeonTime.format($0))" } ?? "activa"]
                }).render())
            } }
        }
    }

    /// Runs `body`, an account's refusal said in Spanish as a usage error (exit 2).
    static func explained(_ body: () async throws -> Void) async throws {
        do { try await body() } catch let error as ServantAccountError { throw CLIError.usage(error.spanish) }
    }

    static func roleName(_ role: Servant.Role) -> String {
        role == .captura ? "registra casos" : "solo consulta"
    }
}
