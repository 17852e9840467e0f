import EnlaceModel
import EnlaceStore

extension CentralServer {
    /// The central office names a case's lead department with its own signed entry (docs/domain.md,
    /// "Who may name the lead"): it follows every naming the central server holds, so it also
    /// settles a disputed lead, and it is how the office accepts a naming it found quarantined.
    /// Returns the case's JSON. Audited.
    public func nameLead(caseID: String, department: String, note: String?, by user: String) async throws -> String {
        guard Vocabulary.department.contains(department), department != LeadRule.office else {
            throw Refusal.invalid(ValidationError(.notInVocabulary, field: LeadRule.field,
                                                  expected: Vocabulary.department.values.filter { $0 != LeadRule.office }.joined(separator: ", ")))
        }
        if let note, note.utf8.count > Schema.maxNoteLength {
            throw Refusal.invalid(ValidationError(.tooLong, field: "note", expected: "at most \(Schema.maxNoteLength) bytes of UTF-8"))
        }
        let key = RecordKey(.caseFile, caseID)
        let now = self.now()
        return try await storage.transaction { transaction in
            guard let state = try await transaction.recordState(key), try await !transaction.isErased(key) else {
                throw Refusal.notFound("no case with id \(caseID)")
            }
            let leads = Set((state.currentValue(of: LeadRule.field).stringValue).map { [$0] } ?? [])
            let disputed = try await transaction.conflicts(of: key).contains { $0.field == LeadRule.field && $0.status == .open }
            if leads == [department], !disputed { return try await transaction.documentText(key) ?? "{}" }
            let (edit, entry, outcome) = try await ReplicaWriter.appendLocal(
                origin: replica, key: key, operations: [.set(field: LeadRule.field, value: .string(department))], physicalMillis: now,
                author: user, note: note, in: transaction)
            // The lead is in the case's scope and receives its location keys.
            try await indexScope(of: outcome.records, directory: try transaction.directory(), in: transaction)
            try await signHead(entry.envelope, in: transaction)
            try await AuditLog.append("case.lead", actor: user, subject: caseID,
                                detail: ["department": .string(department), "entry": .string(edit.id.description)], at: now, in: transaction)
            return try await transaction.documentText(key) ?? "{}"
        }
    }

    /// The namings of a case's lead the central server keeps quarantined because their writer
    /// could not name it (oldest first): what the office may accept by naming that lead itself.
    public func quarantinedLeadNamings(caseID: String) async throws -> [(entry: String, department: String, lead: String, at: Int64, author: String?)] {
        let key = RecordKey(.caseFile, caseID)
        return try await storage.read { reader in
            let directory = try await reader.directory()
            return try await reader.quarantinedEdits(of: key).compactMap { edit in
                guard let lead = edit.operations.lazy.compactMap({ operation -> String? in
                    guard case .set(LeadRule.field, let value, _) = operation else { return nil }
                    return value.stringValue
                }).first else { return nil }
                return (edit.id.description, directory.department(of: edit.id.origin) ?? edit.id.origin.rawValue, lead,
                        edit.timestamp.millis, edit.author)
            }
        }
    }

    /// One conflict for an office user through the API; audited as the desk's reads are.
    public func conflict(id: String, by user: String) async throws -> StoredConflict? {
        let at = now()
        return try await storage.transaction { transaction in
            guard let conflict = try await transaction.conflict(id: id) else { return nil }
            try await AuditLog.append("conflict.read", actor: user, subject: conflict.key.id, detail: ["conflict": .string(id)], at: at, in: transaction)
            return conflict
        }
    }

    /// Conflicts for an office user through the API: the competing values they carry (names,
    /// phones) are read, so the list is audited — one row naming how many and of which records.
    public func conflicts(_ filter: ConflictFilter, after: String?, limit: Int, by user: String) async throws -> Page<StoredConflict> {
        let at = now()
        return try await storage.transaction { transaction in
            let page = try await transaction.conflicts(filter, after: after, limit: limit)
            if !page.items.isEmpty {
                try await AuditLog.append("conflicts.list", actor: user, subject: "\(page.items.count)",
                                    detail: ["records": .array(Array(Set(page.items.map(\.key.id))).sorted().map(JSONValue.string))],
                                    at: at, in: transaction)
            }
            return page
        }
    }
}
