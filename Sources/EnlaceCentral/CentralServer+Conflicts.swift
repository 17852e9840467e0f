import EnlaceModel
import EnlaceStore
import EnlaceProtocol

extension CentralServer {
    /// Resolves an open conflict with `value`: a journal entry from the central server that
    /// causally follows every competing version, so it closes the conflict on every replica
    /// once pulled. Returns the resolved conflict's JSON. Audited.
    public func resolve(conflictID: String, value: JSONValue, note: String?, by user: String) async throws -> String {
        if let note, note.utf8.count > Schema.maxNoteLength {
            throw Refusal.invalid(ValidationError(.tooLong, field: "note", expected: "at most \(Schema.maxNoteLength) bytes of UTF-8"))
        }
        let now = self.now()
        return try await storage.transaction { transaction in
            guard let conflict = try await transaction.conflict(id: conflictID) else {
                if let location = try await transaction.conflictLocation(id: conflictID) {
                    let current = try await transaction.conflicts(of: location.key).first { $0.field == location.field && $0.status == .open }
                    if let current {
                        throw Refusal.superseded("conflict \(conflictID) is no longer current: another version joined; resolve \(current.id)",
                                                 currentID: current.id)
                    }
                    throw Refusal.superseded("conflict \(conflictID) was superseded by a later edit and is no longer open", currentID: nil)
                }
                throw Refusal.notFound("no conflict with id \(conflictID)")
            }
            if conflict.status == .resolved {
                let resolution = (try? JSONValue.parse(conflict.json))?["resolution"] ?? .null
                throw Refusal.alreadyDone(
                    "conflict \(conflictID) is already resolved by \(resolution["by"]?.stringValue ?? "?") at \(resolution["at"]?.stringValue ?? "?")")
            }
            guard let spec = conflict.key.type.schema.register(forPath: conflict.field)?.spec else {
                throw StoreError.corrupt("conflict \(conflictID) names no known field")
            }
            let normalized: JSONValue
            do {
                normalized = try conflict.key.type.schema.normalize(value, for: spec, at: conflict.field)
            } catch let error as ValidationError {
                throw Refusal.invalid(error)
            }
            let (edit, entry, outcome) = try await ReplicaWriter.appendLocal(
                origin: replica, key: conflict.key, operations: [.set(field: conflict.field, value: normalized)], physicalMillis: now,
                author: user, note: note, in: transaction)
            // A resolution may move who holds the case (a lead, a referral's state, consent).
            try await indexScope(of: outcome.records, directory: try transaction.directory(), in: transaction)
            try await signHead(entry.envelope, in: transaction)
            // Ids and the entry's salted commitment, never the value or the note: the audit log
            // must not become a second copy of what it records (the entry holds them).
            try await AuditLog.append("conflict.resolve", actor: user, subject: conflictID,
                                detail: ["record": .string(conflict.key.description), "field": .string(conflict.field),
                                         "entry": .string(edit.id.description),
                                         "commitment": .string(EntryChain.hex(entry.envelope.commitment.bytes))],
                                at: now, in: transaction)
            guard let resolved = try await transaction.conflict(id: conflictID) else {
                throw StoreError.corrupt("conflict \(conflictID) vanished while resolving")
            }
            return resolved.json
        }
    }

    /// Conflicts filtered by status, department, record type, field (prefix) and minimum age.
    public func conflicts(_ filter: ConflictFilter, after: String?, limit: Int) async throws -> Page<StoredConflict> {
        try await storage.read { try await $0.conflicts(filter, after: after, limit: limit) }
    }
}
