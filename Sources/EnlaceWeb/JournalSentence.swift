import EnlaceModel

/// A journal entry as a sentence people read: "IMMujeres (maria.lopez) registró una atención:
/// Asesoría jurídica." — from the entry's history line (`RecordHistory`), never its ids.
public enum JournalSentence {
    /// The sentence for one history line of a record of `type`. `department` gives a writing
    /// node's department code (from the directory); the central server's entries are the office's.
    public static func describe(_ line: JSONValue, type: RecordType, department: (String) -> String?) -> String {
        let entry = line["entry"]?.stringValue ?? ""
        let node = String(entry.prefix { $0 != ":" && $0 != "~" })
        let author = line["author"]?.stringValue.map { " (\(displayAuthor($0)))" } ?? ""
        let who = node == "central" ? "La oficina central\(author)"
            : "\(department(node).map(DisplayVocabulary.departmentShort) ?? "El nodo \(node)")\(author)"
        let fields = line["fields"]?.arrayValue ?? []
        func value(_ path: String) -> JSONValue? { fields.first { $0["field"]?.stringValue == path }?["value"] }
        func paths(_ suffix: String) -> [String] {
            fields.compactMap { $0["field"]?.stringValue }.filter { $0.hasSuffix(suffix) && $0.split(separator: ".").count == 3 }
        }
        if type == .certification, value("standard_code") != nil {
            return "\(who) registró el certificado \(DisplayVocabulary.show(value("standard_code"), field: "standard_code", of: .certification))."
        }
        var parts: [String] = []
        // A case opened: its channel, then what was done with it at once; not each field.
        let opened = type == .caseFile && value("folio") != nil && value("origin_department") != nil
        if opened {
            parts.append("abrió el caso" + (value("intake_channel")?.stringValue.map { " (canal: \(DisplayVocabulary.value($0, in: .intakeChannel)))" } ?? ""))
        }
        for path in paths(".kind") where path.hasPrefix("attentions.") {
            parts.append("registró una atención: \(DisplayVocabulary.show(value(path), field: path))")
        }
        for path in paths(".to") where path.hasPrefix("referrals.") {
            let base = String(path.dropLast(3))
            let urgency = value(base + ".urgency").map { ", urgencia \(DisplayVocabulary.show($0, field: base + ".urgency").lowercased())" } ?? ""
            parts.append("canalizó el caso a \(DisplayVocabulary.show(value(path), field: path))\(urgency)")
        }
        let handled = Set(fields.compactMap { $0["field"]?.stringValue }.filter { path in
            let items = path.split(separator: ".")
            return items.count == 3 && ((items[0] == "attentions") || (items[0] == "referrals" && paths(".to").contains { $0.hasPrefix("referrals.\(items[1]).") }))
        })
        var changed: [String] = []
        for field in fields where !opened {
            guard let path = field["field"]?.stringValue, !handled.contains(path) else { continue }
            let label = DisplayVocabulary.fieldLabel(path, of: type)
            switch field["op"]?.stringValue {
            case "add": changed.append("agregó \(DisplayVocabulary.show(.array([field["value"] ?? .null]), field: path, of: type)) a «\(label)»")
            case "remove": changed.append("quitó \(DisplayVocabulary.show(.array([field["value"] ?? .null]), field: path, of: type)) de «\(label)»")
            default:
                if path.hasSuffix(".state"), path.hasPrefix("referrals.") {
                    changed.append("respondió una canalización: \(DisplayVocabulary.show(field["value"], field: path).lowercased())")
                } else if path == "lead_department" {
                    changed.append("nombró departamento líder a \(DisplayVocabulary.show(field["value"], field: path))")
                } else if let value = field["value"], DisplayVocabulary.spec(path, of: type).map(JournalSentence.isShort) == true {
                    // Short values (a level, yes/no, a date, a state) are said: what changed matters.
                    changed.append("cambió «\(label)» a \(DisplayVocabulary.show(value, field: path, of: type))")
                } else {
                    changed.append("cambió «\(label)»")
                }
            }
        }
        parts += changed
        guard !parts.isEmpty else { return "\(who) hizo un cambio." }
        let list = parts.count == 1 ? parts[0] : parts.dropLast().joined(separator: ", ") + " y " + parts.last!
        return "\(who) \(list)."
    }

    /// Whether a field's values are short enough to say in a sentence (not a name, a phone or a
    /// narrative, which stay on the page).
    static func isShort(_ spec: FieldSpec) -> Bool {
        switch spec.type {
        case .vocabulary, .set, .bool, .date, .integer: true
        default: false
        }
    }

    /// An author as people read it: an office user's name without the `@central` suffix.
    public static func displayAuthor(_ author: String) -> String {
        author.hasSuffix("@central") ? String(author.dropLast("@central".count)) : author
    }
}
