/// A node's checkpoint with its central server, stored in the same transactions as the data it
/// covers.
public struct SyncState: Sendable, Equatable {
    /// The central store this checkpoint belongs to; a different one resets it.
    public var centralStoreID: String?
    /// The highest own sequence number the central server has acknowledged.
    public var pushedSeq: UInt64
    /// The central feed position pulled through, and the entry at that position (to detect a
    /// restored or replaced central store).
    public var pullPosition: Int64
    /// `origin:seq` of the entry at `pullPosition`.
    public var pullEntry: String?
    /// The last successful round (RFC 3339).
    public var lastSyncAt: String?
    /// The last failed round's reason.
    public var lastError: String?
}

/// One page of the central server's change feed.
public struct FeedPage: Sendable {
    /// Entries as canonical JSON text, in feed order.
    public var entries: [String]
    /// The signed chain heads covering them.
    public var heads: [StoredHead]
    /// The position of the last entry returned (the next cursor).
    public var lastPosition: Int64
    /// `origin:seq` of that entry.
    public var lastEntry: String?
    /// Whether more entries follow.
    public var more: Bool
}
