/// A node's checkpoint with its central server, stored in the same transactions as the data it
/// covers.
public struct SyncState: Sendable, Equatable {
    /// The central store this checkpoint belongs to; a different one resets it.
    public var centralStoreID: String?
    /// The highest own sequence number the central server has acknowledged.
    public var pushedSeq: UInt64
    /// Where the node has pulled the central feed through (its entry there tells a restored or
    /// replaced central store).
    public var pullCursor: FeedCursor
    /// The last successful round (RFC 3339).
    public var lastSyncAt: String?
    /// The last failed round's reason.
    public var lastError: String?
}
