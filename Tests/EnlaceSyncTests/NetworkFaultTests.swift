import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// A fault-injecting TCP proxy between a node and the central server, both real processes.
@Suite("Network faults", .serialized)
struct NetworkFaultTests {
    @Test("resets, cut requests and answers, delays, gateway errors and stalls: every round completes or fails precisely, and once the faults stop every replica converges with no duplicates and no gaps")
    func faultsThenConvergence() async throws {
        let busy = try BusyProcesses(count: 2)
        defer { withExtendedLifetime(busy) {} }
        let central = try await RunningCentral()
        try central.start()
        let office = try central.user("lucia", role: "viewer")
        let proxy = try FaultProxy(to: central.port)
        defer { proxy.close() }
        let node = try RunningNode(nodeID: "c4-01", department: "C4", central: proxy.url, token: try central.enroll("c4-01", "C4"))
        // Small batches and pages, so that faults fall in the middle of pushes and pulls.
        try node.start(["--sync-interval", "3600", "--sync-debounce", "3600", "--request-timeout", "2", "--batch-size", "3"])
        #expect(try node.request("POST", "/v1/sync").status == 200)

        let sequence: [FaultProxy.Fault] = [
            .reset, .cutRequest(bytes: 150), .cutRequest(bytes: 1_200), .cutAnswer(bytes: 60), .cutAnswer(bytes: 700),
            .status(502), .status(503), .delay(millis: 200), .stall, .reset, .cutAnswer(bytes: 300),
        ]
        // A soak repeats the sequence: ENLACE_FAULT_ROUNDS=20 swift test --filter NetworkFault
        let rounds = ProcessInfo.processInfo.environment["ENLACE_FAULT_ROUNDS"].flatMap(Int.init) ?? 1
        let faults = Array(repeating: sequence, count: max(1, rounds)).flatMap { $0 }
        var ids: [String] = []
        for (index, fault) in faults.enumerated() {
            let injectedBefore = proxy.injected
            proxy.set(fault)
            for item in 0..<4 {
                let created = try node.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": .string("caso \(index)-\(item)")])
                #expect(created.status == 201)
                let id = try #require(created.json["id"]?.stringValue, "\(created.json)")
                ids.append(id)
                #expect(try node.request("PATCH", "/v1/cases/\(id)", ["risk_level": "alto"]).status == 200)
            }
            let round = try node.request("POST", "/v1/sync")
            // The fault was met (the proxy drops kept-alive connections when the fault changes), and
            // a fault that leaves no answer fails the round with its reason.
            #expect(proxy.injected > injectedBefore, "\(fault) was never injected")
            switch fault {
            case .delay:
                #expect(round.status == 200, "\(fault): \(round.json)")
            case .reset, .stall, .status:
                #expect([502, 503].contains(round.status), "\(fault): \(round.status) \(round.json)")
                #expect((round.json["error"]?.stringValue ?? "").count > 10, "\(fault): \(round.json)")
                if case .status(let code) = fault { #expect(round.json["error"]?.stringValue?.contains("\(code)") == true, "\(round.json)") }
            default:
                #expect([200, 502, 503].contains(round.status), "\(fault): \(round.json)")
                if round.status != 200 {
                    #expect((round.json["error"]?.stringValue ?? "").count > 10, "\(fault): \(round.json)")
                }
            }
            #expect(try node.request("GET", "/v1/status").status == 200, "the daemon answers after \(fault)")
        }

        // The faults stop: one round delivers everything, the next has nothing left to do.
        proxy.set(.none)
        let injectedAtEnd = proxy.injected
        let delivered = try node.request("POST", "/v1/sync")
        #expect(delivered.status == 200, "\(delivered.json)")
        let idle = try node.request("POST", "/v1/sync")
        #expect(idle.status == 200 && idle.json["pushed"] == 0 && idle.json["pulled"] == 0, "\(idle.json)")
        let status = try node.request("GET", "/v1/status").json
        #expect(status["pending_entries"] == 0, "\(status)")
        #expect(proxy.injected == injectedAtEnd, "no fault once they stopped")
        // No duplicates, no gaps: both journals hold the same entries, and both verify.
        let centralStatus = try central.request("GET", "/v1/status", token: office).json
        #expect(centralStatus["journal_entries"] == status["journal_entries"], "\(centralStatus) vs \(status)")
        for id in ids {
            let stored = try central.request("GET", "/v1/cases/\(id)", token: office)
            #expect(stored.status == 200 && stored.json["risk_level"] == "alto", "\(id)")
        }
        #expect(try node.cli(["journal", "verify"]).status == 0)
        let verify = try EnlaceBinary.run(["journal", "verify", "--data", central.data])
        #expect(verify.status == 0, "\(verify.stderr)")

        // Another department, straight to the central server, receives all of it.
        let other = try central.node("c4-02", "C4")
        try other.start(["--sync-interval", "3600", "--batch-size", "5"])
        #expect(try other.request("POST", "/v1/sync").status == 200)
        for id in ids { #expect(try other.request("GET", "/v1/cases/\(id)").json["risk_level"] == "alto") }
        #expect(try other.cli(["journal", "verify"]).status == 0)
    }
}
