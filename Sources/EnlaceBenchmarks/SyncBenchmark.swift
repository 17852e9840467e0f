#if canImport(Glibc)
import Glibc
#endif
import EnlaceDemo
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import Foundation
import GRDB
import Synchronization

/// Sync end to end, against its floors in the same run: a real central server, a C4 node, a DIF
/// node and C4's second machine (processes on loopback, SQLite files). C4 writes, through its
/// socket by concurrent clients, cases with an attention each, a referral to DIF for every
/// fourth, and a certificate for every twentieth, beside the same clients' rate on `/healthz`
/// (the transport floor); pushes them; DIF pulls through its need-to-know scope (bodies of the
/// referred cases and the certificates, stubs of the rest) and C4's second machine pulls every
/// body; both departments then edit the same referred cases at once (conflicts for the office);
/// then an idle round, rounds bringing 10 new entries, and rounds during a sign-in flood. The
/// other floors are SQLite's own, measured here beside them: ~500-byte rows inserted 500 per
/// transaction (what a batch could cost) and one per transaction (what a durable acknowledged
/// write could cost), WAL, `synchronous=FULL`.
enum SyncBenchmark {
    static func run(caseCount: Int, clients: Int) throws {
        print("enlace-bench sync: \(caseCount) cases by \(clients) clients (an attention each, a referral to DIF for every 4th, a certificate for every 20th), a central server, a C4 node, a DIF node and C4's second machine (processes)")
        let executable = try enlaceExecutable()
        let folder = try scratchFolder()
        defer { SyncBenchmark.discard(folder) }

        let batchFloor = try sqliteFloor(in: folder, rows: 20_000, perTransaction: 500)
        let rowFloor = try sqliteFloor(in: folder, rows: 400, perTransaction: 1)

        func run(_ arguments: [String]) throws -> String {
            let result = try runCapturing(executable, arguments)
            guard result.status == 0 else { throw BenchError("enlace \(arguments.prefix(2).joined(separator: " ")): \(result.stderr)") }
            return result.stdout
        }
        let centralData = folder + "/central"
        _ = try run(["central", "init", "--data", centralData])
        let port = try freeLoopbackPort()
        let url = "http://127.0.0.1:\(port)"
        let central = try ChildProcess(executable, ["central", "run", "--data", centralData, "--listen", "127.0.0.1:\(port)"],
                                       name: "central", log: folder + "/central.log")
        defer { central.stop() }
        try waitUntilReady(try JSONClient(baseURL: url), "/healthz")
        var nodes: [(process: ChildProcess, client: JSONClient, data: String)] = []
        defer { for node in nodes { node.process.stop() } }
        for (id, department) in [("c4-01", "C4"), ("dif-01", "DIF"), ("c4-02", "C4")] {
            let data = folder + "/" + id
            let token = try JSONValue.parse(try run(["central", "enroll", "--data", centralData, "--node-id", id, "--department", department, "--json"]))
            _ = try run(["node", "init", "--data", data, "--node-id", id, "--department", department, "--central", url,
                         "--token", token["token"]?.stringValue ?? ""])
            let process = try ChildProcess(executable, ["node", "run", "--data", data, "--sync-interval", "3600", "--sync-debounce", "3600"],
                                           name: id, log: folder + "/\(id).log")
            let client = try JSONClient(socket: data + "/node.sock", headers: [("X-Enlace-Author", "srv-bench")])
            nodes.append((process, client, data))
            try waitUntilReady(client, NodeRoute.status)
        }
        // C4's second machine holds every case C4 wrote: its pull carries every body.
        let (writer, reader, twin) = (nodes[0], nodes[1], nodes[2])

        // Local writes: `clients` threads, each its own connection to the node's socket.
        let written = Mutex(0)
        let referred = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        let socket = writer.data + "/node.sock"
        let writeStart = Date()
        DispatchQueue.concurrentPerform(iterations: clients) { client in
            do {
                let connection = try JSONClient(socket: socket, headers: [("X-Enlace-Author", "srv-bench")])
                for index in stride(from: client, to: caseCount, by: clients) {
                    let created = try connection.call("POST", NodeRoute.collection(.caseFile), json: [
                        "intake_channel": "telefonica", "person": ["full_name": .string("Usuaria \(index)"), "phone": "477 000 0000"],
                        "summary": .string(String(repeating: "Relato de la usuaria. ", count: 10)),
                    ])
                    guard created.status == 201, let id = created.json["id"]?.stringValue else { throw BenchError("create: \(created.status)") }
                    let attention = try connection.call("POST", NodeRoute.attentions(caseID: id), json: [
                        "kind": "primer_contacto", "note": "Se orienta y se valora el riesgo.",
                    ])
                    guard attention.status == 201 else { throw BenchError("attention: \(attention.status)") }
                    var count = 2
                    if index % 4 == 0 {
                        let referral = try connection.call("POST", NodeRoute.referrals(caseID: id), json: [
                            "to": "DIF", "reason": "Acompañamiento psicológico y jurídico.",
                        ])
                        guard referral.status == 201 else { throw BenchError("referral: \(referral.status) \(referral.errorMessage)") }
                        count += 1
                        referred.withLock { $0.append(id) }
                    }
                    if index % 20 == 0 {
                        let certificate = try connection.call("POST", NodeRoute.collection(.certification), json: [
                            "holder_name": .string("Servidora \(index)"), "holder_employee_id": .string("LEO-\(index)"), "department": "C4",
                            "standard_code": "EC0539", "folio": .string("D-\(index)"), "status": "vigente", "valid_until": "2029-01-31",
                        ])
                        guard certificate.status == 201 else { throw BenchError("certificate: \(certificate.status) \(certificate.errorMessage)") }
                        count += 1
                    }
                    written.withLock { $0 += count }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        if let failure = failures.withLock({ $0.first }) { throw BenchError("local writes failed: \(failure)") }
        let writes = Double(written.withLock { $0 }) / Date().timeIntervalSince(writeStart)
        let transport = try transportFloor(socket: socket, clients: clients, requests: max(2_000, written.withLock { $0 } / 2))

        func round(_ node: (process: ChildProcess, client: JSONClient, data: String)) throws -> (seconds: Double, report: JSONValue) {
            let start = Date()
            let answer = try node.client.call("POST", NodeRoute.sync, json: nil)
            guard answer.status == 200 else { throw BenchError("sync answered \(answer.status): \(answer.errorMessage)") }
            return (Date().timeIntervalSince(start), answer.json)
        }
        // CPU each process spends per entry (user + system), steadier than a rate on a shared machine.
        var cpu = try CPUTime([central.pid, writer.process.pid, twin.process.pid])
        let pushed = try round(writer)
        let pushCPU = try cpu.lap()
        let pushCount = pushed.report["pushed"]?.intValue ?? 0
        let before = try reader.client.call("GET", NodeRoute.status, json: nil).json["journal_entries"]?.intValue ?? 0
        let pulled = try round(reader)
        // Every entry DIF received: bodies it may read, stubs of the rest (the round reports bodies).
        let pullCount = (try reader.client.call("GET", NodeRoute.status, json: nil).json["journal_entries"]?.intValue ?? 0) - before
        let bodiesPulled = pulled.report["pulled"]?.intValue ?? 0
        let twinBefore = try twin.client.call("GET", NodeRoute.status, json: nil).json["journal_entries"]?.intValue ?? 0
        _ = try cpu.lap()
        let everyBody = try round(twin)
        let everyBodyCPU = try cpu.lap()
        let everyBodyCount = (try twin.client.call("GET", NodeRoute.status, json: nil).json["journal_entries"]?.intValue ?? 0) - twinBefore
        let everyBodyBodies = everyBody.report["pulled"]?.intValue ?? 0
        let pushBytes = try syncBytes(writer.client, "sent"), pullBytes = try syncBytes(reader.client, "received")
        // Both departments edit the same referred cases at once: the office gets conflicts.
        let edited = Array(referred.withLock { $0 }.prefix(20))
        for id in edited {
            _ = try writer.client.call("PATCH", NodeRoute.record(.caseFile, id), json: ["summary": "Actualización de C4."])
            _ = try reader.client.call("PATCH", NodeRoute.record(.caseFile, id), json: ["summary": "Actualización del DIF."])
        }
        for node in [writer, reader, writer, twin] { _ = try round(node) }
        let conflicts = try reader.client.call("GET", NodeRoute.status, json: nil).json["open_conflicts"]?.intValue ?? 0
        let idle = try (1...5).map { _ in try round(reader).seconds }.sorted()[2]
        var deltas: [Double] = []
        for _ in 1...3 {
            // Five cases with an attention each, the first referred to DIF: 10 entries and a referral.
            for index in 0..<5 {
                let created = try writer.client.call("POST", NodeRoute.collection(.caseFile), json: ["intake_channel": "presencial", "summary": .string("Delta \(index)")])
                guard let id = created.json["id"]?.stringValue else { throw BenchError("delta create: \(created.status)") }
                _ = try writer.client.call("POST", NodeRoute.attentions(caseID: id), json: ["kind": "seguimiento", "note": "Llamada."])
                if index == 0 { _ = try writer.client.call("POST", NodeRoute.referrals(caseID: id), json: ["to": "DIF"]) }
            }
            _ = try round(writer)
            deltas.append(try round(reader).seconds)
        }
        let peak = peakMemory(of: reader.process.pid)
        // A sync round (two new entries pushed) during a sign-in flood on the central server's
        // desk, beside the same rounds without it.
        func pushRound() throws -> Double {
            let created = try writer.client.call("POST", NodeRoute.collection(.caseFile), json: ["intake_channel": "presencial", "summary": "Ronda."])
            guard let id = created.json["id"]?.stringValue else { throw BenchError("round create: \(created.status)") }
            _ = try writer.client.call("POST", NodeRoute.attentions(caseID: id), json: ["kind": "seguimiento", "note": "Llamada."])
            return try round(writer).seconds
        }
        let quiet = try (1...floodRounds).map { _ in try pushRound() }
        let flood = try SignInFlood(baseURL: url, connections: 64)
        let flooded = try (1...floodRounds).map { _ in try pushRound() }
        let attempts = flood.stop()

        let line = GoalTable.line
        GoalTable.heads()
        line("local writes, \(clients) clients (≥ 1/3 of floor; at least 0.15×)", String(format: "%.0f writes/s", writes),
             String(format: "%.0f requests/s (/healthz)", transport), String(format: "%.3f×", writes / transport))
        line("  the same beside SQLite", String(format: "%.0f writes/s", writes),
             String(format: "%.0f rows/s (1 per commit)", rowFloor), String(format: "%.3f×", writes / rowFloor))
        let pushRate = Double(pushCount) / pushed.seconds, pullRate = Double(pullCount) / pulled.seconds
        let everyBodyRate = Double(everyBodyCount) / everyBody.seconds
        line("push (≥ 1/3 of floor; at least 0.15×)", String(format: "%.0f entries/s", pushRate),
             String(format: "%.0f rows/s (500 per commit)", batchFloor), String(format: "%.3f×", pushRate / batchFloor))
        line("pull, every body (≥ 1/3 of floor; at least 0.15×)", String(format: "%.0f entries/s", everyBodyRate),
             String(format: "%.0f rows/s (500 per commit)", batchFloor), String(format: "%.3f×", everyBodyRate / batchFloor))
        line("  CPU per entry pushed: central, pushing node", String(format: "%.0f µs, %.0f µs", pushCPU[0] / Double(max(1, pushCount)) * 1e6,
                                                                          pushCPU[1] / Double(max(1, pushCount)) * 1e6), "—", "user + system")
        line("  CPU per entry pulled: central, pulling node", String(format: "%.0f µs, %.0f µs", everyBodyCPU[0] / Double(max(1, everyBodyCount)) * 1e6,
                                                                          everyBodyCPU[2] / Double(max(1, everyBodyCount)) * 1e6), "—", "user + system")
        line("pull through DIF's scope", String(format: "%.0f entries/s", pullRate),
             String(format: "%.0f rows/s (500 per commit)", batchFloor), String(format: "%.3f×", pullRate / batchFloor))
        line("idle round (one request each way)", String(format: "%.1f ms", idle * 1000), "—", "median of 5")
        line("round of 10 entries and a referral (< 20 ms)", String(format: "%.1f ms", deltas.sorted()[1] * 1000),
             "journal of \(Int(pullCount) + 33 + 2 * edited.count) entries", "median of 3")
        line("round of 2 entries, 64-connection sign-in flood", String(format: "p99 %.1f ms, p50 %.1f ms", percentile(flooded, 0.99) * 1000,
                                                                          percentile(flooded, 0.5) * 1000),
             String(format: "p99 %.1f ms, p50 %.1f ms unflooded", percentile(quiet, 0.99) * 1000, percentile(quiet, 0.5) * 1000),
             String(format: "%.2f× (p99), %d rounds each", percentile(flooded, 0.99) / percentile(quiet, 0.99), floodRounds))
        line("bytes on the wire per entry (bodies)", String(format: "%.0f pushed, %.0f pulled", Double(pushBytes) / Double(max(1, pushCount)),
                                                          Double(pullBytes) / Double(max(1, pullCount))), "—", "")
        line("pulling node's peak RSS (< 100 MB)", String(format: "%.0f MB", peak / 1_048_576), "after \(pullCount) entries", "")
        print("  (pushed \(pushCount) entries; C4's second machine pulled \(everyBodyCount), \(everyBodyBodies) with their bodies; DIF pulled \(pullCount): \(bodiesPulled) bodies (\(referred.withLock { $0.count }) referred cases, the certificates), stubs of the rest;")
        print("   \(edited.count) cases edited at once by both: \(conflicts) open conflicts at DIF; \(attempts) sign-in attempts answered during the flood; the 1,000,000-entry goals need `enlace-bench sync 435000`)")
    }

    /// Rounds timed with and without the sign-in flood.
    static let floodRounds = 100

    /// The `q` quantile of `values` (nearest rank).
    static func percentile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
    }

    /// What the node's socket itself costs: `clients` connections asking its cheapest endpoint
    /// (`/healthz`, through the same middleware as a write), `requests` in all; requests/s.
    static func transportFloor(socket: String, clients: Int, requests: Int) throws -> Double {
        let failures = Mutex<[String]>([])
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: clients) { client in
            do {
                let connection = try JSONClient(socket: socket)
                for _ in stride(from: client, to: requests, by: clients) {
                    let answer = try connection.call("GET", "/healthz", json: nil)
                    // An `enlace` from before the node answered /healthz: no transport floor.
                    if answer.status == 404 { throw BenchError.noTransportFloor }
                    guard answer.status == 200 else { throw BenchError("/healthz answered \(answer.status)") }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        if failures.withLock({ $0.contains(BenchError.noTransportFloor.description) }) { return .nan }
        if let failure = failures.withLock({ $0.first }) { throw BenchError("transport floor: \(failure)") }
        return Double(requests) / Date().timeIntervalSince(start)
    }

    /// The `enlace` binary built beside this one (the benchmarks start it as real processes).
    static func enlaceExecutable() throws -> String {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("enlace").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BenchError("\(executable) is missing: build every product first (`swift build -c release`, as `make bench` does)")
        }
        return executable
    }

    /// A new folder under the system's temporary folder, for one run's data folders.
    static func scratchFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("enlace-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Removes a run's folder, unless ENLACE_BENCH_KEEP=1 keeps its data folders and the
    /// processes' logs (for a failed run).
    static func discard(_ folder: String) {
        guard ProcessInfo.processInfo.environment["ENLACE_BENCH_KEEP"] == nil else { return }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// SQLite alone: `rows` rows of ~500 bytes, `perTransaction` to a commit, WAL, synchronous=FULL.
    static func sqliteFloor(in folder: String, rows: Int, perTransaction: Int) throws -> Double {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let path = folder + "/floor-\(perTransaction).sqlite"
        let pool = try DatabasePool(path: path, configuration: configuration)
        // As the store does: the pool's WAL set-up leaves its writer at NORMAL.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, v BLOB)") }
        let payload = [UInt8](repeating: 0x5A, count: 500)
        let start = Date()
        for first in stride(from: 0, to: rows, by: perTransaction) {
            try pool.write { db in
                let statement = try db.cachedStatement(sql: "INSERT INTO t (k, v) VALUES (?, ?)")
                for index in first..<min(first + perTransaction, rows) { try statement.execute(arguments: ["k\(index)", payload]) }
            }
        }
        return Double(rows) / Date().timeIntervalSince(start)
    }

    /// The body bytes a node has exchanged with the central server in `direction` (its metrics).
    static func syncBytes(_ client: JSONClient, _ direction: String) throws -> Int {
        let text = String(decoding: try client.call("GET", "/metrics", json: nil).body, as: UTF8.self)
        let prefix = "enlace_node_sync_bytes_total{direction=\"\(direction)\"} "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
    }

    /// A process's peak resident memory (VmHWM), in bytes.
    static func peakMemory(of pid: pid_t) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    static func waitUntilReady(_ client: JSONClient, _ path: String) throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let answer = try? client.call("GET", path, json: nil), answer.status < 500 { return }
            usleep(50_000)
        }
        throw BenchError("a replica did not start within 30 s")
    }
}

/// A benchmark that could not run.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// The node measured does not answer `/healthz` (an `enlace` older than the benchmark).
    static let noTransportFloor = BenchError("the node does not answer /healthz")
}
