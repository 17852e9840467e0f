import Crypto

/// A field whose concurrent writes no rule could settle safely, kept for a person to decide.
///
/// Its identity is derived from what conflicts (record, field and the competing entries), so it
/// is the same on every replica. Resolved conflicts are kept, never deleted.
public struct Conflict: Hashable, Sendable {
    /// Open until an edit that has seen every version settles it.
    public enum Status: String, Hashable, Sendable, Codable {
        case open
        case resolved
    }

    /// One competing value and where it came from.
    public struct Version: Hashable, Sendable {
        /// The value this version holds.
        public let value: JSONValue
        /// The replica that wrote it.
        public let nodeID: NodeID
        /// Who wrote it, when known.
        public let author: String?
        /// When it was written (the entry's timestamp).
        public let at: HybridTimestamp
        /// The journal entry that carries it.
        public let entry: EntryID
    }

    /// The edit that settled the conflict.
    public struct Resolution: Hashable, Sendable {
        /// The value it settled on.
        public let value: JSONValue
        /// The office user, or the node and author, whose edit settled it.
        public let by: String
        /// When.
        public let at: HybridTimestamp
        /// The note given with it.
        public let note: String?
        /// The settling entry.
        public let entry: EntryID
    }

    /// Derived from record type, record id, field and the competing entries.
    public let id: String
    /// The record's type.
    public let recordType: RecordType
    /// The record's id.
    public let recordID: String
    /// The dotted path of the field.
    public let field: String
    /// The rule that could not decide.
    public let rule: MergeRule
    /// Every competing version, ordered by (`at`, `node_id`).
    public let versions: [Version]
    /// The value shown meanwhile.
    public let provisionalValue: JSONValue
    /// How it was settled, once it is.
    public let resolution: Resolution?

    /// Open or resolved.
    public var status: Status { resolution == nil ? .open : .resolved }

    /// The conflict's identity for a set of competing entries.
    public static func makeID(recordType: RecordType, recordID: String, field: String, entries: [EntryID]) -> String {
        let sorted = Set(entries).sorted()
        let text = "enlace-conflict-v1\n\(recordType.rawValue)\n\(recordID)\n\(field)\n"
            + sorted.map(\.description).joined(separator: ",")
        let digest = SHA256.hash(data: Array(text.utf8))
        return digest.prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The conflict as the API's JSON (openapi/node.yaml, Conflict).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id),
            "record_type": .string(recordType.rawValue),
            "record_id": .string(recordID),
            "field": .string(field),
            "status": .string(status.rawValue),
            "rule": .string(rule.rawValue),
            "versions": .array(versions.map(\.json)),
            "provisional_value": provisionalValue,
            "resolution": .null,
        ]
        if let resolution {
            object["resolution"] = [
                "value": resolution.value,
                "by": .string(resolution.by),
                "at": .string(resolution.at.rfc3339),
                "note": resolution.note.map(JSONValue.string) ?? .null,
                "entry": .string(resolution.entry.description),
            ]
        }
        return .object(object)
    }
}

extension Conflict.Version {
    /// The version as JSON: `value`, `node_id`, `author`, `at` and the carrying `entry`.
    public var json: JSONValue {
        [
            "value": value,
            "node_id": .string(nodeID.rawValue),
            "author": author.map(JSONValue.string) ?? .null,
            "at": .string(at.rfc3339),
            "entry": .string(entry.description),
        ]
    }
}
