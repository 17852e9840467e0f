#if canImport(Glibc)
import Glibc
#endif
import EnlaceAPI
import EnlaceStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging

/// The central server process: serves the central API on TCP until SIGTERM or SIGINT.
public enum CentralDaemon {
    /// Runs the central server of `dataDirectory` on `host:port`.
    public static func run(
        dataDirectory: String, host: String, port: Int, maxBodyBytes: Int = 32 << 20, maxBatch: Int = 5000,
        tls: (certificate: String, key: String)? = nil, logger: Logger
    ) async throws {
        signal(SIGPIPE, SIG_IGN)
        guard let lock = try DataDirectoryLock(dataDirectory: dataDirectory) else {
            throw StoreError.corrupt("another enlace central server is already running on \(dataDirectory)")
        }
        let server = try CentralServer.open(dataDirectory: dataDirectory)
        let notifier = SystemdNotifier()
        let serverBuilder: HTTPServerBuilder
        if let tls {
            serverBuilder = try .tls(.http1(), tlsConfiguration: try CentralDaemon.tlsConfiguration(tls))
        } else {
            serverBuilder = .http1()
            let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
            if !loopback {
                logger.warning("serving plain HTTP on a non-loopback address: nodes require https:// here; configure tls_certificate and tls_key",
                               metadata: ["listen": "\(host):\(port)"])
            }
        }
        var app = Application(
            router: CentralAPI(server: server, maxBodyBytes: maxBodyBytes, maxBatch: maxBatch).router(),
            server: serverBuilder,
            configuration: .init(address: .hostname(host, port: port), serverName: "enlace-central"),
            onServerRunning: { [logger] channel in
                logger.info("serving the central API", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                notifier.notify("READY=1\nSTATUS=serving the central API")
            },
            logger: logger)
        app.addServices(SystemdWatchdog(notifier: notifier))
        try await app.runService()
        withExtendedLifetime(lock) {}
    }

    /// The server's TLS settings from PEM files, with precise errors.
    static func tlsConfiguration(_ files: (certificate: String, key: String)) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(files.certificate) } catch {
            throw StoreError.corrupt("tls_certificate \(files.certificate): not a readable PEM certificate (\(error))")
        }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: files.key, format: .pem) } catch {
            throw StoreError.corrupt("tls_key \(files.key): not a readable PEM private key (\(error))")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
