import EnlaceModel
import GRDB

/// A stored chain head (see `ChainHead` in EnlaceSync for the wire form).
public struct StoredHead: Sendable, Equatable {
    public let origin: String
    public let seq: UInt64
    public let hash: String
    public let signature: String

    public init(origin: String, seq: UInt64, hash: String, signature: String) {
        self.origin = origin
        self.seq = seq
        self.hash = hash
        self.signature = signature
    }
}

extension JournalTransaction {
    /// The public key pinned for an origin.
    public func pinnedKey(of origin: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT public_key FROM replica_keys WHERE origin = ?", arguments: [origin])
    }

    /// Pins an origin's public key (first contact); never replaces a pinned one.
    public func pinKey(_ publicKey: String, for origin: String, at time: String) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO replica_keys (origin, public_key, pinned_at) VALUES (?, ?, ?)",
                       arguments: [origin, publicKey, time])
    }

    /// Stores a verified chain head.
    public func recordHead(_ head: StoredHead) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO chain_heads (origin, seq, hash, signature) VALUES (?, ?, ?, ?)",
            arguments: [head.origin, Int64(head.seq), head.hash, head.signature])
    }
}

extension JournalReader {
    /// Every pinned key by origin.
    public func pinnedKeys() throws -> [String: String] {
        var keys: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, public_key FROM replica_keys") { keys[row["origin"]] = row["public_key"] }
        return keys
    }

    /// Every stored chain head.
    public func heads() throws -> [StoredHead] {
        try Row.fetchAll(db, sql: "SELECT * FROM chain_heads ORDER BY origin, seq").map {
            StoredHead(origin: $0["origin"], seq: UInt64($0["seq"] as Int64), hash: $0["hash"], signature: $0["signature"])
        }
    }
}

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

    /// Checks every stored chain head: its hash is the stored entry's, and its signature holds
    /// under the origin's pinned key.
    func verifyHeads(_ reader: JournalReader) throws -> [String] {
        let keys = try reader.pinnedKeys()
        var problems: [String] = []
        for head in try reader.heads() {
            guard let origin = NodeID(head.origin) else { problems.append("chain head of '\(head.origin)': not a node id"); continue }
            if let stored = try reader.entryHash(EntryID(origin: origin, seq: head.seq)), stored != head.hash {
                problems.append("chain head \(head.origin):\(head.seq): does not match the stored entry (altered)")
            }
            guard let key = keys[head.origin] else {
                problems.append("chain head \(head.origin):\(head.seq): no key pinned for \(head.origin)")
                continue
            }
            if !EntryChain.verifyHead(origin: origin, seq: head.seq, hash: head.hash, signature: head.signature, publicKey: key) {
                problems.append("chain head \(head.origin):\(head.seq): the signature does not verify (forged)")
            }
        }
        return problems
    }
}
