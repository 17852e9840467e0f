import Crypto
import EnlaceModel

/// What a field node stores beyond a replica's journal: its checkpoint with the central server,
/// its enrollment, the central server's key it seals case keys to, what it relays after a
/// central restore and re-makes after its own, and the vault's wraps under its keys. The sync
/// engine (`SyncClient`) and the node's service (`FieldNode`) see a node's store only through
/// it; `JournalStore` (SQLite) implements it, and the contract tests run it.
public protocol NodeStore: ReplicaStore, ServantStore {
    // MARK: The checkpoint

    /// Where the node stands with its central server.
    func syncState() async throws -> SyncState
    /// Forgets the checkpoint: the central store `storeID` is another one (or nil: unknown).
    func resetCheckpoint(storeID: String?) async throws
    /// Records that the central server holds the node's own chain through `pushed`; entries it
    /// quarantined for a time too far ahead (`remake`) are re-made at `physicalMillis`.
    /// Returns how many were re-made.
    func recordPushed(through pushed: EntryID, storeID: String, quarantined: Int?, remake: [EntryID], physicalMillis: Int64) async throws -> Int
    /// Stores a verified pulled page with its heads, keys and scope changes, and moves the cursor.
    func applyPulled(_ entries: [ChainedEntry], heads: [StoredHead], next: FeedCursor, scope: PulledScope?, keys: CaseKeySet,
                     storeID: String) async throws -> AppendOutcome
    /// Records a round's end (`error` nil: it succeeded).
    func recordRound(at time: String, error: String?) async throws
    /// Keeps the central server's clock offset.
    func recordClockOffset(_ millis: Int64) async throws

    // MARK: The node's own chain

    /// The node's own entries after `pushed`, at most `limit`, in seq order.
    func ownEntries(after pushed: EntryID, limit: Int) async throws -> [ChainedEntry]
    /// How many own entries follow `pushed`.
    func pendingEntries(after pushed: EntryID) async throws -> Int
    /// The node's own chain's last entry and its hash.
    func ownHead() async throws -> (id: EntryID, hash: Hash256)?

    // MARK: Keys and enrollment

    /// The data and location keys of `ids` this node holds.
    func caseKeys(for ids: Set<String>) async throws -> CaseKeySet
    /// The central server's X25519 key, which case keys are sealed to.
    func centralAgreementKey() async throws -> [UInt8]?
    func setCentralAgreementKey(_ key: [UInt8]) async throws
    /// The anchor (the central server's signing key), at `node init`.
    func setAnchorKey(_ key: [UInt8]) async throws
    /// The enrollment token's secret, kept until the node's first contact binds its keys.
    func storeEnrollment(seed: [UInt8]) async throws
    func pendingEnrollment() async throws -> [UInt8]?
    func completeEnrollment(at time: String) async throws
    /// The vault opens with `key` too (before a key rotation switches to it).
    func wrapVault(to key: ReplicaKey) async throws
    /// Only `current` opens the vault (after a rotation).
    func retireVaultWraps(keeping current: ReplicaKey) async throws

    // MARK: Recovery

    /// Opens epoch `epoch` after the node found itself restored; sets aside its own entries the
    /// central server has not acknowledged. Returns how many.
    func beginEpoch(_ epoch: UInt32, at time: String) async throws -> Int
    /// How many set-aside entries wait to be adopted or re-made.
    func pendingReissues() async throws -> Int
    /// Adopts or re-makes the set-aside entries after a complete pull.
    func reissue(physicalMillis: Int64) async throws -> (remade: Int, renumbered: Int, adopted: Int)
    /// Whether the central store changed and chains are to be relayed to it.
    func relayPending() async throws -> Bool
    /// One batch of `replica`'s chain after `seq`, ending at a head the node holds.
    func relayBatch(of replica: ReplicaID, after seq: UInt64, limit: Int) async throws -> (entries: [ChainedEntry], head: StoredHead)?
    func relayDone() async throws
}

extension NodeStore {
    /// Records that the central server holds the node's own chain through `pushed`.
    public func recordPushed(through pushed: EntryID, storeID: String) async throws {
        _ = try await recordPushed(through: pushed, storeID: storeID, quarantined: nil, remake: [], physicalMillis: 0)
    }

    /// Stores a verified pulled page of an unscoped feed.
    public func applyPulled(_ entries: [ChainedEntry], heads: [StoredHead], next: FeedCursor, storeID: String) async throws -> AppendOutcome {
        try await applyPulled(entries, heads: heads, next: next, scope: nil, keys: CaseKeySet(), storeID: storeID)
    }
}
