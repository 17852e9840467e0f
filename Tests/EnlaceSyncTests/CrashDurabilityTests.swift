#if canImport(Glibc)
import Glibc
#endif
import EnlaceHTTP
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Synchronization
import Testing

/// What a process acknowledged survives its SIGKILL: the central server killed right after
/// answering a push and in the middle of a stream of pushes, a node killed with local writes in
/// flight. Real processes, real SQLite files.
@Suite("Crash durability", .serialized)
struct CrashDurabilityTests {
    @Test("the SQLite central server killed with SIGKILL right after a 200 push, and again mid-push, keeps every entry it acknowledged, once")
    func centralKilledAfterPush() async throws {
        let central = try await RunningCentral(store: .sqlite)
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let proxy = try FaultProxy(to: central.port)
        defer { proxy.close() }
        let node = try RunningNode(nodeID: "c4-01", department: "C4", central: proxy.url, token: try central.enroll("c4-01", "C4"))
        try node.start(["--sync-interval", "3600", "--sync-debounce", "3600", "--batch-size", "4"])
        var ids: [String] = []
        func write(_ count: Int) throws {
            for index in 0..<count {
                let created = try node.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": .string("caso \(ids.count) \(index)")])
                #expect(created.status == 201)
                ids.append(try #require(created.json["id"]?.stringValue, "\(created.json)"))
            }
        }
        try write(12)
        let pushed = try node.request("POST", "/v1/sync")
        #expect(pushed.status == 200 && pushed.json["pushed"] == 12, "\(pushed.json)")
        central.daemon?.signal(SIGKILL)
        central.daemon?.waitForExit()
        try central.start()
        let held = { (try? central.request("GET", "/v1/status", token: office).json["journal_entries"]?.intValue) ?? 0 }
        // The enrollment, the key binding and the twelve cases.
        #expect(held() == 14, "the central server kept \(held()) of the 14 entries it acknowledged")

        // Killed again while a longer push is in flight through a slow link.
        try write(40)
        proxy.set(.pace(millis: 10))
        let syncing = try DaemonProcess(["sync", "--data", node.data], log: node.folder.sub("sync.log"))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, held() < 14 + 8 { usleep(5_000) }
        central.daemon?.signal(SIGKILL)
        central.daemon?.waitForExit()
        syncing.waitForExit()
        proxy.set(.none)
        try central.start()
        let landed = held() - 14
        #expect(landed >= 8 && landed < 40, "the push was cut: \(landed) of 40 entries had landed")
        let verify = try EnlaceBinary.run(["journal", "verify", "--data", central.data])
        #expect(verify.status == 0, "\(verify.stderr)")
        // The node sends the rest once; every case is at the central server, none twice.
        let rest = try node.request("POST", "/v1/sync")
        // (A batch the central server stored but never answered is sent again, as a no-op.)
        let again = Int64(rest.json["pushed"]?.intValue ?? -1)
        #expect(rest.status == 200 && again >= 40 - landed && again <= 40 - landed + 4, "\(rest.json) after \(landed)")
        #expect(held() == 14 + 40)
        for id in ids { #expect(try central.request("GET", "/v1/cases/\(id)", token: office).status == 200, "\(id)") }
        #expect(try node.request("GET", "/v1/status").json["pending_entries"] == 0)
    }

    @Test("a node killed with local writes in flight keeps every write it acknowledged, verifies, and delivers them all")
    func nodeKilledWithWritesInFlight() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let node = try central.node("c4-01", "C4")
        try node.start()
        let acknowledged = Mutex<[(id: String, summary: String)]>([])
        let unexpected = FailureLog()
        let stop = Atomic<Bool>(false)
        // Four writers over the socket: each opens a case, then rewrites its summary, until the
        // daemon dies under them.
        let socket = node.data + "/node.sock"
        @Sendable func request(_ method: String, _ path: String, _ body: JSONValue) throws -> (status: Int, json: JSONValue) {
            let answer = try JSONClient(socket: socket, headers: [("X-Enlace-Author", "srv-prueba")]).call(method, path, json: body)
            return (answer.status, (try? JSONValue.parse(answer.body)) ?? .null)
        }
        let group = DispatchGroup()
        for writer in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                var round = 0
                while !stop.load(ordering: .relaxed) {
                    round += 1
                    do {
                        let created = try request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": .string("w\(writer) r\(round)")])
                        guard created.status == 201, let id = created.json["id"]?.stringValue else {
                            unexpected.record("create: \(created.status) \(created.json)")
                            return
                        }
                        acknowledged.withLock { $0.append((id, "w\(writer) r\(round)")) }
                        let summary = "w\(writer) r\(round) revisado"
                        let patched = try request("PATCH", "/v1/cases/\(id)", ["summary": .string(summary)])
                        guard patched.status == 200 else {
                            unexpected.record("patch: \(patched.status) \(patched.json)")
                            return
                        }
                        acknowledged.withLock { $0.append((id, summary)) }
                    } catch {
                        return  // the daemon is gone: the connection failed
                    }
                }
            }.start()
        }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, acknowledged.withLock({ $0.count }) < 60 { usleep(2_000) }
        node.daemon?.signal(SIGKILL)
        node.daemon?.waitForExit()
        stop.store(true, ordering: .relaxed)
        group.wait()
        #expect(unexpected.messages.isEmpty, "\(unexpected.messages.prefix(3))")

        let verify = try node.cli(["journal", "verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
        try node.start()
        // The last acknowledged value of each case is what the node holds.
        var latest: [String: String] = [:]
        for (id, summary) in acknowledged.withLock({ $0 }) { latest[id] = summary }
        #expect(latest.count >= 30)
        for (id, summary) in latest {
            let held = try node.request("GET", "/v1/cases/\(id)")
            #expect(held.status == 200 && held.json["summary"]?.stringValue?.hasPrefix(summary) == true, "\(id): \(held.json["summary"] ?? .null) vs \(summary)")
        }
        let round = try node.request("POST", "/v1/sync")
        #expect(round.status == 200, "\(round.json)")
        for (id, summary) in latest {
            let copy = try central.request("GET", "/v1/cases/\(id)", token: office)
            #expect(copy.json["summary"]?.stringValue?.hasPrefix(summary) == true, "\(id) at the central server")
        }
        let status = try node.request("GET", "/v1/status").json
        let centralEntries = try central.request("GET", "/v1/status", token: office).json["journal_entries"]
        #expect(status["pending_entries"] == 0 && status["journal_entries"] == centralEntries)
    }
}
