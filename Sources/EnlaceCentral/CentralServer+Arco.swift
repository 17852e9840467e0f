import EnlaceModel
import EnlaceStore

extension CentralServer {
    /// The cases of one woman's file (`person_ref`), summarised for the office; audited.
    public func cases(ofPerson ref: String, by actor: String) async throws -> [JSONValue] {
        guard ULID.isValid(ref) else {
            throw Refusal.invalid(ValidationError(.invalidValue, field: "person_ref", expected: "a ULID (26 characters of Crockford base 32)"))
        }
        let ids = try await storage.cases(ofPerson: ref)
        return try await storage.transaction { transaction in
            let summaries = try await ids.asyncCompactMap { id -> JSONValue? in
                guard let text = try await transaction.documentText(RecordKey(.caseFile, id)), let document = try? JSONValue.parse(text) else { return nil }
                return ["id": .string(id), "folio": document["folio"] ?? .null, "origin_department": document["origin_department"] ?? .null,
                        "status": document["status"] ?? .null, "person_ref": .string(ref)]
            }
            try await AuditLog.append("person.search", actor: actor, subject: ref, detail: ["cases": .int(Int64(summaries.count))],
                                at: now(), in: transaction)
            return summaries
        }
    }

    /// ARCO access (docs/domain.md): everything held about the cases `ids` — each case as merged, its
    /// journal entries with author and time, the explanation of every field, and who read it
    /// (the audit rows about it) — as JSON. The export itself is audited, once per case.
    public func arcoExport(cases ids: [String], person: String?, by actor: String) async throws -> JSONValue {
        guard !ids.isEmpty else { throw Refusal.notFound(person.map { "no case has person_ref \($0)" } ?? "no case to export") }
        let at = now()
        var cases: [JSONValue] = []
        for id in ids {
            guard ULID.isValid(id) else { throw Refusal.notFound("no case with id \(id)") }
            let readers = try await storage.auditRows(subject: id).map { row -> JSONValue in
                ["at": .string(row.at), "actor": .string(row.actor), "action": .string(row.action)]
            }
            let (document, history) = try await storage.read { reader -> (JSONValue?, JSONValue?) in
                let key = RecordKey(.caseFile, id)
                let document = try await reader.documentText(key).flatMap { try? JSONValue.parse($0) }
                return (document, RecordHistory.json(key, entries: try await reader.entries(of: key)))
            }
            // An erased case exports as its tombstone: no journal contents remain.
            guard let document else { throw Refusal.notFound("no case with id \(id)") }
            cases.append(["id": .string(id), "case": document, "journal": history?["entries"] ?? .array([]),
                          "fields": history?["fields"] ?? .array([]), "accesses": .array(readers)])
        }
        try await storage.transaction { transaction in
            for id in ids {
                try await AuditLog.append("case.arco_export", actor: actor, subject: id,
                                    detail: ["person_ref": person.map(JSONValue.string) ?? .null], at: at, in: transaction)
            }
        }
        return ["generated_at": .string(RFC3339.format(millis: at)), "generated_by": .string(actor),
                "person_ref": person.map(JSONValue.string) ?? .null, "cases": .array(cases)]
    }

    /// ARCO access for one case, or for every case of the woman's file.
    public func arcoExport(caseID: String?, person: String?, by actor: String) async throws -> JSONValue {
        if let person {
            guard ULID.isValid(person) else { throw Refusal.notFound("no case has person_ref \(person)") }
            return try await arcoExport(cases: try storage.cases(ofPerson: person), person: person, by: actor)
        }
        return try await arcoExport(cases: caseID.map { [$0] } ?? [], person: nil, by: actor)
    }
}

extension CentralServer {
    /// ARCO cancellation (docs/domain.md): erases the contents of the cases `ids` on every replica.
    /// Each erasure is a signed entry of the central server, journalled for everyone, keeping the
    /// case's id, folio, origin department and opening date, and the fact, author, reason and
    /// legal basis; applied here at once (bodies, record and conflicts destroyed) and on each
    /// replica when it pulls. Audited by ids. Returns the erasures made.
    public func erase(cases ids: [String], reason: String, legalBasis: String, by actor: String) async throws -> [ErasureEvent] {
        for (field, text) in [("reason", reason), ("legal_basis", legalBasis)] {
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, text.utf8.count <= ErasureEvent.maxTextLength else {
                throw Refusal.invalid(ValidationError(.invalidValue, field: field, expected: "1 to \(ErasureEvent.maxTextLength) bytes of text"))
            }
        }
        guard !ids.isEmpty else { throw Refusal.notFound("no case to erase") }
        let at = now()
        let events = try await storage.transaction { transaction in
            try await ids.asyncMap { id -> ErasureEvent in
                let key = RecordKey(.caseFile, id)
                guard ULID.isValid(id), let text = try await transaction.documentText(key), let document = try? JSONValue.parse(text) else {
                    throw Refusal.notFound("no case with id \(id)")
                }
                guard try await !transaction.isErased(key) else { throw Refusal.conflict("case \(id) is already erased") }
                let opened = try await transaction.entries(of: key).map(\.timestamp.millis).min()
                let event = ErasureEvent(caseID: id, folio: document["folio"]?.stringValue,
                                         originDepartment: document["origin_department"]?.stringValue, openedAt: opened,
                                         reason: reason, legalBasis: legalBasis, author: actor, at: at)
                try await apply(event, in: transaction)
                return event
            }
        }
        try await storage.reclaimErasedSpace()
        return events
    }

    /// Applies erasures again (a central store restored from a copy older than them, from the
    /// register kept outside the store): those the store does not hold yet become new entries.
    public func reapply(_ erasures: [ErasureEvent]) async throws -> Int {
        let count = try await storage.transaction { transaction in
            var applied = 0
            for event in erasures where try await !transaction.isErased(RecordKey(.caseFile, event.caseID)) {
                try await apply(event, in: transaction)
                applied += 1
            }
            return applied
        }
        if count > 0 { try await storage.reclaimErasedSpace() }
        return count
    }

    private func apply(_ event: ErasureEvent, in transaction: any CentralTransaction) async throws {
        let (entry, _) = try await ReplicaWriter.appendCentral(body: event.encodedBody, origin: replica, in: transaction)
        try await signHead(entry.envelope, in: transaction)
        try await AuditLog.append("case.erase", actor: event.author, subject: event.caseID,
                            detail: ["entry": .string(entry.id.description)], at: now(), in: transaction)
    }
}
