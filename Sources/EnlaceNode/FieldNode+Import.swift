import EnlaceModel
import EnlaceStore

extension FieldNode {
    /// The roster columns, in the order of `examples/roster-ec0539.csv`.
    public static let rosterColumns = [
        "holder_name", "holder_employee_id", "department", "standard_code", "standard_title", "folio",
        "certifying_body", "issued_on", "valid_until", "status",
    ]
    /// Columns every roster must have.
    public static let requiredRosterColumns: Set<String> = ["holder_name", "standard_code", "folio"]

    /// Imports a certification roster (`POST /v1/certifications/import`, `enlace cert import`):
    /// every row is validated first; any bad row imports nothing and is reported with its line
    /// number and reason. All rows are stored in one transaction. A row whose certificate is
    /// already registered with the same standard, folio and other set-once values is left as it
    /// is (`unchanged`): importing the same roster again is a no-op, and changes made since (a
    /// revocation) stay; one registered with other set-once values is a bad row.
    public func importRoster(_ text: String, author: String) async throws -> JSONValue {
        let csv: RosterCSV
        do { csv = try RosterCSV(text) } catch { throw Refusal.malformed("the roster is not valid CSV: \(error)") }
        let unknown = csv.header.filter { !FieldNode.rosterColumns.contains($0) }
        if !unknown.isEmpty {
            throw Refusal.malformed("line 1: unknown column(s) \(unknown.joined(separator: ", ")); expected \(FieldNode.rosterColumns.joined(separator: ", "))")
        }
        let missing = FieldNode.requiredRosterColumns.subtracting(csv.header)
        if !missing.isEmpty { throw Refusal.malformed("line 1: missing column(s) \(missing.sorted().joined(separator: ", "))") }
        guard !csv.rows.isEmpty else { throw Refusal.malformed("the roster has a header but no rows") }

        var problems: [JSONValue] = []
        var unchanged = 0
        var planned: [(key: RecordKey, operations: [FieldOperation])] = []
        var seenFolios: [String: Int] = [:]
        let existing = try await existingCertificateFolios()
        for row in csv.rows {
            var members: [String: JSONValue] = [:]
            for (column, value) in row.cells where !value.isEmpty { members[column] = .string(value) }
            do {
                let operations = try certificationOperations(&members)
                let folio = "\(members["standard_code"]?.stringValue ?? "")/\(members["folio"]?.stringValue ?? "")"
                if let line = seenFolios[folio] {
                    throw Refusal.conflict("certificate \(folio) is already on line \(line) of this roster", field: "folio")
                }
                seenFolios[folio] = row.line
                if let document = existing[folio] {
                    // Registered already: what is set once must agree; what changed since (a
                    // revocation, a renewal) is the newer truth and stays.
                    let differing = operations.first { operation in
                        guard case .set(let field, let value, _) = operation,
                              Schema.certification.fields.first(where: { $0.path == field })?.rule == .writeOnce else { return false }
                        return document[field] != value
                    }
                    if let differing {
                        throw Refusal.conflict(
                            "certificate \(folio) is already registered as \(document["id"]?.stringValue ?? "?") with another \(differing.field)",
                            field: differing.field)
                    }
                    unchanged += 1
                    continue
                }
                planned.append((RecordKey(.certification, newID()), operations))
            } catch let error as Refusal {
                problems.append(["line": .int(Int64(row.line)), "field": error.field.map(JSONValue.string) ?? .null,
                                 "error": .string(error.description)])
            }
        }
        guard problems.isEmpty else {
            throw Refusal.invalidRows("\(problems.count) of \(csv.rows.count) rows are invalid; nothing was imported", rows: problems)
        }
        try await store.write { transaction in
            for plan in planned {
                try await ReplicaWriter.appendLocal(
                    origin: try transaction.ownReplica(), key: plan.key, operations: plan.operations, physicalMillis: try now(in: transaction), author: author, in: transaction)
            }
        }
        let ids = planned.map(\.key.id)
        return ["imported": .int(Int64(ids.count)), "unchanged": .int(Int64(unchanged)), "ids": .array(ids.map(JSONValue.string))]
    }

    /// Registered certificates by `standard_code/folio`.
    func existingCertificateFolios() async throws -> [String: JSONValue] {
        try await store.read { reader in
            var result: [String: JSONValue] = [:]
            var after: String?
            repeat {
                let page = try await reader.records(of: .certification, after: after, limit: 500)
                for text in page.items {
                    let document = try JSONValue.parse(text)
                    if let code = document["standard_code"]?.stringValue, let folio = document["folio"]?.stringValue {
                        result["\(code)/\(folio)"] = document
                    }
                }
                after = page.next
            } while after != nil
            return result
        }
    }
}
