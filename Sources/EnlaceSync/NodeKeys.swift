#if canImport(Glibc)
import Glibc
#endif
import EnlaceStore
import Foundation
import Synchronization

/// A node's keys as the sync engine uses them: the current one, and a next one waiting for the
/// central server to accept the rotation (`enlace node rotate-key`). Backed by `node.key` and
/// `node.key.next` in the node's key folder (`KeyFolder`), or held in memory (tests).
public final class NodeKeys: Sendable {
    private let state: Mutex<(current: ReplicaKey, next: ReplicaKey?)>
    private let folder: String?

    /// Keys held in memory.
    public init(current: ReplicaKey, next: ReplicaKey? = nil) {
        state = Mutex((current, next))
        folder = nil
    }

    /// The keys in a key folder: `node.key`, and `node.key.next` when a rotation waits.
    public init(folder dataDirectory: String) throws {
        let next = NodeKeys.nextFile(in: dataDirectory)
        state = Mutex((try ReplicaKey.load(from: ReplicaKey.file(in: dataDirectory, name: "node")),
                       FileManager.default.fileExists(atPath: next) ? try ReplicaKey.load(from: next) : nil))
        folder = dataDirectory
    }

    /// The file of a key waiting to replace `node.key`.
    public static func nextFile(in dataDirectory: String) -> String { ReplicaKey.file(in: dataDirectory, name: "node") + ".next" }

    /// The key that signs requests and batches now.
    public var current: ReplicaKey { state.withLock { $0.current } }
    /// The key waiting to replace it, if a rotation was asked for.
    public var next: ReplicaKey? { state.withLock { $0.next } }

    /// The central server accepted the rotation: the next key becomes the current one (on disk,
    /// `node.key.next` replaces `node.key`, whose old key is erased).
    public func rotated() throws {
        try state.withLock { keys in
            guard let next = keys.next else { return }
            if let folder {
                let current = ReplicaKey.file(in: folder, name: "node")
                guard rename(NodeKeys.nextFile(in: folder), current) == 0 else {
                    throw KeyError("cannot move the new key into place at \(current): \(String(cString: strerror(errno)))")
                }
            }
            keys = (next, nil)
        }
    }
}
