/// One row of the central server's audit log.
public struct AuditRow: Sendable, Equatable {
    /// Its position (assigned when stored).
    public var position: Int64
    /// When (RFC 3339).
    public var at: String
    /// Who: an office user, a node, or `cli:<user>` for local administration.
    public var actor: String
    /// What: `node.enroll`, `node.revoke`, `user.add`, `user.revoke`, `conflict.resolve`, `case.read`, …
    public var action: String
    /// On what: a node id, a user name, a record or conflict id.
    public var subject: String
    /// Details (JSON text).
    public var detail: String
    /// The previous row's hash (64 zeros for the first).
    public var previousHash: String
    /// This row's hash.
    public var hash: String

    public init(position: Int64 = 0, at: String, actor: String, action: String, subject: String, detail: String,
                previousHash: String, hash: String) {
        self.position = position
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// What the office's audit log page filters on.
public struct AuditFilter: Sendable, Equatable {
    /// Who acted (exactly).
    public var actor: String?
    /// What was done: an action, or a family of them (`desk.signin` takes in its failures).
    public var action: String?
    /// From this instant on (RFC 3339, inclusive).
    public var from: String?
    /// Before this instant (RFC 3339, exclusive).
    public var until: String?

    public init(actor: String? = nil, action: String? = nil, from: String? = nil, until: String? = nil) {
        self.actor = actor
        self.action = action
        self.from = from
        self.until = until
    }
}
