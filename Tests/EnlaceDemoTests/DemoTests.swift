import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

@Suite("Demo", .serialized)
struct DemoTests {
    /// Runs `enlace demo ARGUMENTS`; returns its exit status and everything it printed.
    func demo(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EnlaceBinary.path)
        process.arguments = ["demo", "--roster", repositoryFile("examples/roster-ec0539.csv")] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("enlace demo runs the whole story on loopback, reports in Spanish and cleans up")
    func demoCleansUp() throws {
        let (status, output) = try demo([])
        #expect(status == 0, "\(output)")
        #expect(output.contains("Todo salió como se esperaba."))
        let folder = output.split(separator: "\n").first { $0.contains("demostración en") }.map { String($0.split(separator: " ").last!) }
        #expect(folder.map { !FileManager.default.fileExists(atPath: $0) } == true, "the temporary folder is removed")
    }

    /// The demo's report could say anything: this reads the stores it left behind.
    @Test("what the demo tells is what its stores hold: every journal verifies, the cases followed the women, SALUD and DIF hold what need to know allows")
    func demoStoresHoldTheStory() async throws {
        let folder = try TemporaryFolder()
        let data = folder.sub("demo")
        let (status, output) = try demo(["--data", data])
        #expect(status == 0, "\(output)")
        let names = ["central", "c4-01", "immujeres-01", "dif-01", "salud-01"]
        var stores: [String: JournalStore] = [:]
        for name in names {
            let verify = try EnlaceBinary.run(["journal", "verify", "--data", data + "/" + name])
            #expect(verify.status == 0, "\(name): \(verify.stderr)")
            stores[name] = try JournalStore.opened(data: data + "/" + name)
        }
        func documents(_ store: JournalStore, _ type: RecordType) async throws -> [String: JSONValue] {
            let page = try await store.read { try await $0.records(of: type, after: nil, limit: 1_000) }
            return Dictionary(uniqueKeysWithValues: try page.items.map { text in
                let value = try JSONValue.parse(text)
                return (value["id"]!.stringValue!, value)
            })
        }
        let central = try #require(stores["central"])
        let cases = try await documents(central, .caseFile)
        #expect(cases.count == 3)
        for name in names { #expect(try await documents(stores[name]!, .certification).count == 125, "\(name) holds the roster") }

        // The first woman's case: risk is the higher of IMMUJERES' and DIF's, no attention lost,
        // no contact as DIF asked, every conflict decided.
        let byName = Dictionary(uniqueKeysWithValues: cases.values.map { ($0["person"]?["full_name"]?.stringValue ?? "", $0) })
        let first = try #require(byName["María Guadalupe Torres"])
        #expect(first["risk_level"] == "alto" && first["attentions"]?.arrayValue?.count == 3)
        #expect(first["safe_contact"]?["no_contact"] == true)
        #expect(try await central.read { try await $0.conflicts(ConflictFilter(), after: nil, limit: 100) }.items.isEmpty)
        #expect(try await central.read { try await $0.conflicts(ConflictFilter(status: .resolved), after: nil, limit: 100) }.items.count >= 3)

        // Every holder holds the central copy of the first two (the story's last rounds were
        // theirs); SALUD holds no case at all, not even a key; DIF let the third go: no key, no
        // record, stubs only, while C4 and IMMUJERES still hold it.
        let third = try #require(byName["Laura Patricia Méndez"]?["id"]?.stringValue)
        for (id, reference) in cases {
            let key = RecordKey(.caseFile, id)
            for name in ["c4-01", "immujeres-01", "dif-01"] where id != third {
                let held = try await stores[name]!.read { try await $0.documentText(key) }.map(JSONValue.parse)
                #expect(held == reference, "\(name) holds \(id) as the central server does")
            }
            for name in ["c4-01", "immujeres-01"] where id == third {
                #expect(try await stores[name]!.read { try await $0.caseKey(id) } != nil)
                #expect(try await stores[name]!.read { try await $0.documentText(key) } != nil)
            }
        }
        #expect(try await documents(stores["salud-01"]!, .caseFile).isEmpty)
        #expect(try await stores["salud-01"]!.caseKeyCount() == 0)
        let dif = try #require(stores["dif-01"])
        #expect(try await dif.read { try await $0.caseKey(third) } == nil)
        #expect(try await dif.read { try await $0.documentText(RecordKey(.caseFile, third)) } == nil)
        #expect(try await dif.read { try await $0.entries(of: RecordKey(.caseFile, third)) }.isEmpty)
    }
}
