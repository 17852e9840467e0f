import EnlaceModel
import EnlaceWeb

/// Records for the terminal, as people read them: fields by their Spanish label, vocabulary
/// values by theirs, times in León's clock.
enum Render {
    /// A scalar as plain text ("—" for null); no vocabulary applied.
    static func text(_ value: JSONValue?) -> String {
        switch value ?? .null {
        case .null: "—"
        case .string(let text): text
        case .array(let items): items.isEmpty ? "—" : items.map { text($0) }.joined(separator: ", ")
        case let other: other.canonicalText
        }
    }

    /// An RFC 3339 time in León's clock ("6 dic 2026, 14:07:32"); "—" for null.
    static func time(_ value: JSONValue?) -> String {
        time(value?.stringValue)
    }

    /// An RFC 3339 time in León's words, or a dash.
    static func time(_ text: String?) -> String {
        guard let text else { return "—" }
        return LeonTime.format(text)
    }

    /// What a record type is called in a sentence.
    static func typeName(_ type: RecordType) -> String {
        type == .caseFile ? "caso" : "certificación"
    }

    /// The record type of an API's `record_type` ("case", "certification").
    static func recordType(_ value: JSONValue?) -> RecordType {
        value?.stringValue.flatMap(RecordType.init(rawValue:)) ?? .caseFile
    }

    /// A field's label (`attentions.<id>.kind` reads as its schema field).
    static func label(_ path: String, type: RecordType) -> String {
        DisplayVocabulary.fieldLabel(Wording.schemaPath(path, type: type), of: type)
    }

    /// A field's value as people read it: vocabulary values and sets by their labels, yes/no,
    /// dates and times in León's calendar, "—" for nothing.
    static func shown(_ value: JSONValue?, path: String, type: RecordType) -> String {
        let schemaPath = Wording.schemaPath(path, type: type)
        let spec = type.schema.spec(forPath: schemaPath)
        if let text = value?.stringValue {
            switch spec?.type {
            case .timestamp?: return LeonTime.format(text)
            case .date?: return LeonTime.formatDate(text)
            case .set(let vocabulary)?: return DisplayVocabulary.value(text, in: vocabulary)  // one element added or removed
            default: break
            }
        }
        return DisplayVocabulary.show(value, field: schemaPath, of: type)
    }

    /// A department by its short name (C4, IMMujeres, DIF…).
    static func department(_ value: JSONValue?) -> String {
        value?.stringValue.map(DisplayVocabulary.departmentShort) ?? "—"
    }

    /// A record's fields, one per line, then its collections and open conflicts.
    static func record(_ document: JSONValue, type: RecordType) -> String {
        var lines: [String] = []
        let schema = type.schema
        var rows: [[String]] = [["Identificador", text(document["id"])]]
        for spec in schema.fields where spec.collection == nil {
            rows.append([label(spec.path, type: type), shown(MergePatch.lookup(document, spec.path), path: spec.path, type: type)])
        }
        lines.append(TextTable(header: ["Campo", "Valor"], rows: rows).render())
        if type == .caseFile {
            let attentions = document["attentions"]?.arrayValue ?? []
            lines.append("\n\(label("attentions", type: type)) (\(attentions.count))")
            if !attentions.isEmpty {
                let columns = ["at", "department", "kind", "servant_id", "note"]
                lines.append(TextTable(
                    header: columns.map { label("attentions.*.\($0)", type: type) },
                    rows: attentions.map { attention -> [String] in
                        columns.map { column -> String in
                            column == "department" ? department(attention[column])
                                : shown(attention[column], path: "attentions.*.\(column)", type: type)
                        }
                    }
                ).render(indent: "  "))
            }
            let referrals = document["referrals"]?.arrayValue ?? []
            lines.append("\n\(label("referrals", type: type)) (\(referrals.count))")
            if !referrals.isEmpty {
                let columns = ["from", "to", "state", "urgency", "reason", "state_note"]
                lines.append(TextTable(
                    header: ["Identificador"] + columns.map { label("referrals.*.\($0)", type: type) },
                    rows: referrals.map { referral -> [String] in
                        [text(referral["id"])] + columns.map { column -> String in
                            column == "from" ? department(referral[column])
                                : shown(referral[column], path: "referrals.*.\(column)", type: type)
                        }
                    }
                ).render(indent: "  "))
            }
        }
        let conflicts = document["conflicts"]?.arrayValue ?? []
        lines.append("\nConflictos abiertos (\(conflicts.count))")
        for conflict in conflicts {
            lines.append("  " + conflictLine(conflict, type: type))
        }
        return lines.joined(separator: "\n")
    }

    /// One open conflict in a sentence: the field, its rule, the versions and what is shown.
    static func conflictLine(_ conflict: JSONValue, type: RecordType) -> String {
        let field = conflict["field"]?.stringValue ?? ""
        let versions = (conflict["versions"]?.arrayValue ?? []).map { version(in: $0, field: field, type: type) }
        return "\(label(field, type: type)) (regla: \(DisplayVocabulary.rule(conflict["rule"]?.stringValue ?? ""))): "
            + versions.joined(separator: " frente a ") + "; se muestra «\(shown(conflict["provisional_value"], path: field, type: type))»"
    }

    /// A conflict's version: «value» (author en node, time).
    static func version(in version: JSONValue, field: String, type: RecordType) -> String {
        let author = version["author"]?.stringValue.map { "\($0) en " } ?? ""
        return "«\(shown(version["value"], path: field, type: type))» (\(author)\(text(version["node_id"])), \(time(version["at"])))"
    }

    /// ` (C4 2, DIF 1)` from a department → count object; empty when there are none.
    static func byDepartment(_ counts: [String: Int]) -> String {
        byDepartment(JSONValue.object(counts.mapValues { .int(Int64($0)) }))
    }

    static func byDepartment(_ counts: JSONValue?) -> String {
        guard let members = counts?.objectValue, !members.isEmpty else { return "" }
        return " (" + members.keys.sorted().map { "\(DisplayVocabulary.departmentShort($0)) \(text(members[$0]))" }.joined(separator: ", ") + ")"
    }

    /// A one-line-per-record table of a list page.
    static func list(_ page: JSONValue, type: RecordType) -> String {
        let items = page["items"]?.arrayValue ?? []
        let table: TextTable
        if type == .caseFile {
            let columns = ["folio", "status", "risk_level", "person.full_name"]
            table = TextTable(header: ["Identificador"] + columns.map { label($0, type: type) } + ["Conflictos"], rows: items.map { item -> [String] in
                [text(item["id"])] + columns.map { column -> String in shown(MergePatch.lookup(item, column), path: column, type: type) }
                    + [String(item["conflicts"]?.arrayValue?.count ?? 0)]
            })
        } else {
            table = TextTable(header: ["Identificador", "Estándar", "Folio", "Nombre", "Departamento", "Vigente hasta", "Estado"], rows: items.map { item -> [String] in
                [text(item["id"]), text(item["standard_code"]), text(item["folio"]), text(item["holder_name"]), department(item["department"]),
                 shown(item["valid_until"], path: "valid_until", type: type), shown(item["status"], path: "status", type: type)]
            })
        }
        var output = items.isEmpty ? (type == .caseFile ? "No hay casos en este nodo." : "No hay certificaciones en este nodo.") : table.render()
        if let next = page["next"]?.stringValue { output += "\n(hay más: --after \(next))" }
        return output
    }
}
