import EnlaceModel

/// Human-readable rendering of records for the terminal.
enum Render {
    /// A scalar as plain text (`-` for null).
    static func text(_ value: JSONValue?) -> String {
        switch value ?? .null {
        case .null: "-"
        case .string(let text): text
        case .array(let items): items.isEmpty ? "-" : items.map { text($0) }.joined(separator: ", ")
        case let other: other.canonicalText
        }
    }

    /// A record's fields, one per line, then its collections and open conflicts.
    static func record(_ document: JSONValue, type: RecordType) -> String {
        var lines: [String] = []
        let schema = type.schema
        var rows: [[String]] = [["id", text(document["id"])]]
        for spec in schema.fields where spec.collection == nil {
            rows.append([spec.path, text(MergePatch.lookup(document, spec.path))])
        }
        lines.append(TextTable(header: ["field", "value"], rows: rows).render())
        if type == .caseFile {
            let attentions = document["attentions"]?.arrayValue ?? []
            lines.append("\nattentions (\(attentions.count))")
            if !attentions.isEmpty {
                lines.append(TextTable(
                    header: ["at", "department", "kind", "servant", "note"],
                    rows: attentions.map { [text($0["at"]), text($0["department"]), text($0["kind"]), text($0["servant_id"]), text($0["note"])] }
                ).render(indent: "  "))
            }
            let referrals = document["referrals"]?.arrayValue ?? []
            lines.append("\nreferrals (\(referrals.count))")
            if !referrals.isEmpty {
                lines.append(TextTable(
                    header: ["id", "from", "to", "state", "urgency", "reason"],
                    rows: referrals.map { [text($0["id"]), text($0["from"]), text($0["to"]), text($0["state"]), text($0["urgency"]), text($0["reason"])] }
                ).render(indent: "  "))
            }
        }
        let conflicts = document["conflicts"]?.arrayValue ?? []
        lines.append("\nopen conflicts (\(conflicts.count))")
        for conflict in conflicts {
            let versions = (conflict["versions"]?.arrayValue ?? []).map { "\(text($0["value"])) [\(text($0["node_id"])) \(text($0["at"]))]" }
            lines.append("  \(text(conflict["field"])) (\(text(conflict["rule"]))): \(versions.joined(separator: " vs ")); shown: \(text(conflict["provisional_value"]))")
        }
        return lines.joined(separator: "\n")
    }

    /// ` (C4 2, DIF 1)` from a department → count object; empty when there are none.
    static func byDepartment(_ counts: JSONValue?) -> String {
        guard let members = counts?.objectValue, !members.isEmpty else { return "" }
        return " (" + members.keys.sorted().map { "\($0) \(text(members[$0]))" }.joined(separator: ", ") + ")"
    }

    /// A one-line-per-record table of a list page.
    static func list(_ page: JSONValue, type: RecordType) -> String {
        let items = page["items"]?.arrayValue ?? []
        let table: TextTable
        if type == .caseFile {
            table = TextTable(header: ["id", "folio", "status", "risk", "name", "conflicts"], rows: items.map {
                [text($0["id"]), text($0["folio"]), text($0["status"]), text($0["risk_level"]),
                 text($0["person"]?["full_name"]), String($0["conflicts"]?.arrayValue?.count ?? 0)]
            })
        } else {
            table = TextTable(header: ["id", "standard", "folio", "holder", "department", "valid until", "status"], rows: items.map {
                [text($0["id"]), text($0["standard_code"]), text($0["folio"]), text($0["holder_name"]), text($0["department"]),
                 text($0["valid_until"]), text($0["status"])]
            })
        }
        var output = table.render()
        if let next = page["next"]?.stringValue { output += "\n(more: --after \(next))" }
        return output
    }
}
