import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceSync
import Foundation

/// The central server's store operations: it is a replica like the nodes, applying every entry
/// with the same merge core, plus credentials and the change feed.
public struct CentralServer: Sendable {
    /// The central store (SQLite by default).
    public let storage: any CentralStorage
    /// The central server's signing key (it signs its resolutions' chain).
    public let key: ReplicaKey

    public init(storage: any CentralStorage, key: ReplicaKey) {
        self.storage = storage
        self.key = key
    }

    /// Creates a central store in `dataDirectory`.
    public static func initialize(dataDirectory: String, now: Int64) throws -> CentralServer {
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let path = JournalStore.file(in: dataDirectory)
        if FileManager.default.fileExists(atPath: path) { throw StoreError.alreadyInitialized(dataDirectory) }
        // The key first: an existing key file stops the init before anything is written.
        let key = try ReplicaKey.create(at: ReplicaKey.file(in: dataDirectory, name: "central"))
        let store = try JournalStore(path: path, create: true)
        try store.initialize(ReplicaIdentity(
            nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: RFC3339.format(millis: now)))
        try store.setStoreID(Credentials.makeToken().dropFirst(4).prefix(32).description)
        chmod(path, 0o600)
        try store.pinKeys([NodeID.central.rawValue: key.publicKey], at: RFC3339.format(millis: now))
        return CentralServer(storage: store, key: key)
    }

    /// Opens the central store in `dataDirectory`.
    public static func open(dataDirectory: String) throws -> CentralServer {
        let store = try JournalStore(path: JournalStore.file(in: dataDirectory))
        guard try store.storeID() != nil, try store.identity().nodeID == .central else {
            throw StoreError.notInitialized("\(dataDirectory) (not a central store: run `enlace central init`)")
        }
        return CentralServer(storage: store, key: try ReplicaKey.load(from: ReplicaKey.file(in: dataDirectory, name: "central")))
    }

    /// Registers a field node; returns its token (shown once). Audited.
    public func enroll(nodeID: NodeID, department: String, by actor: String, now: Int64) throws -> String {
        let token = Credentials.makeToken()
        try storage.transaction { transaction in
            try transaction.addCredential(
                tokenHash: Credentials.hash(token),
                principal: Principal(kind: .node, subject: nodeID.rawValue, department: department, role: nil),
                createdAt: RFC3339.format(millis: now))
            try AuditLog.append("node.enroll", actor: actor, subject: nodeID.rawValue,
                                detail: ["department": .string(department)], at: now, in: transaction)
        }
        return token
    }

    /// Adds a central-office user; returns the token (shown once). Audited.
    public func addUser(name: String, role: Principal.Role, by actor: String, now: Int64) throws -> String {
        let token = Credentials.makeToken()
        try storage.transaction { transaction in
            try transaction.addCredential(
                tokenHash: Credentials.hash(token),
                principal: Principal(kind: .user, subject: name, department: "CENTRAL", role: role),
                createdAt: RFC3339.format(millis: now))
            try AuditLog.append("user.add", actor: actor, subject: name, detail: ["role": .string(role.rawValue)], at: now, in: transaction)
        }
        return token
    }

    /// Revokes a node's or a user's credentials at once; their accepted entries stay valid
    /// history. Audited. Returns how many credentials were revoked (0: nothing to revoke).
    public func revoke(_ kind: Principal.Kind, subject: String, by actor: String, now: Int64) throws -> Int {
        try storage.transaction { transaction in
            let count = try transaction.revokeCredentials(kind: kind, subject: subject, at: RFC3339.format(millis: now))
            if count > 0 {
                try AuditLog.append("\(kind.rawValue).revoke", actor: actor, subject: subject, at: now, in: transaction)
            }
            return count
        }
    }

    /// Records an office read of a record (the law asks for access logs of sensitive data).
    public func auditRead(_ key: RecordKey, by actor: String, what: String = "read", now: Int64) throws {
        try storage.transaction { transaction in
            try AuditLog.append("\(key.type.rawValue).\(what)", actor: actor, subject: key.id, at: now, in: transaction)
        }
    }

    /// Stores a node's pushed batch atomically: only the node's own entries, contiguous from
    /// what is stored, continuing its hash chain, and signed at their head by the node's pinned
    /// key (pinned on first contact, which the enrollment token authenticates). An identical
    /// resend changes nothing; any refusal stores nothing.
    public func push(
        _ entries: [JournalEntry], head: ChainHead?, from node: NodeID, department: String,
        now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)
    ) throws -> (stored: Int, duplicates: Int, lastSeq: UInt64) {
        guard let last = entries.last else { throw APIError.badRequest("the batch holds no entries", field: "entries") }
        for entry in entries where !EntryID.isValidSeq(entry.id.seq) {
            throw APIError.badRequest("seq must be from 1 to \(EntryID.maxSeq)", field: "seq")
        }
        for entry in entries where entry.id.origin != node {
            throw APIError(403, "entry \(entry.id) is from \(entry.id.origin), not from node \(node): a node pushes only its own entries")
        }
        for (previous, next) in zip(entries, entries.dropFirst()) where next.id.seq != previous.id.seq + 1 {
            throw APIError.badRequest("entries must be in ascending, contiguous seq order: \(next.id) follows \(previous.id)", field: "entries")
        }
        for entry in entries {
            do { try Schema.checkNotInFuture(entry, now: now) } catch { throw APIError(error) }
            // A department writes only as itself.
            if let claim = entry.claimedDepartments.first(where: { $0.department != department }) {
                throw APIError(403, "entry \(entry.id) writes \(claim.field) as another department than node \(node)'s (\(department))",
                               field: claim.field)
            }
        }
        guard let head else { throw APIError.badRequest("the batch carries no signed head", field: "head") }
        let lastHash = EntryChain.hash(EntryCoding.encode(last))
        guard head.origin == node.rawValue, head.seq == last.id.seq, head.hash == lastHash else {
            throw APIError(422, "the signed head does not match the batch's last entry \(last.id): it was altered after signing", field: "head")
        }
        return try storage.transaction { transaction in
            let lastStored = try transaction.lastSeq(of: node)
            if let first = entries.first, first.id.seq > lastStored + 1 {
                throw APIError(409, "gap: the central server holds \(node) through seq \(lastStored); send from seq \(lastStored + 1)",
                               details: ["expected_seq": .int(Int64(lastStored + 1))])
            }
            let pinned = try transaction.pinnedKey(of: node.rawValue)
            if let pinned, let offered = head.publicKey, offered != pinned {
                throw APIError(403, "the batch is signed with another key than the one pinned for node \(node)")
            }
            guard let key = pinned ?? head.publicKey else {
                throw APIError.badRequest("the first batch of node \(node) must carry its public key", field: "head.public_key")
            }
            guard EntryChain.verifyHead(origin: node, seq: head.seq, hash: head.hash, signature: head.signature, publicKey: key) else {
                throw APIError(403, "the signature of \(node):\(head.seq) does not verify with node \(node)'s key: forged or signed by another node")
            }
            if pinned == nil { try transaction.pinKey(key, for: node.rawValue, at: RFC3339.format(millis: now)) }
            // A record id names one record forever: a creation of a record that exists is refused.
            for entry in entries where entry.createsRecord {
                if let state = try transaction.recordState(entry.recordKey), !state.contains(entry.id) {
                    throw APIError(409, "entry \(entry.id) creates \(entry.recordKey), which already exists: ids are never reused")
                }
            }
            let outcome: AppendOutcome
            do {
                outcome = try transaction.append(entries)
            } catch let error as ValidationError {
                throw APIError(error)
            } catch let error as StoreError {
                throw APIError(error)
            }
            try transaction.recordHead(StoredHead(origin: node.rawValue, seq: head.seq, hash: head.hash, signature: head.signature))
            return (outcome.applied.count, outcome.duplicates, try transaction.lastSeq(of: node))
        }
    }
}
