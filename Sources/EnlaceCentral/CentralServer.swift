import EnlaceModel
import EnlaceStore

/// The central server's operations: it is a replica like the nodes, applying every entry with
/// the same `ReplicaWriter`, plus credentials, the audit log and the change feed. Refusals are
/// `Refusal`s; the API layer turns them into statuses.
public struct CentralServer: Sendable {
    /// The central store (SQLite by default).
    public let storage: any CentralStore
    /// The central server's signing key (it signs its resolutions' chain).
    public let key: ReplicaKey
    /// The time, passed in (tests fix it).
    let now: @Sendable () -> Int64

    public init(storage: any CentralStore, key: ReplicaKey, now: @escaping @Sendable () -> Int64 = SystemClock.millis) {
        self.storage = storage
        self.key = key
        self.now = now
    }

    /// Registers a field node; returns its token (shown once). Audited.
    public func enroll(nodeID: NodeID, department: String, by actor: String) throws -> String {
        let token = Credentials.makeToken()
        let at = now()
        try storage.transaction { transaction in
            try transaction.addCredential(
                tokenHash: Credentials.hash(token),
                principal: Principal(kind: .node, subject: nodeID.rawValue, department: department, role: nil),
                createdAt: RFC3339.format(millis: at))
            try AuditLog.append("node.enroll", actor: actor, subject: nodeID.rawValue,
                                detail: ["department": .string(department)], at: at, in: transaction)
        }
        return token
    }

    /// Adds a central-office user; returns the token (shown once). Audited.
    public func addUser(name: String, role: Principal.Role, by actor: String) throws -> String {
        let token = Credentials.makeToken()
        let at = now()
        try storage.transaction { transaction in
            try transaction.addCredential(
                tokenHash: Credentials.hash(token),
                principal: Principal(kind: .user, subject: name, department: "CENTRAL", role: role),
                createdAt: RFC3339.format(millis: at))
            try AuditLog.append("user.add", actor: actor, subject: name, detail: ["role": .string(role.rawValue)], at: at, in: transaction)
        }
        return token
    }

    /// Revokes a node's or a user's credentials at once; their accepted entries stay valid
    /// history. Audited. Returns how many credentials were revoked (0: nothing to revoke).
    public func revoke(_ kind: Principal.Kind, subject: String, by actor: String) throws -> Int {
        let at = now()
        return try storage.transaction { transaction in
            let count = try transaction.revokeCredentials(kind: kind, subject: subject, at: RFC3339.format(millis: at))
            if count > 0 {
                try AuditLog.append("\(kind.rawValue).revoke", actor: actor, subject: subject, at: at, in: transaction)
            }
            return count
        }
    }

    /// A record's JSON for an office user; the read is audited (the law asks for access logs of
    /// sensitive data).
    public func read(_ key: RecordKey, by actor: String) throws -> String {
        try storage.transaction { transaction in
            guard let text = try transaction.documentText(key) else { throw Refusal.notFound("no \(key.type.rawValue) with id \(key.id)") }
            try AuditLog.append("\(key.type.rawValue).read", actor: actor, subject: key.id, at: now(), in: transaction)
            return text
        }
    }

    /// A record's history for an office user; audited like a read.
    public func history(_ key: RecordKey, by actor: String) throws -> JSONValue {
        try storage.transaction { transaction in
            guard let history = RecordHistory.json(key, entries: try transaction.entries(of: key)) else {
                throw Refusal.notFound("no \(key.type.rawValue) with id \(key.id)")
            }
            try AuditLog.append("\(key.type.rawValue).history", actor: actor, subject: key.id, at: now(), in: transaction)
            return history
        }
    }

    /// The central server's state for `GET /v1/status`.
    public func status() throws -> JSONValue {
        let storeID = try storage.storeID()
        return try storage.read { reader in
            let byDepartment = try reader.openConflictsByDepartment()
            return [
                "node_id": "central", "store_id": .string(storeID),
                "journal_entries": .int(Int64(try reader.entryCount())),
                "open_conflicts": .int(Int64(byDepartment.values.reduce(0, +))),
                "open_conflicts_by_department": .object(byDepartment.mapValues { .int(Int64($0)) }),
            ]
        }
    }
}
