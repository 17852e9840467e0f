#if canImport(Glibc)
import Glibc
#endif
import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// A node's data folder on a disk that fills up, against the real daemon.
@Suite("Disk faults", .serialized)
struct DiskFaultTests {
    @Test("a full disk: writes answer 507 and store nothing, reads go on, and writes work again once space returns",
          .enabled(if: SmallDisk.available, "mounting a tmpfs needs root"))
    func fullDisk() throws {
        let folder = try TemporaryFolder()
        let disk = try SmallDisk(at: folder.sub("data"), megabytes: 6)
        defer { disk.unmount() }
        let node = try RunningNode(folder: folder)
        try node.start()
        let first = try node.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": "Antes de llenarse el disco."])
        #expect(first.status == 201)

        disk.fill()
        // The WAL may still hold free pages: write until the disk refuses, never more than needed.
        let narrative = JSONValue.string(String(repeating: "Relato extenso. ", count: 600))
        var refused: (status: Int, json: JSONValue)?
        var stored: [String] = []
        for _ in 0..<200 where refused == nil {
            let answer = try node.request("POST", "/v1/cases", ["intake_channel": "telefonica", "summary": narrative])
            if answer.status == 201 { stored.append(answer.json["id"]!.stringValue!) } else { refused = answer }
        }
        #expect(refused?.status == 507, "\(String(describing: refused))")
        #expect(refused?.json["error"]?.stringValue?.contains("disk holding the store is full") == true)
        // Reads go on; everything acknowledged is there.
        #expect(try node.request("GET", "/v1/status").status == 200)
        for id in stored + [first.json["id"]!.stringValue!] {
            #expect(try node.request("GET", "/v1/cases/\(id)").status == 200)
        }

        disk.free()
        let after = try node.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": "Con espacio de nuevo."])
        #expect(after.status == 201, "\(after.json)")
        #expect(try node.request("GET", "/v1/cases/\(after.json["id"]!.stringValue!)").status == 200)
        let verify = try node.cli(["journal", "verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
    }
}

/// A damaged store file at start.
@Suite("Damaged store", .serialized)
struct DamagedStoreTests {
    @Test("a damaged journal.sqlite stops the daemon at start with a precise error and is left byte for byte as it was")
    func damagedFileIsReported() throws {
        let node = try RunningNode()
        try node.start()
        for index in 0..<40 {
            #expect(try node.request("POST", "/v1/cases", ["intake_channel": "presencial", "summary": .string("caso \(index)")]).status == 201)
        }
        node.daemon?.signal(SIGTERM)
        #expect(node.daemon?.waitForExit() != nil)
        // Closing the store folds its write-ahead log into the file: the damage below is all there is.
        #expect(try node.cli(["journal", "verify"]).status == 0)
        let file = node.data + "/journal.sqlite"
        #expect(((try? FileManager.default.attributesOfItem(atPath: file + "-wal")[.size] as? Int) ?? 0) == 0)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        // Pages 3 to 6 (4096 bytes each) overwritten: their b-tree headers no longer parse.
        for index in (2 * 4096)..<min(bytes.count, 6 * 4096) { bytes[index] = 0xff }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let damaged = try Data(contentsOf: URL(fileURLWithPath: file))

        let run = try node.cli(["node", "run"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("los datos están dañados") && run.stderr.contains("fails SQLite's check")
                    && run.stderr.contains("restore the folder from a backup"), "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == damaged)

        // Not a database at all: the same, before anything reads it.
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: file))
        let garbage = try node.cli(["node", "run"])
        #expect(garbage.status != 0)
        #expect(garbage.stderr.contains("los datos están dañados"), "\(garbage.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(repeating: 0x41, count: 8192))
    }
}
