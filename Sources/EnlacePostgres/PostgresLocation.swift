import EnlaceReplica
import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL database is, from a `postgresql://user:password@host:port/database` URL
/// (`postgres://` too). `?sslmode=disable` (the default on loopback), `require` or `verify-full`
/// (TLS checked against the system's trust roots); `application_name` names the process in
/// `pg_stat_activity`.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: String

    /// Parses a database URL; a precise message says what is wrong with one it refuses.
    public init(url text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgresql" || scheme == "postgres"
        else { throw StoreError.unavailable("database URL `\(PostgresLocation.redacted(text))` is not postgresql://user@host:port/database") }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError.unavailable("database URL `\(PostgresLocation.redacted(text))` names no host")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError.unavailable("database URL `\(PostgresLocation.redacted(text))` names no database (…/DATABASE)")
        }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw StoreError.unavailable("database URL port \(port) is out of range") }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let sslMode = query["sslmode"] ?? "disable"
        guard ["disable", "require", "verify-full"].contains(sslMode) else {
            throw StoreError.unavailable("database URL sslmode `\(sslMode)` is not disable, require or verify-full")
        }
        self.host = host
        self.port = port
        self.user = components.user ?? "enlace"
        self.password = components.password
        self.database = database
        self.sslMode = sslMode
    }

    /// The same server, another database (tests make one per store).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL, password included.
    public var url: String {
        let name = user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? user
        let credentials = password.map { "\(name):\($0.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? $0)" } ?? name
        return "postgresql://\(credentials)@\(host):\(port)/\(database)" + (sslMode == "disable" ? "" : "?sslmode=\(sslMode)")
    }

    /// The URL without its password, for messages and logs.
    public var description: String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// A URL text with any password replaced, for messages.
    static func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression)
    }

    /// What postgres-nio's client connects with: at most `connections` at once.
    func clientConfiguration(connections: Int) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tlsConfiguration.map { .require($0) } ?? .disable)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.maximumConnections = max(1, connections)
        configuration.options.additionalStartupParameters = PostgresLocation.startupParameters
        return configuration
    }

    /// What one connection outside the client connects with (opening a store, creating a database).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: try tlsConfiguration.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = PostgresLocation.startupParameters
        return configuration
    }

    /// TLS as `sslmode` asks (nil: none): `require` encrypts without checking the server,
    /// `verify-full` checks it against the system's trust roots.
    private var tlsConfiguration: TLSConfiguration? {
        guard sslMode != "disable" else { return nil }
        var client = TLSConfiguration.makeClientConfiguration()
        if sslMode == "require" { client.certificateVerification = .none }
        return client
    }

    /// A central process that dies or loses its network inside a transaction must not hold the
    /// append lock for TCP's keepalive hours: PostgreSQL ends a transaction idle for a minute
    /// (Enlace's never wait on anything outside the database).
    private static let startupParameters = [("application_name", "enlace-central"), ("idle_in_transaction_session_timeout", "60000")]
}
