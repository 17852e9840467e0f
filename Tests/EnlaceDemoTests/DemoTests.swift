import EnlaceTestSupport
import Foundation
import Testing

@Suite("Demo", .serialized)
struct DemoTests {
    @Test("enlace demo runs the whole story on loopback, reports in Spanish and cleans up")
    func demo() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EnlaceBinary.path)
        process.arguments = ["demo", "--roster", root.appendingPathComponent("examples/roster-ec0539.csv").path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("Todo salió como se esperaba."))
        #expect(output.contains("125 importadas"))
        let folder = output.split(separator: "\n").first { $0.contains("demostración en") }.map { String($0.split(separator: " ").last!) }
        #expect(folder.map { !FileManager.default.fileExists(atPath: $0) } == true, "the temporary folder is removed")
    }
}
