import EnlaceModel
import EnlaceStore

extension CentralServer {
    /// The cases of one woman's file (`person_ref`), summarised for the office; audited.
    public func cases(ofPerson ref: String, by actor: String) throws -> [JSONValue] {
        guard ULID.isValid(ref) else {
            throw Refusal.invalid(ValidationError(.invalidValue, field: "person_ref", expected: "a ULID (26 characters of Crockford base 32)"))
        }
        let ids = try storage.cases(ofPerson: ref)
        return try storage.transaction { transaction in
            let summaries = try ids.compactMap { id -> JSONValue? in
                guard let text = try transaction.documentText(RecordKey(.caseFile, id)), let document = try? JSONValue.parse(text) else { return nil }
                return ["id": .string(id), "folio": document["folio"] ?? .null, "origin_department": document["origin_department"] ?? .null,
                        "status": document["status"] ?? .null, "person_ref": .string(ref)]
            }
            try AuditLog.append("person.search", actor: actor, subject: ref, detail: ["cases": .int(Int64(summaries.count))],
                                at: now(), in: transaction)
            return summaries
        }
    }

    /// ARCO access (DOMAIN.md): everything held about the cases `ids` — each case as merged, its
    /// journal entries with author and time, the explanation of every field, and who read it
    /// (the audit rows about it) — as JSON. The export itself is audited, once per case.
    public func arcoExport(cases ids: [String], person: String?, by actor: String) throws -> JSONValue {
        guard !ids.isEmpty else { throw Refusal.notFound(person.map { "no case has person_ref \($0)" } ?? "no case to export") }
        let at = now()
        var cases: [JSONValue] = []
        for id in ids {
            guard ULID.isValid(id) else { throw Refusal.notFound("no case with id \(id)") }
            let readers = try storage.auditRows(subject: id).map { row -> JSONValue in
                ["at": .string(row.at), "actor": .string(row.actor), "action": .string(row.action)]
            }
            let (document, history) = try storage.read { reader -> (JSONValue?, JSONValue?) in
                let key = RecordKey(.caseFile, id)
                return (try reader.documentText(key).flatMap { try? JSONValue.parse($0) }, RecordHistory.json(key, entries: try reader.entries(of: key)))
            }
            guard let document, let history else { throw Refusal.notFound("no case with id \(id)") }
            cases.append(["id": .string(id), "case": document, "journal": history["entries"] ?? .array([]),
                          "fields": history["fields"] ?? .array([]), "accesses": .array(readers)])
        }
        try storage.transaction { transaction in
            for id in ids {
                try AuditLog.append("case.arco_export", actor: actor, subject: id,
                                    detail: ["person_ref": person.map(JSONValue.string) ?? .null], at: at, in: transaction)
            }
        }
        return ["generated_at": .string(RFC3339.format(millis: at)), "generated_by": .string(actor),
                "person_ref": person.map(JSONValue.string) ?? .null, "cases": .array(cases)]
    }

    /// ARCO access for one case, or for every case of the woman's file.
    public func arcoExport(caseID: String?, person: String?, by actor: String) throws -> JSONValue {
        if let person {
            guard ULID.isValid(person) else { throw Refusal.notFound("no case has person_ref \(person)") }
            return try arcoExport(cases: try storage.cases(ofPerson: person), person: person, by: actor)
        }
        return try arcoExport(cases: caseID.map { [$0] } ?? [], person: nil, by: actor)
    }
}
