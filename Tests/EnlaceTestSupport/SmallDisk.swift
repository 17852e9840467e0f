#if canImport(Glibc)
import Glibc
#endif
import EnlaceDemo
import Foundation

/// A small tmpfs mounted on a folder: a disk that can be filled, for full-disk drills. Mounting
/// needs root (as CI runs); `available` says whether this machine lets the tests mount one.
public final class SmallDisk {
    public let path: String
    private var mounted = false

    /// Mounts a tmpfs of `megabytes` on `path` (created when missing).
    public init(at path: String, megabytes: Int) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let result = try runCapturing("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0750", "tmpfs", path])
        guard result.status == 0 else { throw CLIFailure(message: "mount tmpfs on \(path): \(result.stderr)") }
        mounted = true
    }

    /// Whether a tmpfs can be mounted here (root, and a kernel that allows it).
    public static let available: Bool = {
        guard getuid() == 0, let folder = try? TemporaryFolder(), let disk = try? SmallDisk(at: folder.sub("probe"), megabytes: 1) else { return false }
        disk.unmount()
        return true
    }()

    /// Fills the disk with a file until no byte more fits; returns the file's path.
    @discardableResult
    public func fill() -> String {
        let file = (path as NSString).appendingPathComponent("filler")
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { return file }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0x5a, count: 4096)
        while chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        // What is left below a chunk, byte by byte.
        while chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, 1) }) > 0 {}
        return file
    }

    /// Frees what `fill` took.
    public func free() {
        try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent("filler"))
    }

    public func unmount() {
        guard mounted else { return }
        _ = try? runCapturing("/bin/umount", ["-l", path])
        mounted = false
    }

    deinit { unmount() }
}
