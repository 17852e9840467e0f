import EnlaceModel

/// The readable Spanish document of an ARCO access export (the JSON of
/// `CentralServer.arcoExport`), for the woman and the office staff who answer her request.
public enum ArcoDocument {
    public static func text(_ export: JSONValue) -> String {
        var lines = ["Derecho de acceso (ARCO): información que el municipio tiene sobre usted", ""]
        lines.append("Generado el \(export["generated_at"]?.stringValue ?? "?") por \(export["generated_by"]?.stringValue ?? "?").")
        if let person = export["person_ref"]?.stringValue { lines.append("Expediente de la persona: \(person).") }
        let cases = export["cases"]?.arrayValue ?? []
        lines.append("Casos incluidos: \(cases.count).")
        for item in cases {
            let record = item["case"] ?? .null
            lines += ["", "Caso \(record["folio"]?.stringValue ?? "?") (identificador \(item["id"]?.stringValue ?? "?"))",
                      String(repeating: "-", count: 40)]
            lines.append("Datos registrados:")
            for (path, value) in flatten(record, skipping: ["attentions", "referrals", "conflicts", "id"]) {
                lines.append("  • \(path): \(show(value))")
            }
            let attentions = record["attentions"]?.arrayValue ?? []
            lines.append("Atenciones (\(attentions.count)):")
            for attention in attentions {
                lines.append("  • \(attention["at"]?.stringValue ?? "?") — \(attention["department"]?.stringValue ?? "?"), "
                    + "\(attention["kind"]?.stringValue ?? "?")" + (attention["note"]?.stringValue.map { ": \($0)" } ?? ""))
            }
            let referrals = record["referrals"]?.arrayValue ?? []
            lines.append("Canalizaciones (\(referrals.count)):")
            for referral in referrals {
                lines.append("  • de \(referral["from"]?.stringValue ?? "?") a \(referral["to"]?.stringValue ?? "?"), "
                    + "estado \(referral["state"]?.stringValue ?? "?"), urgencia \(referral["urgency"]?.stringValue ?? "?")"
                    + (referral["reason"]?.stringValue.map { ": \($0)" } ?? ""))
            }
            let conflicts = record["conflicts"]?.arrayValue ?? []
            if !conflicts.isEmpty {
                lines.append("Datos con versiones distintas pendientes de revisión: "
                    + conflicts.compactMap { $0["field"]?.stringValue }.joined(separator: ", ") + ".")
            }
            let journal = item["journal"]?.arrayValue ?? []
            lines.append("Historial de cambios (\(journal.count) registros del diario):")
            for entry in journal {
                let changes = (entry["fields"]?.arrayValue ?? []).map { operation -> String in
                    let verb = operation["op"] == "add" ? " + " : operation["op"] == "remove" ? " − " : " = "
                    return "\(operation["field"]?.stringValue ?? "?")\(verb)\(show(operation["value"] ?? .null))"
                }
                lines.append("  • \(entry["at"]?.stringValue ?? "?") — entrada \(entry["entry"]?.stringValue ?? "?"), "
                    + "autor \(entry["author"]?.stringValue ?? "sin registrar"): " + changes.joined(separator: "; "))
            }
            let accesses = item["accesses"]?.arrayValue ?? []
            lines.append("Consultas registradas (\(accesses.count)):")
            for access in accesses {
                lines.append("  • \(access["at"]?.stringValue ?? "?") — \(access["actor"]?.stringValue ?? "?"): \(access["action"]?.stringValue ?? "?")")
            }
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// Non-empty leaf values by dotted path, in path order.
    static func flatten(_ value: JSONValue, prefix: String = "", skipping: Set<String> = []) -> [(String, JSONValue)] {
        guard case .object(let members) = value else { return value == .null ? [] : [(prefix, value)] }
        return members.keys.sorted().filter { !skipping.contains($0) }.flatMap { key in
            flatten(members[key]!, prefix: prefix.isEmpty ? key : prefix + "." + key)
        }
    }

    static func show(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "sí" : "no"
        case .array(let items): items.isEmpty ? "—" : items.map(show).joined(separator: ", ")
        case .null: "—"
        default: value.canonicalText
        }
    }
}
