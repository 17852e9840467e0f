#if canImport(Glibc)
import Glibc
#endif
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// Nodes and a central server restored from older copies, as real processes on loopback.
@Suite("Recovery from restores", .serialized)
struct RestoreRecoveryTests {
    /// Stops a node's daemon and copies its data folder's files (not its socket) to `backup`.
    func stopAndCopy(_ node: RunningNode, from source: String, to target: String) throws {
        node.daemon?.signal(SIGTERM)
        _ = node.daemon?.waitForExit()
        node.daemon = nil
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            let path = source + "/" + name
            guard (try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular else { continue }
            try FileManager.default.copyItem(atPath: path, toPath: target + "/" + name)
        }
    }

    @Test("a node restored from an older copy recovers by itself: it adopts what it had pushed, re-makes what never left in a new epoch, renumbers a colliding folio and keeps the old one as an alias")
    func nodeRestore() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let node = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        try node.start()
        let first = try node.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json["id"]!.stringValue!
        #expect(try node.request("POST", "/v1/sync").status == 200)
        let backup = node.folder.sub("backup")
        try stopAndCopy(node, from: node.data, to: backup)

        // After the backup: two cases and an edit reach the central server.
        try node.start()
        let second = try node.request("POST", "/v1/cases", ["intake_channel": "telefonica"]).json
        let third = try node.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json
        #expect(try node.request("PATCH", "/v1/cases/\(first)", ["risk_level": "alto"]).status == 200)
        #expect(try node.request("POST", "/v1/sync").status == 200)

        // The folder is restored from the backup; the node writes before it syncs.
        try stopAndCopy(node, from: node.data, to: node.folder.sub("lost"))
        try FileManager.default.removeItem(atPath: node.data)
        try stopAndCopy(node, from: backup, to: node.data)
        try node.start()
        let gap = try node.request("POST", "/v1/cases", ["intake_channel": "emergencia_911"]).json
        #expect(gap["folio"] == second["folio"])  // what the restored counter gives: another case's folio
        #expect(try node.request("PATCH", "/v1/cases/\(first)", ["summary": "Escrito tras la restauración."]).status == 200)

        let round = try node.request("POST", "/v1/sync")
        #expect(round.status == 200, "\(round.json)")
        #expect(round.json["recovery"]?["from_epoch"] == 1 && round.json["recovery"]?["to_epoch"] == 2, "\(round.json)")
        #expect(round.json["recovery"]?["remade"] == 2 && round.json["recovery"]?["renumbered"] == 1, "\(round.json)")

        // Nothing is lost: the adopted cases, the earlier edit and both edits made in the gap.
        let gapID = gap["id"]!.stringValue!
        let renumbered = try node.request("GET", "/v1/cases/\(gapID)").json
        #expect(renumbered["folio"] != second["folio"] && renumbered["folio"] != third["folio"] && renumbered["folio"] != gap["folio"])
        #expect(renumbered["folio_alias"] == gap["folio"])
        let edited = try node.request("GET", "/v1/cases/\(first)").json
        #expect(edited["risk_level"] == "alto" && edited["summary"] == "Escrito tras la restauración.")
        for id in [second["id"]!.stringValue!, third["id"]!.stringValue!] {
            #expect(try node.request("GET", "/v1/cases/\(id)").status == 200)
        }
        let status = try node.request("GET", "/v1/status").json
        #expect(status["epoch"] == 2 && status["pending_entries"] == 0, "\(status)")
        #expect(status["recovery"]?["remade"] == 2, "\(status)")
        #expect(try node.request("POST", "/v1/sync").json["recovery"] == nil)
        #expect(try node.cli(["journal", "verify"]).status == 0)

        // Every replica agrees.
        #expect(try central.request("GET", "/v1/cases/\(gapID)", token: office).json["folio"] == renumbered["folio"])
        let other = try central.node("c4-02", "C4")
        try other.start()
        #expect(try other.request("POST", "/v1/sync").status == 200)
        #expect(try other.request("GET", "/v1/cases/\(first)").json == edited)
        #expect(try other.request("GET", "/v1/cases/\(gapID)").json["folio_alias"] == gap["folio"])
        #expect(try other.cli(["journal", "verify"]).status == 0)
        let verify = try EnlaceBinary.run(["journal", "verify", "--data", central.data])
        #expect(verify.status == 0, "\(verify.stderr)")

        // Restored from the same old copy once more: it left epoch 1 long ago, and recovers again.
        try FileManager.default.removeItem(atPath: node.data)
        try stopAndCopy(node, from: backup, to: node.data)
        try node.start()
        let again = try node.request("POST", "/v1/cases", ["intake_channel": "otro"]).json["id"]!.stringValue!
        let secondRound = try node.request("POST", "/v1/sync")
        #expect(secondRound.status == 200, "\(secondRound.json)")
        #expect(secondRound.json["recovery"]?["to_epoch"] == 3, "\(secondRound.json)")
        for id in [first, second["id"]!.stringValue!, third["id"]!.stringValue!, gapID, again] {
            #expect(try node.request("GET", "/v1/cases/\(id)").status == 200)
        }
        #expect(try node.request("GET", "/v1/cases/\(first)").json["summary"] == "Escrito tras la restauración.")
        #expect(try other.request("POST", "/v1/sync").status == 200)
        #expect(try other.request("GET", "/v1/cases/\(again)").status == 200)
        #expect(try node.cli(["journal", "verify"]).status == 0)
    }

    @Test("a restored node that only reads recovers at its next round: the pull says the central server holds more of its chain")
    func readOnlyRestore() async throws {
        let central = try await RunningCentral()
        try central.start()
        let node = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        try node.start()
        #expect(try node.request("POST", "/v1/sync").status == 200)
        let backup = node.folder.sub("backup")
        try stopAndCopy(node, from: node.data, to: backup)
        try node.start()
        let ids = try (0..<2).map { _ in try node.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json["id"]!.stringValue! }
        #expect(try node.request("POST", "/v1/sync").status == 200)

        try stopAndCopy(node, from: node.data, to: node.folder.sub("lost"))
        try FileManager.default.removeItem(atPath: node.data)
        try stopAndCopy(node, from: backup, to: node.data)
        try node.start()
        let round = try node.request("POST", "/v1/sync")
        #expect(round.status == 200 && round.json["recovery"]?["to_epoch"] == 2, "\(round.json)")
        for id in ids { #expect(try node.request("GET", "/v1/cases/\(id)").status == 200) }
        // It writes on in its new epoch, with a folio after the adopted ones.
        let made = try node.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json
        let next = try node.request("POST", "/v1/sync")
        #expect(next.status == 200 && next.json["recovery"] == nil, "\(next.json)")
        let folios = try ids.map { try node.request("GET", "/v1/cases/\($0)").json["folio"] }
        #expect(!folios.contains(made["folio"]!))
        #expect(try node.cli(["journal", "verify"]).status == 0)
    }

    /// The faketime launcher, as Debian installs it (package faketime).
    static let faketime = ["/usr/bin/faketime"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("a node whose clock ran three days ahead is never blocked: what it stamped ahead is re-made with the corrected clock, the office sees the clock, later writes are stamped right",
          .enabled(if: faketime != nil, "needs faketime (Debian package faketime)"))
    func clockAhead() async throws {
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let node = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        try node.start(environment: ["FAKETIME_DONT_FAKE_MONOTONIC": "1"], launcher: [Self.faketime!, "-f", "+3d"])
        let id = try node.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json["id"]!.stringValue!
        #expect(try node.request("PATCH", "/v1/cases/\(id)", ["risk_level": "alto"]).status == 200)

        // Its first round: the central server tells the time; the two entries stamped three days
        // ahead stay quarantined in the chain and are re-made with the corrected clock.
        let round = try node.request("POST", "/v1/sync")
        #expect(round.status == 200, "\(round.json)")
        #expect(round.json["retimed"] == 2, "\(round.json)")
        let offset = try node.request("GET", "/v1/status").json["clock_offset_ms"]?.intValue ?? 0
        #expect(offset < -3 * 86_400_000 + 600_000 && offset > -3 * 86_400_000 - 600_000, "\(offset)")
        let stored = try central.request("GET", "/v1/cases/\(id)", token: office)
        #expect(stored.status == 200 && stored.json["risk_level"] == "alto", "\(stored.json)")
        let status = try central.request("GET", "/v1/status", token: office).json
        #expect(status["quarantined_entries"] == 2)
        #expect((status["clocks_off"]?["c4-01"]?["skew_ms"]?.intValue ?? 0) > 2 * 86_400_000, "\(status)")

        // Still three days ahead, its next writes are stamped with the corrected clock.
        #expect(try node.request("PATCH", "/v1/cases/\(id)", ["summary": "Relato."]).status == 200)
        let next = try node.request("POST", "/v1/sync")
        #expect(next.status == 200 && next.json["retimed"] == nil, "\(next.json)")
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["summary"] == "Relato.")

        // The clock is corrected: nothing waits, nothing is quarantined.
        node.daemon?.signal(SIGTERM)
        _ = node.daemon?.waitForExit()
        try node.start()
        #expect(try node.request("PATCH", "/v1/cases/\(id)", ["status": "en_atencion"]).status == 200)
        let corrected = try node.request("POST", "/v1/sync")
        #expect(corrected.status == 200, "\(corrected.json)")
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["status"] == "en_atencion")
        #expect(try central.request("GET", "/v1/status", token: office).json["quarantined_entries"] == 2)
        #expect(try node.request("GET", "/v1/status").json["pending_entries"] == 0)

        let other = try central.node("c4-02", "C4")
        try other.start()
        #expect(try other.request("POST", "/v1/sync").status == 200)
        let pulled = try other.request("GET", "/v1/cases/\(id)").json
        #expect(pulled["risk_level"] == "alto" && pulled["summary"] == "Relato." && pulled["status"] == "en_atencion", "\(pulled)")
        #expect(try other.cli(["journal", "verify"]).status == 0)
        #expect(try node.cli(["journal", "verify"]).status == 0)
    }
}

/// The central server restored from a copy, as real processes on loopback.
@Suite("Central restore", .serialized)
struct CentralRestoreTests {
    /// Two nodes edit the case's summary concurrently; returns the open conflict's id at the central server.
    func conflict(on id: String, _ first: RunningNode, _ second: RunningNode, central: RunningCentral, office: String, text: String) throws -> String {
        #expect(try first.request("PATCH", "/v1/cases/\(id)", ["summary": .string(text + " (C4)")]).status == 200)
        #expect(try second.request("PATCH", "/v1/cases/\(id)", ["summary": .string(text + " (C4-02)")]).status == 200)
        for node in [first, second, first] { #expect(try node.request("POST", "/v1/sync").status == 200) }
        let open = try central.request("GET", "/v1/conflicts", token: office).json["items"]?.arrayValue ?? []
        return try #require(open.first?["id"]?.stringValue)
    }

    @Test("a central server restored from a copy goes on in a new epoch: no id reused, nodes relay what it lacks (its own resolution included), revocations made since the copy stay in force")
    func centralRestore() async throws {
        let central = try await RunningCentral(store: .sqlite)
        try central.start()
        let office = try central.user("lucia", role: "resolver")
        let c4 = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        let peer = try central.node("c4-02", "C4")
        let bomToken = try central.enroll("bom-01", "BOMBEROS")
        let bom = try RunningNode(nodeID: "bom-01", department: "BOMBEROS", central: central.url, token: bomToken)
        for node in [c4, peer, bom] { try node.start() }
        let id = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json["id"]!.stringValue!
        for node in [c4, peer, bom] { #expect(try node.request("POST", "/v1/sync").status == 200) }

        let copy = central.folder.sub("central.backup")
        let backup = try EnlaceBinary.run(["central", "backup", "--data", central.data, "--to", copy, "--json"])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(try EnlaceBinary.run(["central", "backup", "--data", central.data, "--to", copy]).status != 0)  // never overwritten

        // After the copy: a resolution every node receives, and a revocation.
        let first = try conflict(on: id, c4, peer, central: central, office: office, text: "Primera")
        #expect(try central.request("POST", "/v1/conflicts/\(first)/resolve", token: office, body: #"{"value":"Resuelto una vez."}"#).status == 200)
        for node in [c4, peer] { #expect(try node.request("POST", "/v1/sync").status == 200) }
        #expect(try EnlaceBinary.run(["central", "revoke", "--data", central.data, "--node-id", "bom-01"]).status == 0)

        // A running server is never restored over.
        let running = try EnlaceBinary.run(["central", "restore", "--data", central.data, "--from", copy])
        #expect(running.stderr.contains("no se pudo usar el almacén de datos") && running.stderr.contains("stop it"), "\(running.stderr)")
        central.stop()
        let restore = try EnlaceBinary.run(["central", "restore", "--data", central.data, "--from", copy, "--json"])
        #expect(restore.status == 0, "\(restore.stderr)")
        let report = try JSONValue.parse(restore.stdout)
        #expect(report["epoch"] == 2 && (report["carried_credentials"]?.intValue ?? 0) >= 1, "\(report)")
        try central.start()
        #expect(try central.request("GET", "/v1/status", token: office).json["epoch"] == 2)

        // The revocation made after the copy is still in force.
        let refused = try bom.request("POST", "/v1/sync")
        #expect(refused.status == 502 && refused.json["error"]?.stringValue?.contains("401") == true, "\(refused.json)")
        // The nodes notice the new store and send again what it lacks: their own entries, and
        // the resolution the central server made after the copy, which the first node relays
        // under the central server's signed head.
        var relayed: Int64 = 0
        for node in [c4, peer] {
            let round = try node.request("POST", "/v1/sync")
            #expect(round.status == 200, "\(round.json)")
            relayed += round.json["relayed"]?.intValue ?? 0
        }
        #expect(relayed >= 1)
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["summary"] == "Resuelto una vez.")
        #expect(try central.request("GET", "/v1/conflicts/\(first)", token: office).json["status"] == "resolved")
        let second = try conflict(on: id, c4, peer, central: central, office: office, text: "Segunda")
        #expect(try central.request("POST", "/v1/conflicts/\(second)/resolve", token: office, body: #"{"value":"Resuelto dos veces."}"#).status == 200)
        for node in [c4, peer] {
            #expect(try node.request("POST", "/v1/sync").status == 200)
            #expect(try node.request("GET", "/v1/cases/\(id)").json["summary"] == "Resuelto dos veces.")
            #expect(try node.cli(["journal", "verify"]).status == 0)
        }
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["summary"] == "Resuelto dos veces.")
        let verify = try EnlaceBinary.run(["journal", "verify", "--data", central.data])
        #expect(verify.status == 0, "\(verify.stderr)")
        // Restoring the same copy again opens yet another epoch.
        central.stop()
        let again = try EnlaceBinary.run(["central", "restore", "--data", central.data, "--from", copy, "--json"])
        #expect(try JSONValue.parse(again.stdout)["epoch"] == 3, "\(again.stdout) \(again.stderr)")
    }

    @Test("a lost central store restored from a copy: the restore says what it cannot know, and a revocation made since comes back in force with the relay")
    func lostStoreRestore() async throws {
        let central = try await RunningCentral(store: .sqlite)
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let c4 = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        let bom = try central.node("bom-01", "BOMBEROS")
        for node in [c4, bom] {
            try node.start()
            #expect(try node.request("POST", "/v1/sync").status == 200)
        }
        let copy = central.folder.sub("central.backup")
        #expect(try EnlaceBinary.run(["central", "backup", "--data", central.data, "--to", copy]).status == 0)
        #expect(try EnlaceBinary.run(["central", "revoke", "--data", central.data, "--node-id", "bom-01"]).status == 0)
        let id = try c4.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json["id"]!.stringValue!
        #expect(try c4.request("POST", "/v1/sync").status == 200)  // it now holds the revocation's directory entry

        // The disk is lost: only the copy and the key remain.
        central.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: JournalStore.file(in: central.data) + suffix) }
        let restore = try EnlaceBinary.run(["central", "restore", "--data", central.data, "--from", copy, "--json"])
        #expect(restore.status == 0, "\(restore.stderr)")
        let report = try JSONValue.parse(restore.stdout)
        #expect(report["epoch"] == 2 && (report["warnings"]?.arrayValue?.count ?? 0) == 1, "\(report)")
        try central.start()

        let round = try c4.request("POST", "/v1/sync")
        #expect(round.status == 200 && (round.json["relayed"]?.intValue ?? 0) >= 1, "\(round.json)")
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).status == 200)
        let refused = try bom.request("POST", "/v1/sync")
        #expect(refused.status == 502 && refused.json["error"]?.stringValue?.contains("401") == true, "\(refused.json)")
        let audit = try EnlaceBinary.run(["central", "audit", "--data", central.data, "--json"])
        #expect(audit.stdout.contains("credential.reapplied") && audit.stdout.contains("central.restore"), "\(audit.stdout)")
        #expect(try EnlaceBinary.run(["journal", "verify", "--data", central.data]).status == 0)
    }
}
