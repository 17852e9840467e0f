import ArgumentParser
import EnlaceModel
import EnlaceWeb

/// `enlace scope`: prints the table of which departments hold a case (docs/domain.md, "Who holds a case (need to know)").
struct ScopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scope",
        abstract: "Muestra qué departamentos tienen un caso (necesidad de saber): una regla por fila, como la decide el servidor central."
    )

    @Flag(help: "JSON en lugar de una tabla (claves y textos en inglés, para programas).")
    var json = false

    /// Each rule in Spanish: its name and the departments it brings in.
    static let spanish: [String: (name: String, departments: String)] = [
        "origin": ("origen", DisplayVocabulary.fieldLabel("origin_department")),
        "lead": ("líder", DisplayVocabulary.fieldLabel("lead_department")),
        "worked on it": ("trabajó en el caso", "el departamento de cada nodo que escribió en el caso (responder a una canalización dirigida "
            + "a él —solo su estado y la respuesta— no es trabajar en el caso)"),
        "referred": ("canalizado", "el destino de cada canalización a un departamento (IMMujeres, Salud, DIF, Procuraduría NNA) "
            + "que no fue rechazada; si ella no consiente compartir su información, solo las canalizaciones de urgencia inmediata"),
        "children": ("niñas y niños", "la Procuraduría NNA cuando entre los factores de riesgo hay niñas o niños presentes "
            + "(no aplica si ella no consiente compartir su información)"),
        "office": ("oficina", "la oficina central, siempre"),
    ]

    func run() throws {
        if json {
            print(JSONValue.array(CaseScope.rules.map { ["rule": .string($0.name), "departments": .string($0.departments)] }).canonicalText)
            return
        }
        print(TextTable(header: ["Regla", "Departamentos que tienen el caso"], rows: CaseScope.rules.map { rule in
            let words = ScopeCommand.spanish[rule.name]
            return [words?.name ?? rule.name, words?.departments ?? rule.departments]
        }).render())
        print("Un campo en conflicto cuenta con cada uno de sus valores. Las certificaciones llegan a todos los nodos.")
    }
}
