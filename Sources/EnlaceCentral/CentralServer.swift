import EnlaceModel
import EnlaceWeb
import EnlaceProtocol
import EnlaceStore
import Synchronization

/// The central server's operations: it is a replica like the nodes, applying every entry with
/// the same `ReplicaWriter`, plus credentials, the directory of who belongs where (journalled,
/// central-signed), the audit log and the change feed. Refusals are `Refusal`s; the API layer
/// turns them into statuses.
public final class CentralServer: Sendable {
    /// The central store (SQLite by default).
    public let storage: any CentralStore
    /// The central server's keys: it signs its own chain (resolutions, directory events) and is
    /// every node's trust anchor.
    public let key: ReplicaKey
    /// The central server's replica id (its epoch changes after a restore).
    public let replica: ReplicaID
    /// The time, passed in (tests fix it).
    let now: @Sendable () -> Int64

    /// The scrypt cost of new desk passwords (2^N rounds); tests lower it, stored hashes keep
    /// their own.
    let passwordLogRounds: Int
    /// The desk's sign-ins: admitted per client, checked on threads of their own behind a
    /// short queue.
    let signInGate: SignInGate
    /// The audit chain, checked a stretch at a time by the desk's log page.
    let auditChain = AuditChainCheck()
    /// Each node's pushes in this process, kept in their chain's order.
    let pushOrder = PushOrder()

    public init(storage: any CentralStore, key: ReplicaKey, replica: ReplicaID = .central,
                now: @escaping @Sendable () -> Int64 = SystemClock.millis, passwordLogRounds: Int = PasswordHash.logRounds) {
        self.storage = storage
        self.key = key
        self.replica = replica
        self.now = now
        self.passwordLogRounds = passwordLogRounds
        signInGate = SignInGate(limit: SignInLimit(), checks: PasswordChecks(), logRounds: passwordLogRounds)
    }

    /// Enrolls a field node in a department; returns its enrollment token (shown once). The
    /// enrollment is a directory entry every replica receives, and opens the node's next epoch:
    /// a node enrolled again (a new machine, a re-initialised folder) never reuses an
    /// (origin, epoch, seq) it wrote before. Audited.
    public func enroll(nodeID: NodeID, department: String, by actor: String) async throws -> String {
        guard Vocabulary.department.contains(department), department != "CENTRAL" else {
            throw Refusal.invalid(ValidationError(.notInVocabulary, field: "department", expected: "a department of a field node"))
        }
        let secret = SystemClock.salt() + SystemClock.salt()
        let at = now()
        return try await storage.transaction { transaction in
            let last = try await transaction.lastEpoch(of: nodeID)
            guard last < ReplicaID.maxEpoch else { throw Refusal.conflict("node \(nodeID) has used every epoch; enroll it under a new id") }
            let epoch = last + 1
            let moved = try await transaction.directory().department(of: nodeID).map { $0 != department } ?? false
            let token = EnrollmentToken(secret: secret, centralKey: key.signingPublicKey, centralAgreementKey: key.agreementPublicKey, epoch: epoch).text
            try await transaction.addCredential(
                tokenHash: Credentials.hash(token),
                principal: Principal(kind: .node, subject: nodeID.rawValue, department: department, role: nil),
                enrollmentKey: ReplicaKey.enrollment(secret: secret).signingPublicKey, createdAt: RFC3339.format(millis: at))
            try await appendCentral(DirectoryEvent(kind: .enrollment, node: nodeID, department: department,
                                             effectiveFrom: EntryID(replica: ReplicaID(nodeID, epoch: epoch), seq: 1), at: at),
                              in: transaction)
            // A node enrolled again in another department: the cases it worked on change hands.
            if moved { try await rebuildScopes(in: transaction) }
            try await AuditLog.append("node.enroll", actor: actor, subject: nodeID.rawValue,
                                detail: ["department": .string(department), "epoch": .int(Int64(epoch))], at: at, in: transaction)
            return token
        }
    }

    /// A node's first contact: binds its own keys, signed (checked by the caller) with the key
    /// its enrollment token derives. The token is spent: a second machine that presents it is
    /// refused. Journalled and audited.
    public func bind(_ binding: KeyBinding, for node: NodeID) async throws {
        let at = now()
        try await storage.transaction { transaction in
            guard let credential = try await transaction.nodeCredential(node) else { throw Refusal.forbidden("node \(node) is not enrolled") }
            if let bound = credential.signingKey {
                // The node's own retry (killed before it recorded the answer): the same keys, no new event.
                guard bound != binding.signingKey || credential.agreementKey != binding.agreementKey else { return }
                throw Refusal.unauthenticated(
                    "node \(node)'s enrollment token was already used at its first contact; revoke the node and enroll it again")
            }
            let replica = try await currentReplica(of: node, in: transaction)
            guard binding.from == EntryID(replica: replica, seq: 1) else {
                throw Refusal.conflict("node \(node) was enrolled to write as \(replica) from its first entry; its keys bind from there")
            }
            try await bindKeys(binding, of: node, action: "node.bind", at: at, in: transaction)
        }
    }

    /// A node's key rotation, signed (checked by the caller) by its current key. Journalled and audited.
    public func rotate(_ binding: KeyBinding, for node: NodeID) async throws {
        let at = now()
        try await storage.transaction { transaction in
            guard try await transaction.nodeCredential(node)?.signingKey != nil else { throw Refusal.forbidden("node \(node) has no bound key to rotate") }
            let replica = try await currentReplica(of: node, in: transaction)
            let pushed = try await transaction.lastSeq(of: replica)
            guard binding.from.replica == replica, binding.from.seq > pushed else {
                throw Refusal.conflict("a new key signs only entries of \(replica) the central server does not hold yet (after seq \(pushed))")
            }
            try await bindKeys(binding, of: node, action: "node.rotate", at: at, in: transaction)
        }
    }

    /// A node that found itself restored from an older copy goes on in a new epoch, with the
    /// keys it holds: journalled (a keys event from the epoch's first entry) and audited.
    public func openEpoch(for node: NodeID) async throws -> ReplicaID {
        let at = now()
        return try await storage.transaction { transaction in
            guard let credential = try await transaction.nodeCredential(node), let signing = credential.signingKey,
                  let agreement = credential.agreementKey
            else { throw Refusal.forbidden("node \(node) has no bound key") }
            let last = try await transaction.lastEpoch(of: node)
            guard last < ReplicaID.maxEpoch else { throw Refusal.conflict("node \(node) has used every epoch; enroll it under a new id") }
            let replica = ReplicaID(node, epoch: last + 1)
            try await appendCentral(DirectoryEvent(kind: .keys, node: node, signingKey: signing, agreementKey: agreement,
                                             effectiveFrom: EntryID(replica: replica, seq: 1), at: at), in: transaction)
            try await AuditLog.append("node.epoch", actor: node.rawValue, subject: node.rawValue,
                                detail: ["epoch": .int(Int64(replica.epoch))], at: at, in: transaction)
            return replica
        }
    }

    /// The replica a node writes as: its node id and the epoch its latest enrollment opened.
    func currentReplica(of node: NodeID, in reader: any JournalReading) async throws -> ReplicaID {
        await CentralServer.currentReplica(of: node, in: try reader.directory())
    }

    /// The replica a node writes as, from a directory already read.
    static func currentReplica(of node: NodeID, in directory: Directory) -> ReplicaID {
        ReplicaID(node, epoch: min(max(directory.members[node]?.epoch ?? 1, 1), ReplicaID.maxEpoch))
    }

    /// Binds a node's keys from `binding.from` on: the credential, the journalled keys event, the audit row.
    private func bindKeys(_ binding: KeyBinding, of node: NodeID, action: String, at: Int64, in transaction: any CentralTransaction) async throws {
        try await transaction.bindKeys(of: node, signing: binding.signingKey, agreement: binding.agreementKey, at: RFC3339.format(millis: at))
        try await appendCentral(DirectoryEvent(kind: .keys, node: node, signingKey: binding.signingKey, agreementKey: binding.agreementKey,
                                         effectiveFrom: binding.from, at: at), in: transaction)
        try await AuditLog.append(action, actor: node.rawValue, subject: node.rawValue,
                            detail: ["signing_key": .string(EntryChain.hex(binding.signingKey))], at: at, in: transaction)
    }

    /// Adds a central-office user; returns the token (shown once). Audited.
    public func addUser(name: String, role: Principal.Role, by actor: String) async throws -> String {
        let token = Credentials.makeToken()
        let at = now()
        try await storage.transaction { transaction in
            try await transaction.addCredential(
                tokenHash: Credentials.hash(token),
                principal: Principal(kind: .user, subject: name, department: "CENTRAL", role: role), enrollmentKey: nil,
                createdAt: RFC3339.format(millis: at))
            try await AuditLog.append("user.add", actor: actor, subject: name, detail: ["role": .string(role.rawValue)], at: at, in: transaction)
        }
        return token
    }

    /// Revokes a node's or a user's credentials at once; their accepted entries stay valid
    /// history. A node's revocation is a directory entry. Audited. Returns how many credentials
    /// were revoked (0: nothing to revoke).
    public func revoke(_ kind: Principal.Kind, subject: String, by actor: String) async throws -> Int {
        let at = now()
        return try await storage.transaction { transaction in
            let count = try await transaction.revokeCredentials(kind: kind, subject: subject, at: RFC3339.format(millis: at))
            if count > 0 {
                if kind == .node, let node = NodeID(subject) {
                    try await appendCentral(DirectoryEvent(kind: .revocation, node: node, at: at), in: transaction)
                }
                try await AuditLog.append("\(kind.rawValue).revoke", actor: actor, subject: subject, at: at, in: transaction)
            }
            return count
        }
    }

    /// Appends the central server's next directory event and signs its chain's head.
    func appendCentral(_ event: DirectoryEvent, in transaction: any CentralTransaction) async throws {
        let entry = try await ReplicaWriter.appendDirectory(event, origin: replica, in: transaction)
        try await signHead(entry.envelope, in: transaction)
    }

    /// Signs the central server's chain up to `envelope` and stores the head.
    func signHead(_ envelope: EntryEnvelope, in transaction: any CentralTransaction) async throws {
        let hash = envelope.hash
        try await transaction.recordHead(StoredHead(id: envelope.id, hash: hash, signature: try key.signHead(envelope.id, hash: hash)))
    }

    /// A record's JSON for an office user; the read is audited (the law asks for access logs of
    /// sensitive data).
    public func read(_ key: RecordKey, by actor: String) async throws -> String {
        try await storage.transaction { transaction in
            guard let text = try await transaction.documentText(key) else { throw Refusal.notFound("no \(key.type.rawValue) with id \(key.id)") }
            try await AuditLog.append("\(key.type.rawValue).read", actor: actor, subject: key.id, at: now(), in: transaction)
            return text
        }
    }

    /// A record's history for an office user; audited like a read.
    public func history(_ key: RecordKey, by actor: String) async throws -> JSONValue {
        try await storage.transaction { transaction in
            guard let history = await RecordHistory.json(key, entries: try transaction.entries(of: key)) else {
                throw Refusal.notFound("no \(key.type.rawValue) with id \(key.id)")
            }
            try await AuditLog.append("\(key.type.rawValue).history", actor: actor, subject: key.id, at: now(), in: transaction)
            return history
        }
    }

    /// The central server's state for `GET /v1/status`.
    public func status() async throws -> CentralStatus {
        let storeID = try await storage.storeID()
        let clocksOff = try await storage.deskRead { try await $0.clocksOff(since: now().subtractingReportingOverflow(86_400_000).partialValue) }
        return try await storage.read { reader in
            await CentralStatus(
                epoch: replica.epoch, storeID: storeID, journalEntries: try reader.entryCount(), quarantinedEntries: try reader.quarantinedCount(),
                openConflictsByDepartment: try reader.openConflictsByDepartment(),
                clocksOff: clocksOff.mapValues { CentralStatus.ClockReport(skewMillis: $0.skew, at: RFC3339.format(millis: $0.at)) })
        }
    }

    /// Quarantined entries with their reasons, for the office.
    public func quarantined(after position: Int64, limit: Int) async throws -> [QuarantinedEntry] {
        try await storage.read { try await $0.quarantined(after: position, limit: limit) }
    }
}
