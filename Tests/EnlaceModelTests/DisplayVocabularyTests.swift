import EnlaceModel
import EnlaceWeb
import Foundation
import Testing

/// Every word a person reads has a Spanish label: each field of both schemas, each value of
/// every vocabulary, each office role, merge rule and audit action the code writes.
@Suite("Display vocabulary")
struct DisplayVocabularyTests {
    @Test("every schema field has a Spanish label and an explanation; every vocabulary value a label of its own")
    func everyFieldAndValue() {
        for type in RecordType.allCases {
            for spec in type.schema.fields {
                let label = DisplayVocabulary.field(spec.path, of: type)
                #expect(label != nil, "\(type.rawValue).\(spec.path) has no label")
                #expect((label?.help.count ?? 0) > 10, "\(type.rawValue).\(spec.path) has no explanation")
                #expect(label?.label != spec.path)
                if let vocabulary = spec.type.vocabulary {
                    for value in vocabulary.values {
                        let shown = DisplayVocabulary.value(value, in: vocabulary)
                        #expect(shown != value || value == value.capitalized && !value.contains("_"),
                                "\(vocabulary.name).\(value) has no label")
                        #expect(!shown.contains("_"), "\(vocabulary.name).\(value) reads \(shown)")
                    }
                }
            }
            for collection in type.schema.collections {
                #expect(DisplayVocabulary.field(collection.name, of: type) != nil, "\(collection.name) has no label")
            }
        }
        // An item's field by its id, a set's element.
        #expect(DisplayVocabulary.fieldLabel("attentions.01JDQ90000000000000000000A.kind") == "Tipo de atención")
        #expect(DisplayVocabulary.fieldLabel("violence_types.fisica") == "Tipos de violencia: Física")
        #expect(DisplayVocabulary.show(.array(["fisica", "sexual"]), field: "violence_types") == "Física, Sexual")
        #expect(DisplayVocabulary.show(.bool(true), field: "safe_contact.no_contact") == "Sí")
        #expect(DisplayVocabulary.show("2026-12-07T13:21:51.821Z", field: "first_contact_at") == "7 dic 2026, 07:21:51")
        #expect(DisplayVocabulary.show("2029-06-30", field: "valid_until", of: .certification) == "30 jun 2029")
        #expect(DisplayVocabulary.department("PROCURADURIA_NNA") == "Procuraduría de Protección de Niñas, Niños y Adolescentes")
        #expect(DisplayVocabulary.standard("EC0539").hasPrefix("EC0539 — Atención presencial de primer contacto"))
    }

    @Test("every office role, merge rule and audit action the code writes has a label")
    func rolesRulesAndActions() throws {
        for rule in MergeRule.allCases { #expect(DisplayVocabulary.rule(rule.rawValue) != rule.rawValue, "\(rule.rawValue)") }
        for role in ["viewer", "resolver", "admin"] { #expect(DisplayVocabulary.role(role) != role) }
        // The actions are read from the sources, so a new one without a label fails here.
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/EnlaceCentral")
        var actions: Set<String> = []
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        while let file = enumerator?.nextObject() as? String {
            guard file.hasSuffix(".swift"), let text = try? String(contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)
            else { continue }
            for pattern in [#"AuditLog\.append\("([a-z_.]+)""#, #"action: "([a-z_.]+)""#] {
                let regex = try NSRegularExpression(pattern: pattern)
                for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    actions.insert(String(text[Range(match.range(at: 1), in: text)!]))
                }
            }
        }
        for type in ["case", "certification"] { actions.formUnion(["\(type).read", "\(type).history"]) }
        actions.formUnion(["node.revoke", "user.revoke"])
        #expect(actions.count > 20)
        for action in actions { #expect(DisplayVocabulary.auditAction(action) != "Acción registrada", "\(action) has no label") }
    }

    @Test("times read in León's clock, to the second")
    func leonTime() {
        #expect(LeonTime.format("2026-12-06T20:07:32.000Z") == "6 dic 2026, 14:07:32")
        #expect(LeonTime.format("2026-01-01T03:00:00.000Z") == "31 dic 2025, 21:00:00")
        #expect(LeonTime.formatDate("2030-06-30") == "30 jun 2030")
    }

    @Test("a journal entry reads as a sentence: who (department and servant), what was done, short values said, narratives named")
    func journalSentences() {
        let departments = ["c4-01": "C4", "imm-01": "IMMUJERES"]
        func line(_ entry: String, _ fields: [JSONValue], author: String? = "ana.c4") -> JSONValue {
            ["entry": .string(entry), "author": author.map(JSONValue.string) ?? .null, "fields": .array(fields)]
        }
        let risk = line("c4-01:2", [["field": "risk_level", "op": "set", "value": "alto"], ["field": "summary", "op": "set", "value": "Relato."]])
        #expect(JournalSentence.describe(risk, type: .caseFile, department: { departments[$0] })
                == "C4 (ana.c4) cambió «Nivel de riesgo» a Alto y cambió «Relato».")
        let added = line("imm-01:1", [["field": "violence_types", "op": "add", "value": "fisica"],
                                      ["field": "attentions.01JDQ90000000000000000000A.kind", "op": "set", "value": "asesoria_juridica"]],
                         author: "eva@central")
        #expect(JournalSentence.describe(added, type: .caseFile, department: { departments[$0] })
                == "IMMujeres (eva) registró una atención: Asesoría jurídica y agregó Física a «Tipos de violencia».")
        let office = line("central:3", [["field": "lead_department", "op": "set", "value": "DIF"]], author: "rosa@central")
        #expect(JournalSentence.describe(office, type: .caseFile, department: { departments[$0] }).hasPrefix("La oficina central (rosa) nombró departamento líder a"))
        let stranger = line("x-01:1", [], author: nil)
        #expect(JournalSentence.describe(stranger, type: .caseFile, department: { departments[$0] }) == "El nodo x-01 hizo un cambio.")
    }
}
