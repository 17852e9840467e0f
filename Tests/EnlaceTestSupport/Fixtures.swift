import EnlaceModel
import EnlaceNode
import EnlaceStore
import Foundation

/// A field node over a fresh store in a temporary folder, with a fixed clock that advances.
public struct NodeFixture: Sendable {
    public let folder: TemporaryFolder
    public let store: JournalStore
    public let node: FieldNode

    public init(nodeID: String = "c4-01", department: String = "C4", central: String = "http://127.0.0.1:9") async throws {
        folder = try TemporaryFolder()
        store = try JournalStore(path: JournalStore.file(in: folder.path), create: true, keys: [ReplicaKey.generate()])
        try await store.initialize(ReplicaIdentity(
            nodeID: NodeID(nodeID)!, department: department, centralURL: central, token: "t",
            createdAt: "2026-11-29T00:00:00.000Z"))
        let ticks = Counter()
        node = try await FieldNode(
            store: store,
            now: { 1_764_400_000_000 + ticks.next() * 1000 },
            newID: { ULID.make(millis: UInt64(1_764_400_000_000 + ticks.next()), random: (UInt64.random(in: 0...UInt64.max), 1)) })
    }
}

/// A thread-safe counter.
public final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64 = 0
    public init() {}
    public func next() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
    /// The count so far.
    public var current: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}

/// A file of the repository, by its path from the top.
public func repositoryFile(_ path: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(path).path
}

/// The example roster shipped in `examples/`.
public func exampleRoster() throws -> String {
    try String(contentsOfFile: repositoryFile("examples/roster-ec0539.csv"), encoding: .utf8)
}

extension JournalStore {
    /// The store of a node's or central server's data folder, opened with its keys (kept in the
    /// data folder in tests).
    public static func opened(data: String) throws -> JournalStore {
        try JournalStore(path: JournalStore.file(in: data), keys: try KeyFolder.replicaKeys(explicit: nil, dataDirectory: data))
    }
}
