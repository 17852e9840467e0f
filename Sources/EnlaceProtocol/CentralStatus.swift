import EnlaceModel

/// The answer to the office's `GET /v1/status`: the central store, what it holds, and the
/// nodes whose clocks were off in the last day.
public struct CentralStatus: Sendable, Equatable {
    /// A node's clock as it last reported it: how far from the central server's, and when.
    public struct ClockReport: Sendable, Equatable {
        public var skewMillis: Int64
        /// When it was measured (RFC 3339).
        public var at: String

        public init(skewMillis: Int64, at: String) {
            self.skewMillis = skewMillis
            self.at = at
        }
    }

    public var epoch: UInt32
    public var storeID: String
    public var journalEntries: Int
    public var quarantinedEntries: Int
    public var openConflictsByDepartment: [String: Int]
    /// By node.
    public var clocksOff: [String: ClockReport]

    public init(epoch: UInt32, storeID: String, journalEntries: Int, quarantinedEntries: Int, openConflictsByDepartment: [String: Int],
                clocksOff: [String: ClockReport]) {
        self.epoch = epoch
        self.storeID = storeID
        self.journalEntries = journalEntries
        self.quarantinedEntries = quarantinedEntries
        self.openConflictsByDepartment = openConflictsByDepartment
        self.clocksOff = clocksOff
    }

    /// Open conflicts, all departments together.
    public var openConflicts: Int { openConflictsByDepartment.values.reduce(0, +) }

    /// The answer's JSON.
    public var json: JSONValue {
        [
            "node_id": "central", "epoch": .int(Int64(epoch)), "store_id": .string(storeID), "journal_entries": .int(Int64(journalEntries)),
            "quarantined_entries": .int(Int64(quarantinedEntries)), "open_conflicts": .int(Int64(openConflicts)),
            "open_conflicts_by_department": .object(openConflictsByDepartment.mapValues { .int(Int64($0)) }),
            "clocks_off": .object(clocksOff.mapValues { ["skew_ms": .int($0.skewMillis), "at": .string($0.at)] }),
        ]
    }

    /// Decodes an answer: every member `json` writes, of its kind.
    public static func decode(_ value: JSONValue) throws(WireError) -> CentralStatus {
        let failure = WireError("the central server's status is not understood")
        func count(_ value: JSONValue?) throws(WireError) -> Int {
            guard let number = value?.intValue, number >= 0, let count = Int(exactly: number) else { throw failure }
            return count
        }
        guard let epoch = value["epoch"]?.intValue.flatMap(UInt32.init(exactly:)), let storeID = value["store_id"]?.stringValue,
              let byDepartment = value["open_conflicts_by_department"]?.objectValue, let clocks = value["clocks_off"]?.objectValue
        else { throw failure }
        var conflicts: [String: Int] = [:]
        for (department, number) in byDepartment { conflicts[department] = try count(number) }
        var clocksOff: [String: ClockReport] = [:]
        for (node, report) in clocks {
            guard let skew = report["skew_ms"]?.intValue, let at = report["at"]?.stringValue else { throw failure }
            clocksOff[node] = ClockReport(skewMillis: skew, at: at)
        }
        return CentralStatus(epoch: epoch, storeID: storeID, journalEntries: try count(value["journal_entries"]),
                             quarantinedEntries: try count(value["quarantined_entries"]), openConflictsByDepartment: conflicts,
                             clocksOff: clocksOff)
    }
}
