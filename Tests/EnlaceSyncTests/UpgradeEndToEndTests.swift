import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// Upgrades, with real processes: data folders written by every earlier release (kept in
/// `Tests/Fixtures/RELEASE/`, written by `scripts/make-fixtures.sh`) open with this one and go on
/// syncing; and the upgrade order — central server first, then the nodes — holds: a central
/// server serves nodes of its minor release and the one before, and refuses others with both
/// releases named, losing nothing (a test-only override makes a node report another release).
@Suite("Upgrades", .serialized)
struct UpgradeEndToEndTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func releases() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
            .filter { SoftwareRelease($0) != nil }.sorted { SoftwareRelease($0)! < SoftwareRelease($1)! }
    }

    @Test("every earlier release's central and node folders open with this release, keep what they held, and sync again")
    func fixturesOpen() async throws {
        let releases = try Self.releases()
        #expect(releases.contains(SoftwareRelease.current.description) || releases.contains { SoftwareRelease($0)! < .current },
                "the fixtures of this release or an earlier one are in Tests/Fixtures")
        for release in releases {
            let folder = Self.fixtures.appendingPathComponent(release)
            let caseID = try String(contentsOf: folder.appendingPathComponent("case-id"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let office = try String(contentsOf: folder.appendingPathComponent("office-token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let central = try RunningCentral(copying: folder.appendingPathComponent("central").path)
            try central.start()
            let node = try RunningNode(copying: folder.appendingPathComponent("node").path, nodeID: "c4-01")
            try node.start(["--sync-interval", "3600", "--sync-debounce", "3600", "--central", central.url])

            let held = try node.request("GET", "/v1/cases/\(caseID)")
            #expect(held.status == 200 && held.json["person"]?["full_name"] == "Ana Fixture", "\(release): \(held.json)")
            #expect(held.json["attentions"]?.arrayValue?.count == 1, "\(release): the attention is kept")
            let created = try node.request("POST", "/v1/cases", ["intake_channel": "presencial", "person": ["full_name": "Eva Después"]])
            #expect(created.status == 201, "\(release): \(created.json)")
            let round = try node.request("POST", "/v1/sync")
            #expect(round.status == 200 && round.json["pushed"]?.intValue ?? 0 >= 1, "\(release): \(round.json)")
            for id in [caseID, created.json["id"]?.stringValue ?? ""] {
                let read = try central.request("GET", "/v1/cases/\(id)", token: office)
                #expect(read.status == 200, "\(release): the central server holds \(id): \(read.json)")
            }
            node.daemon?.signal(SIGTERM)
            _ = node.daemon?.waitForExit()
            central.stop()
            for data in [node.data, central.data] {
                let verified = try EnlaceBinary.run(["journal", "verify", "--data", data])
                #expect(verified.status == 0, "\(release): \(verified.stderr)")
                let store = try JournalStore(path: JournalStore.file(in: data))
                #expect(try await store.writtenByRelease() == SoftwareRelease.current.description, "\(release): the store records this release now")
            }
        }
    }

    @Test("a central server serves a node one minor release behind, and refuses one two behind or one ahead naming both releases; the refused node loses nothing and syncs once upgraded")
    func upgradeOrder() async throws {
        let central = try await RunningCentral()
        try central.start()
        let current = SoftwareRelease.current
        let behind = "\(current.major).\(max(0, current.minor - 1)).7"
        let tooOld = "\(current.major).\(max(0, current.minor - 2)).0"
        let ahead = "\(current.major).\(current.minor + 1).0"

        let served = try central.node("c4-01", "C4")
        try served.start(environment: ["ENLACE_TEST_REPORTED_VERSION": behind])
        #expect(try served.request("POST", "/v1/cases", ["intake_channel": "presencial"]).status == 201)
        let round = try served.request("POST", "/v1/sync")
        #expect(round.status == 200 && round.json["pushed"] == 1, "a node one minor behind is served: \(round.json)")

        for (nodeID, release, advice) in [("dif-01", tooOld, "upgrade this node"), ("salud-01", ahead, "upgrade the central server first")]
        where current.minor >= 2 || release == ahead {
            let refused = try central.node(nodeID, nodeID == "dif-01" ? "DIF" : "SALUD")
            try refused.start(environment: ["ENLACE_TEST_REPORTED_VERSION": release])
            let created = try refused.request("POST", "/v1/cases", ["intake_channel": "presencial"])
            #expect(created.status == 201)
            let answer = try refused.request("POST", "/v1/sync")
            let reason = answer.json["error"]?.stringValue ?? ""
            #expect(answer.status == 502, "\(release): \(answer.json)")
            #expect(reason.contains(release) && reason.contains(current.description) && reason.contains(advice), "\(reason)")
            let status = try refused.request("GET", "/v1/status").json
            #expect(status["pending_entries"] == 1, "the refused node keeps its write")

            // Upgraded (no override: this release), it syncs what it wrote.
            refused.daemon?.signal(SIGTERM)
            _ = refused.daemon?.waitForExit()
            try refused.start()
            let upgraded = try refused.request("POST", "/v1/sync")
            #expect(upgraded.status == 200 && upgraded.json["pushed"] == 1, "\(upgraded.json)")
        }
    }
}
