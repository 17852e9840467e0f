import EnlaceModel

/// A node's checkpoint with its central server, stored in the same transactions as the data it
/// covers.
public struct SyncState: Sendable, Equatable {
    /// The central store this checkpoint belongs to; a different one resets it.
    public var centralStoreID: String?
    /// The last own entry the central server has acknowledged (seq 0: none of that epoch).
    public var pushed: EntryID
    /// Where the node has pulled the central feed through (its entry there tells a restored or
    /// replaced central store).
    public var pullCursor: FeedCursor
    /// The last change of its department's scope the node has taken in (0: none).
    public var scopePosition: Int64 = 0
    /// Where the history of a case split across pages goes on (0: none is being received).
    public var scopeHistoryAfter: Int64 = 0
    /// The last successful round (RFC 3339).
    public var lastSyncAt: String?
    /// The last round tried, successful or not (RFC 3339).
    public var lastAttemptAt: String? = nil
    /// The last failed round's reason.
    public var lastError: String?
    /// How many of this node's entries the central server keeps quarantined.
    public var quarantined: Int
    /// The central server's clock minus this node's, as last measured (milliseconds).
    public var clockOffsetMillis: Int64
    /// The last recovery from a restore, if any.
    public var recovery: Recovery? = nil

    package init(centralStoreID: String?, pushed: EntryID, pullCursor: FeedCursor, scopePosition: Int64 = 0, scopeHistoryAfter: Int64 = 0,
                 lastSyncAt: String?, lastAttemptAt: String? = nil, lastError: String?, quarantined: Int, clockOffsetMillis: Int64,
                 recovery: Recovery? = nil) {
        self.centralStoreID = centralStoreID
        self.pushed = pushed
        self.pullCursor = pullCursor
        self.scopePosition = scopePosition
        self.scopeHistoryAfter = scopeHistoryAfter
        self.lastSyncAt = lastSyncAt
        self.lastAttemptAt = lastAttemptAt
        self.lastError = lastError
        self.quarantined = quarantined
        self.clockOffsetMillis = clockOffsetMillis
        self.recovery = recovery
    }
}

/// A node's last recovery from its own restore, for `enlace status` and the log.
public struct Recovery: Sendable, Equatable {
    /// When it began (RFC 3339).
    public var at: String
    /// The epoch the node left.
    public var fromEpoch: UInt32
    /// How many of its own edits that never left were re-made in the new epoch.
    public var remade: Int
    /// How many cases created in the gap took a new folio (the old one kept as `folio_alias`).
    public var renumbered: Int

    package init(at: String, fromEpoch: UInt32, remade: Int, renumbered: Int) {
        self.at = at
        self.fromEpoch = fromEpoch
        self.remade = remade
        self.renumbered = renumbered
    }
}
