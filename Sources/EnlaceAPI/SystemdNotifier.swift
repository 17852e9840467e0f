#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import ServiceLifecycle

/// Speaks systemd's sd_notify datagram protocol directly (no libsystemd): `READY=1` once the
/// daemon serves, `STOPPING=1` on shutdown, `WATCHDOG=1` at half of `WatchdogSec`.
/// Without `$NOTIFY_SOCKET` every call does nothing.
public struct SystemdNotifier: Sendable {
    /// The socket path (`@` for the abstract namespace), from `$NOTIFY_SOCKET`.
    public let socketPath: String?
    /// The watchdog interval from `$WATCHDOG_USEC`, when the unit has one.
    public let watchdogMicroseconds: UInt64?

    /// A notifier configured from the environment.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let watchdogPID = environment["WATCHDOG_PID"].flatMap { Int32($0) }
        if let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec > 0, watchdogPID == nil || watchdogPID == getpid() {
            watchdogMicroseconds = usec
        } else {
            watchdogMicroseconds = nil
        }
    }

    /// Sends one notification (e.g. `READY=1`); returns whether it was sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        let abstract = pathBytes.first == UInt8(ascii: "@")
        if abstract { pathBytes[0] = 0 }
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in pathBytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (abstract ? 0 : 1))
        let sent = state.withCString { text in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, text, strlen(text), 0, $0, length) }
            }
        }
        return sent >= 0
    }
}

/// Sends `WATCHDOG=1` at half the unit's `WatchdogSec` while the daemon runs; says
/// `STOPPING=1` when graceful shutdown begins.
public struct SystemdWatchdog: Service {
    let notifier: SystemdNotifier

    public init(notifier: SystemdNotifier) {
        self.notifier = notifier
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            guard let usec = notifier.watchdogMicroseconds else {
                try? await gracefulShutdown()
                return
            }
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                notifier.notify("WATCHDOG=1")
                try? await Task.sleep(for: .microseconds(usec / 2))
            }
        } onGracefulShutdown: {
            notifier.notify("STOPPING=1")
        }
    }
}
