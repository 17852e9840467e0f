import EnlaceStore

/// The store implementations the contract tests run against.
public struct StoreKind: Sendable, CustomStringConvertible {
    public let description: String
    private let factory: @Sendable (TemporaryFolder) throws -> any ReplicaStore
    private let folder: @Sendable () throws -> TemporaryFolder

    /// A fresh, empty store of this kind (its folder lives as long as the store is used).
    public func make() throws -> any ReplicaStore {
        let folder = try self.folder()
        return StoreInFolder(store: try factory(folder), folder: folder)
    }

    /// Every implementation available here.
    public static let all: [StoreKind] = [
        StoreKind(description: "sqlite", factory: { folder in try JournalStore(path: folder.sub("journal.sqlite"), create: true, keys: [ReplicaKey.generate()]) },
                  folder: { try TemporaryFolder() }),
    ]
}

/// A store that keeps its temporary folder alive.
public struct StoreInFolder: ReplicaStore {
    public let store: any ReplicaStore
    let folder: TemporaryFolder

    public func write<T>(_ body: (any ReplicaTransaction) throws -> T) throws -> T { try store.write(body) }
    public func read<T>(_ body: (any JournalReading & KeyReading) throws -> T) throws -> T { try store.read(body) }
    public func verify() throws -> VerifyReport { try store.verify() }
    public func rebuild() throws -> RebuildReport { try store.rebuild() }
}
