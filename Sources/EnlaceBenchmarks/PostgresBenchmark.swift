#if canImport(Glibc)
import Glibc
#endif
import EnlaceDemo
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation
import Logging
import NIOPosix
import PostgresNIO
import Synchronization

/// The central server on PostgreSQL, beside PostgreSQL's own floor in the same run: one node
/// pushes its cases (an attention each) and the rate is set against `COPY` of the very journal
/// rows that push stored into a table with the journal's indexes and constraints; then 16
/// nodes push at once and their aggregate rate is set against the single node's. Needs
/// `ENLACE_TEST_POSTGRES` (a superuser's URL; `make bench` starts a throwaway cluster).
enum PostgresBenchmark {
    typealias Node = (id: String, process: ChildProcess, client: JSONClient, data: String)

    static func run(caseCount: Int, nodeCount: Int, casesPerNode: Int) async throws {
        guard let text = ProcessInfo.processInfo.environment["ENLACE_TEST_POSTGRES"] else {
            throw BenchError("ENLACE_TEST_POSTGRES names no PostgreSQL server (run it through scripts/with-postgres.sh, as `make bench` does)")
        }
        print("enlace-bench postgres: a central server on PostgreSQL; one node pushes \(caseCount) cases, then \(nodeCount) nodes push \(casesPerNode) each at once (processes)")
        let executable = try SyncBenchmark.enlaceExecutable()
        let folder = try SyncBenchmark.scratchFolder()
        defer { SyncBenchmark.discard(folder) }
        let database = try await PostgresStore.createDatabase("enlace_bench_" + UUID().uuidString.prefix(8).lowercased(), on: try PostgresLocation(url: text))

        func run(_ arguments: [String]) throws -> String {
            let result = try runCapturing(executable, arguments)
            guard result.status == 0 else { throw BenchError("enlace \(arguments.prefix(2).joined(separator: " ")): \(result.stderr)") }
            return result.stdout
        }
        let centralData = folder + "/central"
        _ = try run(["central", "init", "--data", centralData, "--database-url", database.url])
        let port = try freeLoopbackPort()
        let url = "http://127.0.0.1:\(port)"
        let central = try ChildProcess(executable, ["central", "run", "--data", centralData, "--listen", "127.0.0.1:\(port)"],
                                       name: "central", log: folder + "/central.log")
        defer { central.stop() }
        try SyncBenchmark.waitUntilReady(try JSONClient(baseURL: url), "/healthz")
        var nodes: [Node] = []
        defer { for node in nodes { node.process.stop() } }
        let departments = Vocabulary.department.values.filter { $0 != "CENTRAL" }
        func start(_ id: String, _ department: String) throws -> Node {
            let data = folder + "/" + id
            let token = try JSONValue.parse(try run(["central", "enroll", "--data", centralData, "--node-id", id, "--department", department, "--json"]))
            _ = try run(["node", "init", "--data", data, "--node-id", id, "--department", department, "--central", url,
                         "--token", token["token"]?.stringValue ?? ""])
            let process = try ChildProcess(executable, ["node", "run", "--data", data, "--sync-interval", "3600", "--sync-debounce", "3600"],
                                           name: id, log: folder + "/\(id).log")
            let client = try JSONClient(socket: data + "/node.sock", headers: [("X-Enlace-Author", "srv-bench")])
            try SyncBenchmark.waitUntilReady(client, NodeRoute.status)
            return (id, process, client, data)
        }
        // One node.
        let single = try start("c4-01", "C4")
        nodes.append(single)
        try write(single.data, cases: caseCount, clients: 8)
        var stored = try await StoredCount.start(database)
        let singleStart = Date()
        let singleData = single.data
        let singlePushed = try await offPool { try push(singleData) }
        let singleSeconds = Date().timeIntervalSince(singleStart)
        let singleStoredRate = Double(singlePushed) / (try await stored.seconds(toReach: singlePushed, since: singleStart))
        let singleRate = Double(singlePushed) / singleSeconds

        // PostgreSQL's floor: COPY of the rows that push stored, five times, median (one COPY of 4,000 rows takes tens of milliseconds, so single runs scatter).
        let copyRates = try await copyFloor(database, origin: "c4-01", runs: 5)
        let floor = copyRates.sorted()[copyRates.count / 2]

        // Many nodes at once.
        var started: [String] = []
        for index in 1...nodeCount {
            let node = try start(String(format: "n-%02d", index), departments[index % departments.count])
            started.append(node.data)
            nodes.append(node)
        }
        let many = started
        // Steady state: each new node first takes in what the feed already holds (the first
        // node's entries, as stubs), so the timed rounds carry only the new work.
        for data in many { _ = try push(data) }
        let writeFailures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: many.count) { index in
            do { try write(many[index], cases: casesPerNode, clients: 1) } catch { writeFailures.withLock { $0.append("\(error)") } }
        }
        if let failure = writeFailures.withLock({ $0.first }) { throw BenchError(failure) }
        let total = Mutex(0)
        let pushFailures = Mutex<[String]>([])
        stored = try await StoredCount.start(database)
        let manyStart = Date()
        try await offPool {
            DispatchQueue.concurrentPerform(iterations: many.count) { index in
                do {
                    let pushed = try push(many[index])
                    total.withLock { $0 += pushed }
                } catch {
                    pushFailures.withLock { $0.append("\(error)") }
                }
            }
        }
        let manySeconds = Date().timeIntervalSince(manyStart)
        if let failure = pushFailures.withLock({ $0.first }) { throw BenchError(failure) }
        let manyPushed = total.withLock { $0 }
        let manyStoredSeconds = try await stored.seconds(toReach: manyPushed, since: manyStart)
        let aggregate = Double(manyPushed) / manyStoredSeconds
        let aggregateRounds = Double(manyPushed) / manySeconds

        let line = GoalTable.line
        GoalTable.heads()
        line("one node's push (≥ 1/4 of COPY; at least 0.1×)", String(format: "%.0f entries/s", singleStoredRate),
             String(format: "%.0f rows/s (COPY, median of 5)", floor), String(format: "%.3f×", singleStoredRate / floor))
        line("\(nodeCount) nodes at once (≥ 1/2 of COPY)", String(format: "%.0f entries/s", aggregate),
             String(format: "%.0f rows/s (COPY, median of 5)", floor), String(format: "%.3f×", aggregate / floor))
        line("\(nodeCount) nodes at once (at least 1.5× one node)", String(format: "%.0f entries/s", aggregate),
             String(format: "%.0f entries/s (one node)", singleStoredRate), String(format: "%.2f×", aggregate / singleStoredRate))
        line("  their whole rounds (each pulls the others' work)", String(format: "%.0f entries/s", aggregateRounds),
             String(format: "%.0f entries/s (one node's round)", singleRate), String(format: "%.2f×", aggregateRounds / singleRate))
        print("  (pushes count until the central store holds every entry pushed; one node pushed \(singlePushed) entries;"
            + " \(nodeCount) nodes pushed \(manyPushed): all stored after \(String(format: "%.2f", manyStoredSeconds)) s, rounds done after"
            + " \(String(format: "%.2f", manySeconds)) s; COPY runs: \(copyRates.map { String(format: "%.0f", $0) }.joined(separator: ", ")) rows/s;"
            + " \(ProcessInfo.processInfo.activeProcessorCount) cores)")
    }

    /// Runs blocking work (the nodes' HTTP calls) on a dispatch thread, so that the poller of
    /// `StoredCount` keeps a thread of the concurrency pool meanwhile.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// `count` cases with an attention each, written at the node of data folder `data` by
    /// `clients` connections to its socket.
    static func write(_ data: String, cases count: Int, clients: Int) throws {
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: clients) { client in
            do {
                let connection = try JSONClient(socket: data + "/node.sock", headers: [("X-Enlace-Author", "srv-bench")])
                for index in stride(from: client, to: count, by: clients) {
                    let created = try connection.call("POST", NodeRoute.collection(.caseFile), json: [
                        "intake_channel": "telefonica", "person": ["full_name": .string("Usuaria \(index)")],
                        "summary": .string(String(repeating: "Relato de la usuaria. ", count: 10)),
                    ])
                    guard created.status == 201, let id = created.json["id"]?.stringValue else { throw BenchError("create: \(created.status)") }
                    let attention = try connection.call("POST", NodeRoute.attentions(caseID: id), json: ["kind": "primer_contacto", "note": "Orientación."])
                    guard attention.status == 201 else { throw BenchError("attention: \(attention.status)") }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        if let failure = failures.withLock({ $0.first }) { throw BenchError("\(data): local writes failed: \(failure)") }
    }

    /// One sync round of the node of data folder `data`; returns how many entries it pushed.
    static func push(_ data: String) throws -> Int {
        let answer = try JSONClient(socket: data + "/node.sock", headers: [("X-Enlace-Author", "srv-bench")]).call("POST", NodeRoute.sync, json: nil)
        guard answer.status == 200 else { throw BenchError("\(data): sync answered \(answer.status): \(answer.errorMessage)") }
        return answer.json["pushed"]?.intValue.map(Int.init) ?? 0
    }

    /// Rows per second `COPY … FROM STDIN` stores of `origin`'s journal rows (the same bytes, as
    /// COPY text) into a table with the journal's indexes and constraints; one figure per run.
    static func copyFloor(_ database: PostgresLocation, origin: String, runs: Int) async throws -> [Double] {
        let configuration = try database.connectionConfiguration()
        var logger = Logger(label: "enlace.bench.copy")
        logger.logLevel = .error
        let connection = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                              id: 1, logger: logger)
        do {
            let measured = try await copyFloor(on: connection, origin: origin, runs: runs, logger: logger)
            try? await connection.close()
            return measured
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func copyFloor(on connection: PostgresConnection, origin: String, runs: Int, logger: Logger) async throws -> [Double] {
        let rows = try await connection.query("""
            SELECT concat_ws(E'\\t', position, origin, epoch, seq, '\\\\x' || encode(envelope, 'hex'), '\\\\x' || encode(hash, 'hex'),
                COALESCE('\\\\x' || encode(body, 'hex'), '\\N'), COALESCE(kind::text, '\\N'), COALESCE(record_type, '\\N'),
                COALESCE(record_id, '\\N'), COALESCE(at_ms::text, '\\N'), COALESCE(tick::text, '\\N'), state, COALESCE(reason, '\\N')) AS line
            FROM journal WHERE origin = \(origin) ORDER BY position
            """, logger: logger)
        var lines: [String] = []
        for try await (line) in rows.decode(String.self) { lines.append(line) }
        let text = lines.joined(separator: "\n") + "\n"
        _ = try await connection.query("DROP TABLE IF EXISTS bench_floor", logger: logger)
        _ = try await connection.query("CREATE TABLE bench_floor (LIKE journal INCLUDING INDEXES INCLUDING CONSTRAINTS)", logger: logger)
        var measured: [Double] = []
        for _ in 0..<runs {
            _ = try await connection.query("TRUNCATE bench_floor", logger: logger)
            let start = Date()
            try await connection.copyFrom(table: "bench_floor", logger: logger) { writer in
                var offset = text.utf8.startIndex
                let bytes = text.utf8
                while offset < bytes.endIndex {
                    let end = bytes.index(offset, offsetBy: 1 << 20, limitedBy: bytes.endIndex) ?? bytes.endIndex
                    try await writer.write(ByteBuffer(bytes: bytes[offset..<end]))
                    offset = end
                }
            }
            measured.append(Double(lines.count) / Date().timeIntervalSince(start))
        }
        _ = try await connection.query("DROP TABLE bench_floor", logger: logger)
        return measured
    }
}

/// When the central store came to hold a phase's pushed entries: polls the journal's rows past
/// where it stood at `start` every 25 ms on a connection of its own, so that a push's rate is
/// the time until the central server stored it, whatever the pulls of the same rounds cost.
struct StoredCount {
    private final class Flag: Sendable { let raised = Mutex(false) }
    private let poller: Task<[(at: Date, count: Int64)], any Error>
    private let stop: Flag

    static func start(_ database: PostgresLocation) async throws -> StoredCount {
        let configuration = try database.connectionConfiguration()
        var logger = Logger(label: "enlace.bench.stored")
        logger.logLevel = .error
        let connection = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                              id: 2, logger: logger)
        var base: Int64 = 0
        for try await position in try await connection.query("SELECT COALESCE(MAX(position), 0) FROM journal", logger: logger).decode(Int64.self) {
            base = position
        }
        let stop = Flag()
        let poller = Task { [base] in
            var observed: [(at: Date, count: Int64)] = []
            defer { Task { try? await connection.close() } }
            while true {
                let wanted = stop.raised.withLock { $0 }
                for try await count in try await connection.query("SELECT COUNT(*) FROM journal WHERE position > \(base)", logger: logger).decode(Int64.self) {
                    observed.append((Date(), count))
                }
                if wanted { return observed }
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        return StoredCount(poller: poller, stop: stop)
    }

    /// Seconds from `start` to the first poll that saw `count` entries stored (the last poll
    /// runs after the phase ended).
    func seconds(toReach count: Int, since start: Date) async throws -> Double {
        stop.raised.withLock { $0 = true }
        let observed = try await poller.value
        guard let reached = observed.first(where: { $0.count >= Int64(count) }) else {
            throw BenchError("the central store holds \(observed.last?.count ?? 0) of the \(count) entries pushed")
        }
        return reached.at.timeIntervalSince(start)
    }
}
