import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceSync

extension CentralServer {
    /// Resolves an open conflict with `value`: a journal entry from the central server that
    /// causally follows every competing version, so it closes the conflict on every replica
    /// once pulled. Returns the resolved conflict's JSON.
    public func resolve(conflictID: String, value: JSONValue, note: String?, by user: String, now: Int64) throws -> String {
        if let note, note.utf8.count > Schema.maxNoteLength {
            throw APIError(422, "note: at most \(Schema.maxNoteLength) bytes of UTF-8", field: "note")
        }
        return try storage.transaction { transaction in
            let reader = transaction
            guard let text = try reader.conflictText(id: conflictID) else {
                if let (key, field) = try reader.conflictLocation(id: conflictID) {
                    if let current = try reader.openConflictID(key, field: field) {
                        throw APIError(409, "conflict \(conflictID) is no longer current: another version joined; resolve \(current)",
                                       details: ["current_id": .string(current)])
                    }
                    throw APIError(409, "conflict \(conflictID) was superseded by a later edit and is no longer open")
                }
                throw APIError.notFound("no conflict with id \(conflictID)")
            }
            let conflict = try JournalReader.parse(text)
            if conflict["status"] == "resolved" {
                let resolution = conflict["resolution"] ?? .null
                throw APIError(409, "conflict \(conflictID) is already resolved by \(resolution["by"]?.stringValue ?? "?") at \(resolution["at"]?.stringValue ?? "?")")
            }
            guard let type = conflict["record_type"]?.stringValue.flatMap(RecordType.init(rawValue:)),
                  let recordID = conflict["record_id"]?.stringValue, let field = conflict["field"]?.stringValue,
                  let spec = type.schema.register(forPath: field)?.spec
            else { throw StoreError.corrupt("conflict \(conflictID) names no known field") }
            let normalized: JSONValue
            do {
                normalized = try type.schema.normalize(value, for: spec, at: field)
            } catch let error as ValidationError {
                throw APIError(error)
            }
            let key = RecordKey(type, recordID)
            guard let state = try reader.recordState(key) else { throw StoreError.corrupt("conflict \(conflictID) has no record") }
            let timestamp = HybridTimestamp.next(after: try reader.lastTimestamp(), physicalMillis: now)
            let entry = state.makeEntry(
                origin: .central, seq: try reader.lastSeq(of: .central) + 1, operations: [.set(field: field, value: normalized)],
                timestamp: timestamp, author: user, note: note, prev: try reader.chainTip(of: .central))
            do { try type.schema.validate(entry) } catch let error as ValidationError { throw APIError(error) }
            _ = try transaction.append([entry])
            let hash = EntryChain.hash(EntryCoding.encode(entry))
            try transaction.recordHead(StoredHead(
                origin: NodeID.central.rawValue, seq: entry.id.seq, hash: hash,
                signature: try self.key.signHead(origin: .central, seq: entry.id.seq, hash: hash)))
            try AuditLog.append("conflict.resolve", actor: user, subject: conflictID,
                                detail: ["record": .string(key.description), "field": .string(field), "value": normalized,
                                         "note": note.map(JSONValue.string) ?? .null, "entry": .string(entry.id.description)],
                                at: now, in: transaction)
            guard let resolved = try reader.conflictText(id: conflictID) else {
                throw StoreError.corrupt("conflict \(conflictID) vanished while resolving")
            }
            return resolved
        }
    }

    /// Conflicts filtered by status, department, record type, field (prefix) and minimum age.
    public func conflicts(
        status: Conflict.Status, department: String?, recordType: RecordType?, field: String?, olderThanMillis: Int64?, now: Int64
    ) throws -> [JSONValue] {
        try storage.conflictList(status: status).filter { conflict, recordDepartment in
                if let department, recordDepartment != department { return false }
                if let recordType, conflict["record_type"] != .string(recordType.rawValue) { return false }
                if let field, !(conflict["field"]?.stringValue?.hasPrefix(field) ?? false) { return false }
                if let olderThanMillis {
                    let first = (conflict["versions"]?.arrayValue ?? []).compactMap { $0["at"]?.stringValue }
                        .compactMap(RFC3339.parseTimestamp).min() ?? now
                    if now - first < olderThanMillis { return false }
                }
                return true
            }.map(\.conflict)
    }
}
