#if canImport(Glibc)
import Glibc
#endif
import EnlaceAPI
import EnlaceProtocol
import EnlaceStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// How the central server listens: address, TLS, and the limits that keep one client from
/// holding it (body and batch sizes, idle and request-read timeouts, connections).
public struct CentralListenOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8443
    public var maxBodyBytes = 32 << 20
    public var maxBatch = 5000
    /// PEM files of the certificate chain and key; plain HTTP when nil (loopback only).
    public var tls: (certificate: String, key: String)?
    /// Seconds a connection may stay without a request (it covers a request head never finished).
    public var idleTimeoutSeconds: Double = 30
    /// Seconds to read a whole request after its head.
    public var requestTimeoutSeconds: Double = 60
    /// Connections served at once; more wait in the listen backlog.
    public var maxConnections = 512
    /// Connections one client address may hold at once; more are closed at once.
    public var maxConnectionsPerClient = 32
    /// Load balancers: exempt from the per-client connection limit, and their
    /// `X-Forwarded-For` names the client for the per-client request limits.
    public var trustedProxies: Set<String> = []
    /// After how long without contact the desk flags a node as not syncing.
    public var nodeSilentAfterMillis = CentralAPI.defaultNodeSilentAfterMillis

    public init() {}
}

/// The central server process: serves the central API on TCP until SIGTERM or SIGINT.
public enum CentralDaemon {
    /// Runs the central server of `dataDirectory`.
    public static func run(dataDirectory: String, keys: KeyFolder? = nil, databaseURL: String? = nil, options: CentralListenOptions,
                           logger: Logger) async throws {
        signal(SIGPIPE, SIG_IGN)
        guard let lock = try DataDirectoryLock(dataDirectory: dataDirectory) else {
            throw DaemonError("another enlace central server is already running on \(dataDirectory)")
        }
        let server = try await CentralSetup.open(dataDirectory: dataDirectory, keys: keys, checked: true, databaseURL: databaseURL)
        let metrics = MetricsEndpoint.bootstrap()
        let notifier = SystemdNotifier()
        let requestTimeout = TimeAmount.milliseconds(Int64(options.requestTimeoutSeconds * 1000))
        let perClient = ConnectionLimit(perClient: options.maxConnectionsPerClient, trustedProxies: options.trustedProxies)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [perClient.handler(), RequestReadTimeout(timeout: requestTimeout)],
            idleTimeout: .milliseconds(Int64(options.idleTimeoutSeconds * 1000)))
        let serverBuilder: HTTPServerBuilder
        if let tls = options.tls {
            serverBuilder = try .tls(.http1(configuration: http1), tlsConfiguration: try CentralDaemon.tlsConfiguration(tls))
        } else {
            serverBuilder = .http1(configuration: http1)
            if !TransportPolicy.isLoopback(host: options.host) {
                logger.warning("serving plain HTTP on a non-loopback address: nodes require https:// here; configure tls_certificate and tls_key",
                               metadata: ["listen": "\(options.host):\(options.port)"])
            }
        }
        var app = Application(
            router: CentralAPI(server: server, maxBodyBytes: options.maxBodyBytes, maxBatch: options.maxBatch, metrics: metrics,
                              secureCookies: options.tls != nil, trustedProxies: options.trustedProxies,
                              nodeSilentAfterMillis: options.nodeSilentAfterMillis).router(),
            server: serverBuilder,
            configuration: .init(
                address: .hostname(options.host, port: options.port), serverName: "enlace-central",
                availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
            onServerRunning: { [logger] channel in
                logger.info("serving the central API", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                notifier.notify("READY=1\nSTATUS=serving the central API")
            },
            logger: logger)
        app.addServices(SystemdWatchdog(notifier: notifier), StoreService(store: server.storage))
        try await app.runService()
        withExtendedLifetime(lock) {}
    }

    /// The server's TLS settings from PEM files, with precise errors.
    static func tlsConfiguration(_ files: (certificate: String, key: String)) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(files.certificate) } catch {
            throw DaemonError("tls_certificate \(files.certificate): not a readable PEM certificate (\(error))")
        }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: files.key, format: .pem) } catch {
            throw DaemonError("tls_key \(files.key): not a readable PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        // TLS 1.2 with forward secrecy and AEAD only (Mozilla's "intermediate" profile); TLS 1.3
        // has its own list, all AEAD. CBC suites (LUCKY13) are not offered.
        configuration.cipherSuiteValues = [
            .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ]
        return configuration
    }
}
