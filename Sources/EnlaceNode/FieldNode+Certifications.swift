import EnlaceModel
import EnlaceStore

extension FieldNode {
    static let certificationReserved = ["conflicts": "conflicts are read-only here; the central office resolves them"]

    /// Registers a certification (`POST /v1/certifications`).
    public func createCertification(_ body: JSONValue, author: String) async throws -> (created: Bool, document: String) {
        guard case .object(var members) = body else { throw Refusal.malformed("expected a JSON object describing the certification") }
        let id = try FieldNode.takeID(&members) ?? newID()
        return try await create(RecordKey(.certification, id), try certificationOperations(&members), author: author)
    }

    /// Validates a new certification's fields (defaults filled in) into operations.
    func certificationOperations(_ members: inout [String: JSONValue]) throws -> [FieldOperation] {
        for field in ["standard_code", "folio", "holder_name"] where members[field] == nil || members[field] == .null {
            throw FieldNode.missing(field, spec: field, in: .certification)
        }
        if members["department"] == nil { members["department"] = .string(identity.department) }
        if members["status"] == nil { members["status"] = "vigente" }
        return try MergePatch(schema: .certification, reserved: FieldNode.certificationReserved)
            .refusingOperations(.object(members), current: nil)
    }

    /// Changes a certification (`PATCH /v1/certifications/{id}`); `status: revocada` revokes it.
    public func patchCertification(id: String, _ body: JSONValue, author: String) async throws -> String {
        try await patchRecord(RecordKey(.certification, id), body, author: author, reserved: FieldNode.certificationReserved)
    }
}
