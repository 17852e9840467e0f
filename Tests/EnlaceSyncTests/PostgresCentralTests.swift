#if canImport(Glibc)
import Glibc
#endif
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Synchronization
import Testing

/// The central store on a real PostgreSQL server (`make test` starts a throwaway cluster): a
/// feed that skips nothing, several central processes serving nodes at once, and the restore
/// drill with PostgreSQL's own tools.
@Suite("PostgreSQL central store", .serialized, .enabled(if: TestPostgres.server != nil, "ENLACE_TEST_POSTGRES names no server"))
struct PostgresCentralTests {
    /// A central-shaped store on a new database, and more stores on it (each as another process).
    func stores(_ count: Int) async throws -> [PostgresStore] {
        try await stores(count, on: TestPostgres.newDatabase())
    }

    func stores(_ count: Int, on location: PostgresLocation) async throws -> [PostgresStore] {
        let key = ReplicaKey.generate()
        let first = try await PostgresStore(location: location, create: true, keys: [key])
        try await first.initialize(ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: "2026-12-01T00:00:00Z"))
        var stores = [first]
        for _ in 1..<count { stores.append(try await PostgresStore(location: location, keys: [key])) }
        return stores
    }

    /// `origin`'s next edit of its own case, sealed.
    static func next(_ origin: TestOrigin) -> ChainedEntry {
        let risks = ["bajo", "medio", "alto", "extremo"]
        let record = RecordKey(.caseFile, ULID.make(millis: 1_764_000_000_000, random: (UInt64(origin.node.rawValue.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }), 7)))
        return origin.seal(origin.edit(record, [.set(field: "risk_level", value: .string(risks[origin.sealed.count % risks.count]))]))
    }

    static func append(_ entries: [ChainedEntry], to store: PostgresStore) async throws {
        _ = try await store.write { transaction in
            try await transaction.takeTestKeys(of: entries)
            return try await ReplicaWriter.append(entries, in: transaction)
        }
    }

    @Test("a transaction held open makes later appends from other processes wait, so none becomes visible before it and the feed skips nothing")
    func heldTransaction() async throws {
        let database = try await TestPostgres.newDatabase()
        let stores = try await stores(3, on: database)
        let (early, late) = (TestOrigin("dif-01"), TestOrigin("c4-01"))
        let (holding, holdingNow) = AsyncStream<Void>.makeStream()
        let (release, released) = AsyncStream<Void>.makeStream()
        let lateCommitted = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        let first = Self.next(early), second = Self.next(late)
        let earlyWriter = Task { @Sendable in
            do {
                _ = try await stores[0].write { transaction in
                    try await transaction.takeTestKeys(of: [first])
                    _ = try await ReplicaWriter.append([first], in: transaction)
                    holdingNow.yield()
                    for await _ in release { break }
                }
            } catch { failures.withLock { $0.append("early: \(error)") } }
        }
        for await _ in holding { break }
        let lateWriter = Task { @Sendable in
            do { try await Self.append([second], to: stores[1]) } catch { failures.withLock { $0.append("late: \(error)") } }
            lateCommitted.store(true, ordering: .sequentiallyConsistent)
        }
        // The later append waits for the open one (PostgreSQL shows it waiting on the append
        // lock); a reader sees neither yet.
        let waiting = "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            + "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()"
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try TestPostgres.scalar(waiting, on: database) != "1" { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try TestPostgres.scalar(waiting, on: database) == "1", "the later append waits on the append lock")
        let committedEarly = lateCommitted.load(ordering: .sequentiallyConsistent)
        #expect(!committedEarly)
        #expect(try await stores[2].feed(after: .start, excluding: nil, limit: 10, scope: nil).entries.isEmpty)
        // The metric says how long the open append has held the feed back.
        let held = try await stores[2].feedLag(at: SystemClock.millis())
        #expect(held.heldSeconds > 0 && held.head == 0, "\(held)")
        released.yield()
        await earlyWriter.value
        await lateWriter.value
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let page = try await stores[2].feed(after: .start, excluding: nil, limit: 10, scope: nil)
        #expect(page.entries.map(\.envelope) == [first.envelope.bytes, second.envelope.bytes])
        let free = try await stores[2].feedLag(at: SystemClock.millis())
        #expect(free.heldSeconds == 0 && free.head == page.next.position, "\(free)")
    }

    @Test("three stores append at once beside two busy processes while a reader tails the feed: it sees every entry exactly once, in position order")
    func tailUnderLoad() async throws {
        let busy = try BusyProcesses(count: 2)
        defer { withExtendedLifetime(busy) {} }
        let stores = try await stores(4)
        let perWriter = 120
        let finished = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let written = Mutex<Set<[UInt8]>>([])
        var writers: [Task<Void, Never>] = []
        for (index, store) in stores.prefix(3).enumerated() {
            writers.append(Task { @Sendable in
                defer { finished.add(1, ordering: .sequentiallyConsistent) }
                let origin = TestOrigin("n-\(index)")
                var random = SplitMix64(seed: UInt64(index))
                while origin.sealed.count < perWriter {
                    let batch = (0..<Int.random(in: 1...5, using: &random)).map { _ in Self.next(origin) }
                    do {
                        try await Self.append(batch, to: store)
                        written.withLock { for entry in batch { $0.insert(entry.envelope.bytes) } }
                    } catch {
                        failures.withLock { $0.append("n-\(index): \(error)") }
                        return
                    }
                }
            })
        }
        var seen: [[UInt8]] = []
        var cursor = FeedCursor.start
        var lastPosition: Int64 = 0
        while true {
            let writersDone = finished.load(ordering: .sequentiallyConsistent) == 3
            let page = try await stores[3].feed(after: cursor, excluding: nil, limit: 7, scope: nil)
            seen += page.entries.map(\.envelope)
            #expect(page.next.position >= lastPosition)
            lastPosition = page.next.position
            cursor = page.next
            if writersDone && !page.more { break }
        }
        for writer in writers { await writer.value }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 }.prefix(3))")
        #expect(seen.count >= 3 * perWriter && seen.count == written.withLock { $0.count })
        #expect(Set(seen).count == seen.count, "an entry came twice")
        #expect(Set(seen) == written.withLock { $0 }, "the tailing reader missed entries")
        #expect(try await stores[3].verify().isSound)
    }

    @Test("a signed request's nonce is claimed once across central processes")
    func noncesAreShared() async throws {
        let stores = try await stores(2)
        #expect(try await stores[0].claimNonce("c4-01 abc", at: 1_000, window: 600_000))
        #expect(try await !stores[1].claimNonce("c4-01 abc", at: 1_001, window: 600_000))
        #expect(try await stores[1].claimNonce("c4-01 abd", at: 1_002, window: 600_000))
    }

    /// Syncs `node` through the balancer, again when a connection to a killed process fails.
    func sync(_ node: RunningNode) throws -> Int {
        var status = 0
        for _ in 0..<3 {
            status = try node.request("POST", "/v1/sync").status
            if status == 200 { break }
        }
        return status
    }

    @Test("two central processes on one PostgreSQL behind a balancer serve three nodes at once; one is killed, the nodes go on through the other, and every replica converges")
    func twoCentralProcesses() async throws {
        let first = try await RunningCentral(store: .postgresql)
        let second = try RunningCentral(joining: first)
        try first.start()
        try second.start()
        let balancer = try FaultProxy(balancing: [first.port, second.port])
        let office = try first.user("lucia", role: "resolver")
        var nodes: [RunningNode] = []
        for (id, department) in [("c4-01", "C4"), ("dif-01", "DIF"), ("imm-01", "IMMUJERES")] {
            let node = try RunningNode(nodeID: id, department: department, central: balancer.url, token: try first.enroll(id, department))
            try node.start()
            nodes.append(node)
        }
        let (c4, dif, imm) = (nodes[0], nodes[1], nodes[2])
        let id = try c4.request("POST", "/v1/cases", ["intake_channel": "emergencia_911", "risk_level": "medio"]).json["id"]!.stringValue!
        _ = try c4.request("PATCH", "/v1/cases/\(id)", ["lead_department": "DIF"])
        _ = try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "IMMUJERES", "reason": "Asesoría jurídica"])
        for _ in 0..<2 { for node in nodes { #expect(try sync(node) == 200) } }
        // Both processes served nodes.
        #expect(try first.request("GET", "/v1/cases/\(id)", token: office).status == 200)
        #expect(try second.request("GET", "/v1/cases/\(id)", token: office).status == 200)

        // Concurrent edits everywhere, synced through either process.
        _ = try c4.request("PATCH", "/v1/cases/\(id)", ["risk_level": "alto", "summary": "Amenazas por teléfono."])
        _ = try dif.request("PATCH", "/v1/cases/\(id)", ["summary": "Agresión en domicilio."])
        _ = try imm.request("POST", "/v1/cases/\(id)/attentions", ["kind": "asesoria_juridica"])
        for node in nodes { #expect(try sync(node) == 200) }

        // One process dies; the balancer sends everything to the other.
        first.daemon?.signal(SIGKILL)
        _ = first.daemon?.waitForExit()
        first.daemon = nil
        _ = try dif.request("POST", "/v1/cases/\(id)/attentions", ["kind": "contencion_emocional"])
        for node in nodes { #expect(try sync(node) == 200, "\(node.nodeID)") }
        let open = try second.request("GET", "/v1/conflicts", token: office).json["items"]?.arrayValue ?? []
        let conflict = try #require(open.first { $0["field"] == "summary" }?["id"]?.stringValue)
        let resolved = try second.request("POST", "/v1/conflicts/\(conflict)/resolve", token: office,
                                          body: #"{"value": "Agresión en domicilio; amenazas por teléfono.", "note": "Ambas versiones"}"#)
        #expect(resolved.status == 200, "\(resolved.json)")
        for _ in 0..<2 { for node in nodes { #expect(try sync(node) == 200) } }

        let reference = try second.request("GET", "/v1/cases/\(id)", token: office).json
        #expect(reference["summary"] == "Agresión en domicilio; amenazas por teléfono.")
        #expect(reference["risk_level"] == "alto")
        #expect(reference["attentions"]?.arrayValue?.count == 2)
        for node in nodes {
            #expect(try node.request("GET", "/v1/cases/\(id)").json == reference, "\(node.nodeID) differs from the central copy")
            #expect(try node.request("GET", "/v1/status").json["pending_entries"] == 0)
        }
        let metrics = try second.request("GET", "/metrics", token: nil)
        #expect(metrics.status == 200)
        let text = metrics.json.stringValue ?? ""
        #expect(text.contains("enlace_central_feed_lag_entries 0") && text.contains("enlace_central_feed_held_seconds 0"), "\(text.suffix(600))")
        second.stop()
        #expect(try EnlaceBinary.run(["journal", "verify", "--data", second.data]).status == 0)
    }

    @Test("the restore drill with PostgreSQL's tools: pg_dump, a lost database, pg_restore, `central restore` opens a new epoch and the nodes relay what the copy lacks")
    func restoreDrill() async throws {
        let central = try await RunningCentral(store: .postgresql)
        let database = try #require(central.database)
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let c4 = try central.node("c4-01", "C4")
        let dif = try central.node("dif-01", "DIF")
        for node in [c4, dif] { try node.start() }
        let before = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json["id"]!.stringValue!
        for node in [c4, dif] { #expect(try sync(node) == 200) }

        let dump = central.folder.sub("central.dump")
        #expect(try PostgresTools.run("pg_dump", ["--format=custom", "--file", dump, database.url]) == 0)
        let after = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial", "lead_department": "DIF"]).json["id"]!.stringValue!
        for node in [c4, dif] { #expect(try sync(node) == 200) }

        // The database is lost; only the dump, the key and the data folder remain.
        central.stop()
        let admin = try #require(TestPostgres.server)
        #expect(try PostgresTools.run("psql", [admin.url, "-q", "-c", "DROP DATABASE \(database.database)", "-c", "CREATE DATABASE \(database.database)"]) == 0)
        #expect(try PostgresTools.run("pg_restore", ["--dbname", database.url, dump]) == 0)
        let refused = try EnlaceBinary.run(["central", "restore", "--data", central.data, "--from", dump])
        #expect(refused.status != 0 && refused.stderr.contains("without --from"), "\(refused.stderr)")
        let restore = try EnlaceBinary.run(["central", "restore", "--data", central.data, "--json"])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try JSONValue.parse(restore.stdout)["epoch"] == 2, "\(restore.stdout)")
        try central.start()

        // The nodes notice the new store, push and relay what the copy lacks.
        for _ in 0..<2 { for node in [c4, dif] { #expect(try sync(node) == 200) } }
        for id in [before, after] { #expect(try central.request("GET", "/v1/cases/\(id)", token: office).status == 200) }
        let next = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json["id"]!.stringValue!
        #expect(try sync(c4) == 200)
        #expect(try central.request("GET", "/v1/cases/\(next)", token: office).status == 200)
        #expect(try EnlaceBinary.run(["central", "audit", "--data", central.data]).stdout.contains("Restauró el servidor central desde una copia"))
        central.stop()
        #expect(try EnlaceBinary.run(["journal", "verify", "--data", central.data]).status == 0)
        #expect(try EnlaceBinary.run(["central", "backup", "--data", central.data, "--to", central.folder.sub("x")]).stderr.contains("pg_dump"))
    }
}

/// PostgreSQL's client programs (Debian's `postgresql-client`).
enum PostgresTools {
    static func run(_ program: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(program)")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
