#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An exclusive lock on a data folder (`flock` on `DIR/enlace.lock`), held by the running
/// daemon so that a second daemon, or a rebuild, cannot touch its store at the same time.
public final class DataDirectoryLock: Sendable {
    private let descriptor: Int32
    /// The lock file.
    public let path: String

    /// Takes the lock, or returns nil when another process holds it.
    public init?(dataDirectory: String) throws {
        path = (dataDirectory as NSString).appendingPathComponent("enlace.lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError.unavailable("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
