#if canImport(Glibc)
import Glibc
#endif
import EnlaceAPI
import EnlaceStore
import EnlaceSync
import Foundation
import Hummingbird
import Logging

/// The field node daemon: serves the local API on `DIR/node.sock` (and the ventanilla, when
/// configured) until SIGTERM or SIGINT.
public enum NodeDaemon {
    /// The socket path inside a data folder.
    public static func socketPath(in dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("node.sock")
    }

    /// Runs the daemon on the node in `dataDirectory`, its keys and token in `keys` (default:
    /// resolved as `KeyFolder` says); returns after a graceful shutdown.
    public static func run(
        dataDirectory: String, keys: KeyFolder? = nil, centralURL: String? = nil, listen: (host: String, port: Int)? = nil,
        ventanilla: (host: String, port: Int)? = nil, sync configuration: SyncConfiguration, logger: Logger
    ) async throws {
        let keys = keys ?? KeyFolder.resolve(explicit: nil, dataDirectory: dataDirectory, keyName: "node")
        signal(SIGPIPE, SIG_IGN)
        guard let lock = try DataDirectoryLock(dataDirectory: dataDirectory) else {
            throw DaemonError("another enlace daemon is already running on \(dataDirectory)")
        }
        let (node, nodeKeys) = try await NodeSetup.open(dataDirectory: dataDirectory, keys: keys, centralURL: centralURL)
        let store = node.store
        let socket = socketPath(in: dataDirectory)
        guard socket.utf8.count < 108 else {
            throw DaemonError("the socket path \(socket) is longer than 107 bytes; use a shorter data folder")
        }
        // A socket left by a killed daemon: the lock proves nobody serves it.
        unlink(socket)
        let notifier = SystemdNotifier()
        var logger = logger
        logger[metadataKey: "node.id"] = "\(node.identity.nodeID)"
        let metrics = MetricsEndpoint.bootstrap()
        let coordinator = SyncCoordinator(
            client: SyncClient(
                store: store, identity: node.identity, keys: nodeKeys, configuration: configuration),
            configuration: configuration, logger: logger)
        let api = NodeAPI(node: node, coordinator: coordinator, metrics: metrics)
        var app = Application(
            router: api.router(),
            configuration: .init(address: .unixDomainSocket(path: socket), serverName: "enlace-node"),
            onServerRunning: { [logger] _ in
                chmod(socket, 0o660)
                logger.info("serving the local API", metadata: ["socket": "\(socket)"])
                notifier.notify("READY=1\nSTATUS=serving \(socket)")
            },
            logger: logger)
        app.addServices(coordinator, SystemdWatchdog(notifier: notifier))
        if let listen {
            // The same API on a loopback TCP address, for tools that cannot use a Unix socket.
            // Every request there but the metrics carries the local credential (DIR/local.token,
            // readable by the node's group) and names this address as its Host.
            let access = LocalAccess(token: try LocalAccess.credential(in: dataDirectory), host: listen.host, port: listen.port)
            let tcp = Application(
                router: api.router(access: access),
                configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "enlace-node"),
                logger: logger)
            app.addServices(tcp)
        }
        if let ventanilla {
            // La ventanilla: the servants' pages, on a loopback address of its own.
            let pages = VentanillaController(node: node, host: ventanilla.host, port: ventanilla.port,
                                             onWrite: { await coordinator.noteLocalWrite() })
            app.addServices(Application(
                router: pages.router(),
                configuration: .init(address: .hostname(ventanilla.host, port: ventanilla.port), serverName: "enlace-ventanilla"),
                onServerRunning: { [logger] _ in
                    logger.info("serving the ventanilla", metadata: ["address": "http://\(ventanilla.host):\(ventanilla.port)/ventanilla/"])
                },
                logger: logger))
        }
        try await app.runService()
        unlink(socket)
        withExtendedLifetime(lock) {}
        logger.info("stopped")
    }
}
