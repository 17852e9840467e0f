import EnlaceModel
import EnlaceProtocol
import Testing

/// The sync API's answers are types both sides share: what the central server writes, the node
/// reads back the same, and an answer that says something else is refused, never half-read.
@Suite("Sync answers")
struct SyncAnswerTests {
    @Test("holdings round-trip in node and epoch order; a chain named twice, a bad replica or seq is not understood")
    func holdings() throws {
        let chains: [ReplicaID: UInt64] = [
            ReplicaID(NodeID("dif-01")!, epoch: 2): 7, ReplicaID(NodeID("c4-01")!): 40, ReplicaID(.central): 3,
        ]
        let answer = HoldingsAnswer(chains: chains)
        #expect(try HoldingsAnswer.decode(Array(answer.json.utf8)) == answer)
        #expect(answer.json.firstRange(of: "c4-01")!.lowerBound < answer.json.firstRange(of: "dif-01~2")!.lowerBound)
        #expect(try HoldingsAnswer.decode(Array(#"{"chains":[]}"#.utf8)).chains.isEmpty)
        for bad in [
            #"{"chains":[{"replica":"c4-01","last_seq":1},{"replica":"c4-01","last_seq":2}]}"#,
            #"{"chains":[{"replica":"c4-01~1","last_seq":1}]}"#,
            #"{"chains":[{"replica":"c4-01","last_seq":-1}]}"#,
            #"{"chains":[{"replica":"c4-01"}]}"#,
            #"{"chains":{}}"#, "{}", "not json",
        ] {
            #expect(throws: WireError.self, "\(bad)") { try HoldingsAnswer.decode(Array(bad.utf8)) }
        }
    }

    @Test("an epoch answer names an epoch from 2 up to the largest a replica id carries")
    func epoch() throws {
        #expect(try EpochAnswer.decode(Array(EpochAnswer(epoch: 2).json.utf8)).epoch == 2)
        #expect(try EpochAnswer.decode(Array(EpochAnswer(epoch: ReplicaID.maxEpoch).json.utf8)).epoch == ReplicaID.maxEpoch)
        for bad in [#"{"epoch":1}"#, #"{"epoch":0}"#, #"{"epoch":-3}"#, #"{"epoch":2147483648}"#, #"{"epoch":"3"}"#, "{}"] {
            #expect(throws: WireError.self, "\(bad)") { try EpochAnswer.decode(Array(bad.utf8)) }
        }
    }

    @Test("a binding answer names the central store; a rotation says it rotated")
    func bindings() throws {
        #expect(try BindAnswer.decode(Array(BindAnswer(storeID: "s-1").json.utf8)) == BindAnswer(storeID: "s-1"))
        #expect(throws: WireError.self) { try BindAnswer.decode(Array(#"{"bound":false,"store_id":"s"}"#.utf8)) }
        #expect(throws: WireError.self) { try BindAnswer.decode(Array(#"{"bound":true}"#.utf8)) }
        #expect(try RotateAnswer.decode(Array(RotateAnswer().json.utf8)) == RotateAnswer())
        #expect(throws: WireError.self) { try RotateAnswer.decode(Array("{}".utf8)) }
    }

    @Test("the node's status and a round's report round-trip; a count that is not a count is not understood")
    func nodeAnswers() throws {
        let status = NodeStatus(
            nodeID: "c4-01", epoch: 2, department: "C4", centralURL: "https://central.example", pendingEntries: 3,
            lastSyncAt: "2026-12-07T10:00:00Z", lastAttemptAt: "2026-12-07T10:05:00Z", lastError: "sin red", nextAttemptAt: nil,
            journalEntries: 40, quarantinedEntries: 1, clockOffsetMillis: -250, openConflictsByDepartment: ["C4": 2, "DIF": 1],
            recovery: .init(at: "2026-12-06T09:00:00Z", fromEpoch: 1, remade: 4, renumbered: 1))
        #expect(try NodeStatus.decode(status.json) == status)
        #expect(status.json["open_conflicts"] == 3)
        var negative = status.json.objectValue!
        negative["pending_entries"] = -1
        #expect(throws: WireError.self) { try NodeStatus.decode(.object(negative)) }
        var missing = status.json.objectValue!
        missing.removeValue(forKey: "node_id")
        #expect(throws: WireError.self) { try NodeStatus.decode(.object(missing)) }

        var report = RoundReport()
        (report.pushed, report.pulled, report.conflictsOpened, report.durationMillis) = (5, 7, 1, 12)
        (report.casesPurged, report.bodiesPurged, report.relayed, report.retimed) = (2, 9, 3, 1)
        var recovery = RecoveryReport(fromEpoch: 1, toEpoch: 2, setAside: 4)
        (recovery.adopted, recovery.remade, recovery.renumbered) = (1, 3, 1)
        report.recovery = recovery
        let decoded = try RoundReport.decode(report.json)
        #expect(decoded.json == report.json)
        #expect(throws: WireError.self) { try RoundReport.decode(["pushed": 1]) }
        #expect(throws: WireError.self) { try RoundReport.decode(["pushed": 1, "pulled": "2", "conflicts_opened": 0, "duration_ms": 1]) }
    }

    @Test("a conflict reads back as Conflict.json writes it; a status or rule that is no such thing is not understood")
    func conflicts() throws {
        let text = #"{"field":"risk_level","id":"c1","provisional_value":"alto","record_id":"01J","record_type":"case","resolution":{"at":"2026-12-07T10:00:00.000Z","by":"ana","entry":"central:3","note":null,"value":"alto"},"rule":"max","status":"resolved","versions":[{"at":"2026-12-06T10:00:00.000Z","author":"srv","entry":"c4-01:2","node_id":"c4-01","value":"medio"},{"at":"2026-12-06T10:01:00.000Z","author":null,"entry":"dif-01:1","node_id":"dif-01","value":"alto"}]}"#
        let value = try JSONValue.parse(Array(text.utf8))
        let conflict = try ConflictAnswer.decode(value)
        #expect(conflict.recordType == .caseFile && conflict.status == .resolved && conflict.rule == .max)
        #expect(conflict.versions.map(\.nodeID) == ["c4-01", "dif-01"] && conflict.versions[1].author == nil)
        #expect(conflict.resolution?.by == "ana" && conflict.resolution?.note == nil)
        #expect(try ConflictAnswer.decodePage(["items": [value], "next": .null]).items == [conflict])
        for (key, bad) in [("status", JSONValue.string("abierto")), ("rule", "nueva"), ("record_type", "caso"), ("versions", "[]")] {
            var object = value.objectValue!
            object[key] = bad
            #expect(throws: WireError.self, "\(key)") { try ConflictAnswer.decode(.object(object)) }
        }
    }

    @Test("the office's status and quarantine pages round-trip; a negative count or a cursor that is no text is not understood")
    func officeAnswers() throws {
        let status = CentralStatus(epoch: 3, storeID: "s-1", journalEntries: 120, quarantinedEntries: 2, openConflictsByDepartment: ["DIF": 2],
                                   clocksOff: ["c4-01": .init(skewMillis: 259_200_000, at: "2026-12-07T10:00:00.000Z")])
        #expect(try CentralStatus.decode(status.json) == status)
        #expect(status.json["open_conflicts"] == 2 && status.json["node_id"] == "central")
        var negative = status.json.objectValue!
        negative["journal_entries"] = -1
        #expect(throws: WireError.self) { try CentralStatus.decode(.object(negative)) }
        let page = QuarantinePage(items: [.init(id: "c4-01:7", reason: "stamped … ahead")], next: "41")
        #expect(try QuarantinePage.decode(page.json) == page)
        #expect(try QuarantinePage.decode(QuarantinePage(items: [], next: nil).json).next == nil)
        #expect(throws: WireError.self) { try QuarantinePage.decode(["items": [], "next": 41]) }
    }
}
