import EnlaceModel
import GRDB

extension JournalReader {
    /// Where a conflict id (current or superseded) belongs: its record and field.
    public func conflictLocation(id: String) throws -> (key: RecordKey, field: String)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM conflict_ids WHERE id = ?", arguments: [id]),
              let type = RecordType(rawValue: row["record_type"])
        else { return nil }
        return (RecordKey(type, row["record_id"]), row["field"])
    }

    /// The id of the open conflict on a record's field, if any.
    public func openConflictID(_ key: RecordKey, field: String) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT id FROM conflicts WHERE record_type = ? AND record_id = ? AND field = ? AND status = 'open'",
            arguments: [key.type.rawValue, key.id, field])
    }

    /// Every conflict with `status` as JSON, with its record's department.
    public func conflictsWithDepartment(status: Conflict.Status) throws -> [(conflict: JSONValue, department: String?)] {
        try Row.fetchAll(
            db, sql: """
                SELECT c.body AS body, r.document AS document FROM conflicts c
                LEFT JOIN records r ON r.record_type = c.record_type AND r.record_id = c.record_id
                WHERE c.status = ? ORDER BY c.id
                """,
            arguments: [status.rawValue]
        ).map { row in
            let document = (row["document"] as String?).flatMap { try? JournalReader.parse($0) }
            return (try JournalReader.parse(row["body"]), document.flatMap(JournalReader.department(of:)))
        }
    }

    /// Open conflicts counted by their record's department.
    public func openConflictsByDepartment() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (_, department) in try conflictsWithDepartment(status: .open) {
            counts[department ?? "SIN_DEPARTAMENTO", default: 0] += 1
        }
        return counts
    }

    /// A record's department: a case's origin, a certificate's holder's department.
    static func department(of document: JSONValue) -> String? {
        document["origin_department"]?.stringValue ?? document["department"]?.stringValue
    }

    /// Every entry that touched a record, and per field the rule and versions behind its value.
    public func history(_ key: RecordKey) throws -> JSONValue? {
        let entries = try entries(of: key)
        guard !entries.isEmpty else { return nil }
        var state = RecordState(key: key)
        for entry in entries { state.apply(entry) }
        let ordered = entries.sorted { ($0.timestamp, $0.id) < ($1.timestamp, $1.id) }
        return [
            "record_type": .string(key.type.rawValue), "record_id": .string(key.id),
            "entries": .array(ordered.map(\.historyLine.json)),
            "fields": .array(state.explain().map(\.json)),
        ]
    }
}
