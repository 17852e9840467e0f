import EnlaceModel

/// Why the store refused or could not do something.
public enum StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A different entry already holds this (origin, seq).
    case conflictingEntry(EntryID)
    /// The data folder holds no initialised store.
    case notInitialized(String)
    /// `init` found a store already there.
    case alreadyInitialized(String)
    /// Stored data failed a check (verify).
    case corrupt(String)
    /// The data folder or its files cannot be used (permissions, a failing disk, a lock):
    /// nothing is damaged.
    case unavailable(String)
    /// The disk holding the store is full: nothing was written, and writes work again once
    /// space returns.
    case diskFull(String)
    /// A node or user that already has a live credential.
    case duplicateCredential(String)
    /// The data folder holds a journal of format v1.
    case formatV1(String)
    /// An entry that does not continue its origin's hash chain (altered, reordered, or missing
    /// its predecessor).
    case brokenChain(String)
    /// The store was opened without the private key that opens its vault.
    case locked(String)
    /// A later release wrote the store (its release, or a migration this build does not know):
    /// releases only go forward.
    case newerRelease(path: String, release: String)

    public var description: String {
        switch self {
        case .conflictingEntry(let id): "a different entry already exists at \(id): identities are never reused"
        case .notInitialized(let path): "no Enlace store at \(path): run `enlace node init` first"
        case .alreadyInitialized(let path): "an Enlace store already exists at \(path)"
        case .corrupt(let reason): "the store is damaged: \(reason)"
        case .unavailable(let reason), .diskFull(let reason): reason
        case .duplicateCredential(let reason): reason
        case .formatV1(let path):
            "\(path) holds a journal in format v1, which this version does not read (no deployment held v1 data): "
                + "move the folder aside and run `enlace node init` or `enlace central init` again (docs/JOURNAL-FORMAT.md)"
        case .brokenChain(let reason): reason
        case .newerRelease(let path, let release):
            "\(path) was written by Enlace \(release), newer than this \(SoftwareRelease.current): releases only go forward; "
                + "install \(release) or later (a copy made before the upgrade opens with this one)"
        case .locked(let path):
            "\(path) is encrypted and was opened without its private key (node.key or central.key): "
                + "name the key folder with --credentials or the credentials setting"
        }
    }
}
