#if canImport(Glibc)
import Glibc
#endif
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// The daemon as systemd runs it: sd_notify, SIGTERM, configuration files.
@Suite("Daemon lifecycle", .serialized)
struct LifecycleTests {
    /// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`.
    final class FakeNotifySocket {
        let path: String
        let fd: Int32

        init(path: String) {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
            }
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        /// Waits up to `seconds` for a datagram containing `text`.
        func await(_ text: String, seconds: Double = 15) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count > 0, String(decoding: buffer[0..<count], as: UTF8.self).contains(text) { return true }
            }
            return false
        }

        deinit { close(fd) }
    }

    @Test("under a fake NOTIFY_SOCKET the node says READY, sends WATCHDOG, and says STOPPING on SIGTERM")
    func sdNotify() throws {
        let node = try RunningNode()
        let notify = FakeNotifySocket(path: node.folder.sub("notify.sock"))
        try node.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "200000"])
        #expect(notify.await("READY=1"))
        #expect(notify.await("WATCHDOG=1"))
        #expect(notify.await("WATCHDOG=1"))
        node.daemon?.signal(SIGTERM)
        #expect(notify.await("STOPPING=1"))
        #expect(node.daemon?.waitForExit(seconds: 10) == 0)
        node.daemon = nil
    }

    @Test("SIGTERM during a sync loses nothing: the node exits 0, and the next rounds deliver everything")
    func sigtermDuringSync() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("ana", role: "viewer")
        let held = { (try? central.request("GET", "/v1/status", token: office).json["journal_entries"]?.intValue) ?? 0 }
        let before = held()
        // A slow link keeps the push in flight; SIGTERM arrives once part of it has landed.
        let proxy = try FaultProxy(to: central.port)
        defer { proxy.close() }
        proxy.set(.pace(millis: 10))
        let node = try RunningNode(nodeID: "dif-01", department: "DIF", central: proxy.url, token: try central.enroll("dif-01", "DIF"))
        try node.start(["--sync-interval", "3600", "--sync-debounce", "3600", "--batch-size", "2"])
        let roster = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/roster-ec0539.csv").path
        #expect(try node.cli(["cert", "import", roster, "--author", "srv-dif-1"]).status == 0)
        let syncing = try DaemonProcess(["sync", "--data", node.data], log: node.folder.sub("sync.log"))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, held() < before + 10 { usleep(5_000) }
        let landed = held() - before
        node.daemon?.signal(SIGTERM)
        #expect(landed >= 10 && landed < 127, "SIGTERM came during the push: \(landed) of 127 entries had landed")
        #expect(node.daemon?.waitForExit(seconds: 20) == 0)
        node.daemon = nil
        syncing.waitForExit()
        proxy.set(.none)
        #expect(try await JournalStore.opened(data: node.data).verify().isSound)
        try node.start()
        let result = try node.cli(["sync", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(held() - before == 127, "125 certificates, the node's enrollment and its key binding")
        #expect(try node.request("GET", "/v1/status").json["pending_entries"] == 0)
    }

    @Test("configuration: a file is read; flags beat the environment, which beats the file; errors name file, line or key")
    func configuration() throws {
        let node = try RunningNode()
        let file = node.folder.sub("node.conf")
        try "# test\ndata = \(node.data)\nsync_interval = 90s\nbatch_size = 10\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try DaemonProcess(["node", "run", "--config", file], log: node.folder.sub("file.log"))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? node.request("GET", "/v1/status").status) != 200 { usleep(50_000) }
        #expect(try node.request("GET", "/v1/status").status == 200)
        #expect(try node.request("GET", "/v1/status").json["central_url"] == "http://127.0.0.1:9")
        fromFile.signal(SIGTERM)
        #expect(fromFile.waitForExit() == 0)

        // central_url from the environment overrides the URL given at init; a flag beats both.
        try node.start(["--central", "http://127.0.0.1:7"], environment: ["ENLACE_CENTRAL_URL": "http://127.0.0.1:8"])
        #expect(try node.request("GET", "/v1/status").json["central_url"] == "http://127.0.0.1:7")
        node.daemon?.signal(SIGTERM)
        node.daemon?.waitForExit()
        node.daemon = nil
        let insecure = try EnlaceBinary.run(["node", "run", "--data", node.data, "--central", "http://10.1.2.3"])
        #expect(insecure.status == 2)
        #expect(insecure.stderr.contains("requiere https://"), "\(insecure.stderr)")

        try "data = \(node.data)\nsync_intervall = 5\n".write(toFile: file, atomically: true, encoding: .utf8)
        let unknown = try EnlaceBinary.run(["node", "run", "--config", file])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("la configuración no es válida") && unknown.stderr.contains("\(file):2")
                    && unknown.stderr.contains("sync_intervall"), "\(unknown.stderr)")

        try "batch_size = many\n".write(toFile: file, atomically: true, encoding: .utf8)
        let wrongType = try EnlaceBinary.run(["node", "run", "--config", file])
        #expect(wrongType.status == 2)
        #expect(wrongType.stderr.contains("\(file):1 (batch_size)"))

        let missing = try EnlaceBinary.run(["node", "run", "--config", node.folder.sub("nope.conf")])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope.conf"))

        try "batch_size = 10\n".write(toFile: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EnlaceBinary.path)
        process.arguments = ["node", "run", "--config", file, "--data", node.data]
        process.environment = ProcessInfo.processInfo.environment.merging(["ENLACE_SYNC_INTERVAL": "soon"]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("ENLACE_SYNC_INTERVAL"))
    }
}
