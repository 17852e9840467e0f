import EnlaceModel
import GRDB

extension JournalStore {
    /// Pins keys learned from the central server; refuses one that differs from a pinned key.
    public func pinKeys(_ keys: [String: String], at time: String) throws {
        try write { transaction in
            for (origin, key) in keys.sorted(by: { $0.key < $1.key }) {
                if let pinned = try transaction.pinnedKey(of: origin), pinned != key {
                    throw StoreError.brokenChain("the central server offers another key for \(origin) than the one pinned here")
                }
                try transaction.pinKey(key, for: origin, at: time)
            }
        }
    }

    /// Every pinned key by origin.
    public func pinnedKeys() throws -> [String: String] { try read { try $0.pinnedKeys() } }
}
