import EnlaceModel

/// The answer to the node's `GET /v1/status`: who it is, where it stands with its central
/// server, and what it holds.
public struct NodeStatus: Sendable, Equatable {
    public struct Recovery: Sendable, Equatable {
        /// When it began (RFC 3339).
        public var at: String
        public var fromEpoch: UInt32
        public var remade: Int
        public var renumbered: Int

        public init(at: String, fromEpoch: UInt32, remade: Int, renumbered: Int) {
            self.at = at
            self.fromEpoch = fromEpoch
            self.remade = remade
            self.renumbered = renumbered
        }
    }

    public var nodeID: String
    public var epoch: UInt32
    public var department: String
    public var centralURL: String
    /// Own entries the central server has not acknowledged.
    public var pendingEntries: Int
    /// The last successful round, the last round tried, the last failure's reason.
    public var lastSyncAt: String?
    public var lastAttemptAt: String?
    public var lastError: String?
    /// When the schedule tries next (nil: unknown, or no schedule).
    public var nextAttemptAt: String?
    public var journalEntries: Int
    /// Own entries the central server keeps quarantined, and entries quarantined here.
    public var quarantinedEntries: Int
    /// The central server's clock minus this node's, as last measured.
    public var clockOffsetMillis: Int64
    public var openConflictsByDepartment: [String: Int]
    /// The node's last recovery from its own restore.
    public var recovery: Recovery?

    public init(nodeID: String, epoch: UInt32, department: String, centralURL: String, pendingEntries: Int, lastSyncAt: String?,
                lastAttemptAt: String?, lastError: String?, nextAttemptAt: String? = nil, journalEntries: Int, quarantinedEntries: Int,
                clockOffsetMillis: Int64, openConflictsByDepartment: [String: Int], recovery: Recovery?) {
        self.nodeID = nodeID
        self.epoch = epoch
        self.department = department
        self.centralURL = centralURL
        self.pendingEntries = pendingEntries
        self.lastSyncAt = lastSyncAt
        self.lastAttemptAt = lastAttemptAt
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.journalEntries = journalEntries
        self.quarantinedEntries = quarantinedEntries
        self.clockOffsetMillis = clockOffsetMillis
        self.openConflictsByDepartment = openConflictsByDepartment
        self.recovery = recovery
    }

    /// Open conflicts, all departments together.
    public var openConflicts: Int { openConflictsByDepartment.values.reduce(0, +) }

    /// The answer's JSON.
    public var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "node_id": .string(nodeID), "epoch": .int(Int64(epoch)), "department": .string(department), "central_url": .string(centralURL),
            "pending_entries": .int(Int64(pendingEntries)), "last_sync_at": text(lastSyncAt), "last_attempt_at": text(lastAttemptAt),
            "last_error": text(lastError), "next_attempt_at": text(nextAttemptAt), "journal_entries": .int(Int64(journalEntries)),
            "quarantined_entries": .int(Int64(quarantinedEntries)), "clock_offset_ms": .int(clockOffsetMillis),
            "open_conflicts": .int(Int64(openConflicts)),
            "open_conflicts_by_department": .object(openConflictsByDepartment.mapValues { .int(Int64($0)) }),
            "recovery": recovery.map { recovery -> JSONValue in
                ["at": .string(recovery.at), "from_epoch": .int(Int64(recovery.fromEpoch)), "remade": .int(Int64(recovery.remade)),
                 "renumbered": .int(Int64(recovery.renumbered))]
            } ?? .null,
        ]
    }

    /// Decodes an answer: every member `json` writes, of its kind.
    public static func decode(_ value: JSONValue) throws(WireError) -> NodeStatus {
        let failure = WireError("the node's status is not understood")
        func count(_ key: String, in object: JSONValue = value) throws(WireError) -> Int {
            guard let number = object[key]?.intValue, number >= 0, let count = Int(exactly: number) else { throw failure }
            return count
        }
        func text(_ key: String) throws(WireError) -> String? {
            switch value[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw failure
            }
        }
        guard let nodeID = value["node_id"]?.stringValue, let department = value["department"]?.stringValue,
              let centralURL = value["central_url"]?.stringValue, let epoch = value["epoch"]?.intValue.flatMap(UInt32.init(exactly:)),
              let offset = value["clock_offset_ms"]?.intValue, let byDepartment = value["open_conflicts_by_department"]?.objectValue
        else { throw failure }
        var conflicts: [String: Int] = [:]
        for (department, number) in byDepartment {
            guard let number = number.intValue, number >= 0, let count = Int(exactly: number) else { throw failure }
            conflicts[department] = count
        }
        var recovery: Recovery?
        if let object = value["recovery"], !object.isNull {
            guard let at = object["at"]?.stringValue, let from = object["from_epoch"]?.intValue.flatMap(UInt32.init(exactly:)) else { throw failure }
            recovery = Recovery(at: at, fromEpoch: from, remade: try count("remade", in: object), renumbered: try count("renumbered", in: object))
        }
        return NodeStatus(
            nodeID: nodeID, epoch: epoch, department: department, centralURL: centralURL, pendingEntries: try count("pending_entries"),
            lastSyncAt: try text("last_sync_at"), lastAttemptAt: try text("last_attempt_at"), lastError: try text("last_error"),
            nextAttemptAt: try text("next_attempt_at"), journalEntries: try count("journal_entries"),
            quarantinedEntries: try count("quarantined_entries"), clockOffsetMillis: offset, openConflictsByDepartment: conflicts,
            recovery: recovery)
    }
}
