import ArgumentParser
import EnlaceModel

/// `enlace scope`: prints the table of which departments hold a case (DOMAIN.md, "Need to know").
struct ScopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scope",
        abstract: "Print which departments hold a case: one rule per row, as the central server decides it."
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        if json {
            print(JSONValue.array(CaseScope.rules.map { ["rule": .string($0.name), "departments": .string($0.departments)] }).canonicalText)
            return
        }
        print(TextTable(header: ["rule", "departments in scope"], rows: CaseScope.rules.map { [$0.name, $0.departments] }).render())
        print("A field in conflict counts with every competing value. Certifications reach every node.")
    }
}
