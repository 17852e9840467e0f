import EnlaceModel

/// A conflict as the APIs answer it (`Conflict.json`: the office's `GET /v1/conflicts/{id}`,
/// its pages and its resolutions; the node's `GET /v1/conflicts`), read back by a client.
public struct ConflictAnswer: Sendable, Equatable {
    /// One competing version.
    public struct Version: Sendable, Equatable {
        public var value: JSONValue
        public var nodeID: String
        public var author: String?
        /// When it was written (RFC 3339).
        public var at: String
        public var entry: String
    }

    /// How it was settled.
    public struct Resolution: Sendable, Equatable {
        public var value: JSONValue
        public var by: String
        public var at: String
        public var note: String?
        public var entry: String
    }

    public var id: String
    public var recordType: RecordType
    public var recordID: String
    public var field: String
    public var status: Conflict.Status
    public var rule: MergeRule
    public var versions: [Version]
    public var provisionalValue: JSONValue
    public var resolution: Resolution?

    /// Decodes a conflict as `Conflict.json` writes it.
    public static func decode(_ value: JSONValue) throws(WireError) -> ConflictAnswer {
        let failure = WireError("a conflict in the answer is not understood")
        func optionalText(_ value: JSONValue?) throws(WireError) -> String? {
            switch value {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw failure
            }
        }
        guard let id = value["id"]?.stringValue, let type = value["record_type"]?.stringValue.flatMap(RecordType.init(rawValue:)),
              let recordID = value["record_id"]?.stringValue, let field = value["field"]?.stringValue,
              let status = value["status"]?.stringValue.flatMap(Conflict.Status.init(rawValue:)),
              let rule = value["rule"]?.stringValue.flatMap(MergeRule.init(rawValue:)), let items = value["versions"]?.arrayValue
        else { throw failure }
        var versions: [Version] = []
        for item in items {
            guard let nodeID = item["node_id"]?.stringValue, let at = item["at"]?.stringValue, let entry = item["entry"]?.stringValue
            else { throw failure }
            versions.append(Version(value: item["value"] ?? .null, nodeID: nodeID, author: try optionalText(item["author"]), at: at, entry: entry))
        }
        var resolution: Resolution?
        if let settled = value["resolution"], !settled.isNull {
            guard let by = settled["by"]?.stringValue, let at = settled["at"]?.stringValue, let entry = settled["entry"]?.stringValue
            else { throw failure }
            resolution = Resolution(value: settled["value"] ?? .null, by: by, at: at, note: try optionalText(settled["note"]), entry: entry)
        }
        return ConflictAnswer(id: id, recordType: type, recordID: recordID, field: field, status: status, rule: rule, versions: versions,
                              provisionalValue: value["provisional_value"] ?? .null, resolution: resolution)
    }

    /// Decodes a page of conflicts (`{"items": […], "next": …}`) and its cursor.
    public static func decodePage(_ value: JSONValue) throws(WireError) -> (items: [ConflictAnswer], next: String?) {
        guard let items = value["items"]?.arrayValue else { throw WireError("the page of conflicts is not understood") }
        var conflicts: [ConflictAnswer] = []
        for item in items { conflicts.append(try decode(item)) }
        return (conflicts, value["next"]?.stringValue)
    }
}
