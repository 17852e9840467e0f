import EnlaceModel
import EnlaceStore

extension FieldNode {
    static let caseReserved = [
        "attentions": "write attentions through POST /v1/cases/{id}/attentions",
        "referrals": "write referrals through POST /v1/cases/{id}/referrals",
        "conflicts": "conflicts are read-only here; the central office resolves them",
    ]

    /// Creates a case (`POST /v1/cases`). The node assigns the folio, and the id unless the body
    /// has one; a retry with the same id and body returns the stored case (`created` false).
    public func createCase(_ body: JSONValue, author: String) async throws -> (created: Bool, document: String) {
        guard case .object(var members) = body else { throw Refusal.malformed("expected a JSON object describing the case") }
        let id = try FieldNode.takeID(&members) ?? newID()
        for field in ["folio", "folio_alias"] where members[field] != nil {
            throw Refusal.malformed("\(field) is assigned by the node; leave it out", field: field)
        }
        if members["intake_channel"] == nil || members["intake_channel"] == .null {
            throw FieldNode.missing("intake_channel", spec: "intake_channel")
        }
        try requireOwnDepartment(&members, field: "origin_department")
        // A woman's first case opens her file: it takes the case's own id, so that a retried
        // creation assigns the same one. A later case names her file in `person_ref`.
        if members["person_ref"] == nil || members["person_ref"] == .null { members["person_ref"] = .string(id) }
        if members["status"] == nil { members["status"] = "abierto" }
        if members["risk_level"] == nil { members["risk_level"] = "sin_valorar" }
        if members["confidentiality"] == nil { members["confidentiality"] = "normal" }
        let patcher = MergePatch(schema: .caseFile, reserved: FieldNode.caseReserved)
        let operations = try patcher.refusingOperations(.object(members), current: nil)
        return try await create(RecordKey(.caseFile, id), operations, author: author) { transaction in
            let year = await RFC3339.year(millis: try now(in: transaction))
            let number = try await transaction.lastFolioNumber(node: identity.nodeID.rawValue.uppercased(), year: year) + 1
            return [.set(field: "folio", value: .string(Schema.folio(node: identity.nodeID, year: year, number: number)))]
        }
    }

    /// Creates a record with `operations` (and what `assigned` adds inside the transaction, e.g.
    /// the folio); when it exists, a retry of the same creation returns it (`created` false) and
    /// anything else is a 409.
    func create(
        _ key: RecordKey, _ operations: [FieldOperation], author: String,
        assigned: sending (any ReplicaTransaction) async throws -> [FieldOperation] = { _ in [] }
    ) async throws -> (created: Bool, document: String) {
        let written = try await commit(key, author: author) { [identity] transaction, state, _ in
            if let state {
                try await FieldNode.checkRetry(state: state, operations: operations, node: identity.nodeID, transaction: transaction)
                return []
            }
            return try await assigned(transaction) + operations
        }
        // A retry of a stored creation writes nothing.
        return (written.outcome != nil, try FieldNode.document(written, key).canonicalText)
    }

    /// `operations` with the time `field` (when the request left it out) set to the node's
    /// corrected clock as read inside the write.
    func stamp(_ operations: [FieldOperation], field: String?, in transaction: any ReplicaTransaction) async throws -> [FieldOperation] {
        guard let field else { return operations }
        let now = JSONValue.string(RFC3339.format(millis: try await now(in: transaction)))
        return operations.map { operation in
            if case .set(field, _, let prior) = operation { return .set(field: field, value: now, prior: prior) }
            return operation
        }
    }

    /// A retried creation must carry what the stored creation carried (the folio aside).
    static func checkRetry(state: RecordState, operations: [FieldOperation], node: NodeID, transaction: any ReplicaTransaction) async throws {
        let entries = try await transaction.entries(of: state.key)
        guard let creation = entries.first(where: { $0.id.origin == node }), entries.first?.id.origin == node else {
            throw Refusal.conflict("a \(state.key.type.rawValue) with id \(state.key.id) already exists")
        }
        let stored = Set(creation.operations.map(\.withoutPrior).filter { $0.field != "folio" || state.key.type != .caseFile })
        guard stored == Set(operations.map(\.withoutPrior)) else {
            throw Refusal.conflict("a \(state.key.type.rawValue) with id \(state.key.id) already exists with different content")
        }
    }

    /// Changes a case with JSON Merge Patch semantics (`PATCH /v1/cases/{id}`).
    public func patchCase(id: String, _ body: JSONValue, author: String) async throws -> String {
        try await patchRecord(RecordKey(.caseFile, id), body, author: author, reserved: FieldNode.caseReserved)
    }

    func patchRecord(_ key: RecordKey, _ body: JSONValue, author: String, reserved: [String: String]) async throws -> String {
        guard case .object(var members) = body else { throw Refusal.malformed("expected a JSON object with the fields to change") }
        if let given = members.removeValue(forKey: "id"), given != .string(key.id) {
            throw Refusal.conflict("id cannot change: it is \(key.id)", field: "id")
        }
        let patcher = MergePatch(schema: key.type.schema, reserved: reserved)
        let written = try await commit(key, author: author) { _, _, document in
            guard let document else { throw Refusal.notFound("no \(key.type.rawValue) with id \(key.id)") }
            return try patcher.refusingOperations(.object(members), current: document)
        }
        return try FieldNode.document(written, key).canonicalText
    }

    /// Records an attention (`POST /v1/cases/{id}/attentions`); attentions are immutable.
    public func addAttention(caseID: String, _ body: JSONValue, author: String) async throws -> (created: Bool, attention: JSONValue) {
        guard case .object(var members) = body else { throw Refusal.malformed("expected a JSON object describing the attention") }
        let attentionID = try FieldNode.takeID(&members) ?? newID()
        // Stamped in the write, with the clock it reads there: the value here only validates.
        let stamped = members["at"] == nil ? "attentions.\(attentionID).at" : nil
        if stamped != nil { members["at"] = .string(RFC3339.format(millis: clock())) }
        try requireOwnDepartment(&members, field: "department")
        if members["servant_id"] == nil { members["servant_id"] = .string(author) }
        if members["kind"] == nil || members["kind"] == .null {
            throw FieldNode.missing("kind", spec: "attentions.*.kind")
        }
        let key = RecordKey(.caseFile, caseID)
        let patcher = MergePatch(schema: .caseFile, pathPrefix: "attentions.\(attentionID).", specPrefix: "attentions.*.")
        let operations = try patcher.refusingOperations(.object(members), current: nil)
        var created = true
        let written = try await commit(key, author: author) { transaction, _, document in
            guard let document else { throw Refusal.notFound("no case with id \(caseID)") }
            let attentions = document["attentions"]?.arrayValue ?? []
            if let corrects = members["corrects"]?.stringValue, !attentions.contains(where: { $0["id"] == .string(corrects) }) {
                throw Refusal.invalid(ValidationError(.invalidValue, field: "corrects", expected: "the id of an attention of this case"))
            }
            if let existing = attentions.first(where: { $0["id"] == .string(attentionID) }) {
                let same = (try? patcher.operations(.object(members), current: existing))?.isEmpty == true
                guard same else { throw Refusal.conflict("attention \(attentionID) already exists with different content; attentions are immutable") }
                created = false
                return []
            }
            return try await stamp(operations, field: stamped, in: transaction)
        }
        return (created, try FieldNode.item("attentions", attentionID, of: key, in: FieldNode.document(written, key)))
    }

    /// Refers the case to another institution (`POST /v1/cases/{id}/referrals`).
    public func addReferral(caseID: String, _ body: JSONValue, author: String) async throws -> (created: Bool, referral: JSONValue) {
        guard case .object(var members) = body else { throw Refusal.malformed("expected a JSON object describing the referral") }
        let referralID = try FieldNode.takeID(&members) ?? newID()
        try requireOwnDepartment(&members, field: "from")
        let stamped = members["created_at"] == nil ? "referrals.\(referralID).created_at" : nil
        if stamped != nil { members["created_at"] = .string(RFC3339.format(millis: clock())) }
        if members["state"] == nil { members["state"] = "propuesta" }
        if members["urgency"] == nil { members["urgency"] = "ordinaria" }
        if members["to"] == nil || members["to"] == .null {
            throw FieldNode.missing("to", spec: "referrals.*.to")
        }
        let key = RecordKey(.caseFile, caseID)
        let patcher = MergePatch(schema: .caseFile, pathPrefix: "referrals.\(referralID).", specPrefix: "referrals.*.")
        let operations = try patcher.refusingOperations(.object(members), current: nil)
        var created = true
        let written = try await commit(key, author: author) { transaction, _, document in
            guard let document else { throw Refusal.notFound("no case with id \(caseID)") }
            if let existing = (document["referrals"]?.arrayValue ?? []).first(where: { $0["id"] == .string(referralID) }) {
                members["created_at"] = existing["created_at"]
                guard (try? patcher.operations(.object(members), current: existing).isEmpty) == true else {
                    throw Refusal.conflict("referral \(referralID) already exists with different content")
                }
                created = false
                return []
            }
            return try await stamp(operations, field: stamped, in: transaction)
        }
        return (created, try FieldNode.item("referrals", referralID, of: key, in: FieldNode.document(written, key)))
    }

    /// Changes a referral's reason, urgency or state (`PATCH /v1/cases/{id}/referrals/{rid}`).
    public func patchReferral(caseID: String, referralID: String, _ body: JSONValue, author: String) async throws -> JSONValue {
        guard case .object(var members) = body else { throw Refusal.malformed("expected a JSON object with the fields to change") }
        if let given = members.removeValue(forKey: "id"), given != .string(referralID) {
            throw Refusal.conflict("id cannot change: it is \(referralID)", field: "id")
        }
        let key = RecordKey(.caseFile, caseID)
        let patcher = MergePatch(schema: .caseFile, pathPrefix: "referrals.\(referralID).", specPrefix: "referrals.*.")
        let written = try await commit(key, author: author) { _, _, document in
            guard let document else { throw Refusal.notFound("no case with id \(caseID)") }
            guard let existing = (document["referrals"]?.arrayValue ?? []).first(where: { $0["id"] == .string(referralID) }) else {
                throw Refusal.notFound("case \(caseID) has no referral \(referralID)")
            }
            return try patcher.refusingOperations(.object(members), current: existing)
        }
        return try FieldNode.item("referrals", referralID, of: key, in: FieldNode.document(written, key))
    }

    /// The record a write left, or 404 when there is none.
    static func document(_ written: LocalWrite, _ key: RecordKey) throws -> JSONValue {
        guard let document = written.document else { throw Refusal.notFound("no \(key.type.rawValue) with id \(key.id)") }
        return document
    }

    /// A required field the request left out.
    static func missing(_ field: String, spec path: String, in schema: Schema = .caseFile) -> Refusal {
        .invalid(ValidationError(.missingField, field: field, expected: schema.spec(forPath: path)?.type.expectation ?? "a value"))
    }

    /// A department writes only as itself: `field` defaults to this node's department, and any
    /// other department is refused (403) — the central server refuses it too.
    func requireOwnDepartment(_ members: inout [String: JSONValue], field: String) throws {
        switch members[field] {
        case nil, .null?: members[field] = .string(identity.department)
        case .string(identity.department)?: break
        default:
            throw Refusal.forbidden("\(field): this node writes as \(identity.department) only", field: field)
        }
    }

    /// One item of a record's collection, as stored.
    static func item(_ collection: String, _ itemID: String, of key: RecordKey, in document: JSONValue) throws -> JSONValue {
        guard let item = (document[collection]?.arrayValue ?? []).first(where: { $0["id"] == .string(itemID) }) else {
            throw Refusal.notFound("\(key.type.rawValue) \(key.id) has no \(collection) item \(itemID)")
        }
        return item
    }

    /// One page of records (`GET /v1/cases`, `GET /v1/certifications`), as stored JSON texts.
    public func list(_ type: RecordType, after: String?, limit: Int) async throws -> Page<String> {
        try await store.read { try await $0.records(of: type, after: after, limit: limit) }
    }

    /// One page of conflicts (`GET /v1/conflicts`).
    public func conflicts(status: Conflict.Status, after: String?, limit: Int) async throws -> Page<StoredConflict> {
        try await store.read { try await $0.conflicts(ConflictFilter(status: status), after: after, limit: limit) }
    }
}

extension FieldOperation {
    /// The operation without its recorded prior value (for comparing requests).
    var withoutPrior: FieldOperation {
        if case .set(let field, let value, _) = self { return .set(field: field, value: value) }
        return self
    }
}
