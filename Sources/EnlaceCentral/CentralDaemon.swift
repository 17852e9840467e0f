#if canImport(Glibc)
import Glibc
#endif
import EnlaceAPI
import EnlaceStore
import Foundation
import Hummingbird
import Logging

/// The central server process: serves the central API on TCP until SIGTERM or SIGINT.
public enum CentralDaemon {
    /// Runs the central server of `dataDirectory` on `host:port`.
    public static func run(
        dataDirectory: String, host: String, port: Int, maxBodyBytes: Int = 32 << 20, maxBatch: Int = 5000, logger: Logger
    ) async throws {
        signal(SIGPIPE, SIG_IGN)
        guard let lock = try DataDirectoryLock(dataDirectory: dataDirectory) else {
            throw StoreError.corrupt("another enlace central server is already running on \(dataDirectory)")
        }
        let server = try CentralServer.open(dataDirectory: dataDirectory)
        let notifier = SystemdNotifier()
        var app = Application(
            router: CentralAPI(server: server, maxBodyBytes: maxBodyBytes, maxBatch: maxBatch).router(),
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
}
