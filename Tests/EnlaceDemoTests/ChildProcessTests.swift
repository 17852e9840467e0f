#if canImport(Glibc)
import Glibc
#endif
import EnlaceDemo
import EnlaceTestSupport
import Foundation
import Testing

@Suite("Child processes")
struct ChildProcessTests {
    @Test("a child inherits nothing of this process but its standard streams: a pipe another thread reads is not kept open by it")
    func inheritsOnlyStandardStreams() throws {
        let folder = try TemporaryFolder()
        // A pipe opened here without close-on-exec, as Foundation opens a command's output.
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        let log = folder.sub("fds.log")
        let child = try ChildProcess("/bin/sh", ["-c", "ls /proc/$$/fd"], name: "fds", log: log)
        #expect(child.waitForExit() == 0)
        let open = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(!open.contains(ends[0]) && !open.contains(ends[1]), "the child holds this process's pipe: \(open)")
        #expect(open.contains(0) && open.contains(1) && open.contains(2))
    }
}
