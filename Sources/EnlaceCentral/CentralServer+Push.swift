import Crypto
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Synchronization

extension CentralServer {
    /// How far ahead of the central server's clock an entry may be stamped before it is
    /// quarantined rather than applied (a wrong clock must not drag every replica's clock along).
    public static let futureTolerance: Int64 = 86_400_000

    /// Stores a node's pushed batch atomically: only the node's own entries, one epoch,
    /// contiguous from what is stored, continuing its hash chain, signed at their head by the
    /// node's bound key, written as the node's own department, and creating no record that
    /// exists. An identical resend changes nothing; any refusal stores nothing. An entry sound
    /// in its chain that cannot be applied (an invalid value, a clock far ahead) is kept
    /// quarantined, so the node's later entries still flow.
    public func push(_ batch: PushRequest, from node: NodeID, department: String) async throws -> PushResponse {
        try await store(batch, from: node, department: department)
    }

    /// Stores a batch of another origin's chain that a node holds and this central server
    /// lacks — after a restore from a copy, the central server's own entries made since the copy
    /// and those of origins that no longer push. Verified as the origin's own push would be:
    /// contiguous from what is stored, signed at its head by the origin's key (the anchor for
    /// the central server's), and written as the origin's department.
    public func relay(_ batch: PushRequest, from node: NodeID) async throws -> PushResponse {
        try await store(batch, from: node, department: nil)
    }

    /// A push (`department`: the node's) or a relay (nil): `PushValidator` checks it stage by
    /// stage against what the transaction reads; what passed is appended. What needs nothing
    /// stored — the batch's shape, its case keys, its edits opened, decoded and validated — is
    /// done before the transaction, outside the append lock, while another batch is written.
    private func store(_ batch: PushRequest, from node: NodeID, department: String?) async throws -> PushResponse {
        let now = self.now()
        let validator = PushValidator(batch: batch, node: node, department: department)
        let replica = try validator.checkShape()
        let entries = batch.entries
        // Only a node's own chain is ordered: its entries are its own (`checkShape`), so no
        // other node can hold its batches back; a relay is never sent ahead.
        let ticket = department == nil ? nil : pushOrder.arrive(replica, first: entries[0].id.seq)
        defer { if let ticket { pushOrder.leave(ticket) } }
        let caseKeys = try openCaseKeys(batch)
        var opened = OpenedBatch(entries, keys: caseKeys.data)
        let storeID = try await storage.storeID()
        // A batch the node sent while its previous one was being stored goes after it.
        if let ticket { await pushOrder.turn(ticket) }
        return try await storage.transaction { transaction in
            try await transaction.prefetchCases(entries.compactMap { $0.body.flatMap(JournalEntry.recordKey(ofBody:)) })
            // The keys first: the batch's sealed bodies open with them. An erased case's key is
            // never kept again, so its bodies do not open here: the batch's edits of it are
            // left unread, as if it had never brought the key.
            var erased: Set<String> = []
            for (id, key) in caseKeys.data.sorted(by: { $0.key < $1.key }) {
                try await validator.checkCaseKey(id, brought: key, held: try transaction.caseKey(id))
                if try await transaction.isErased(RecordKey(.caseFile, id)) { erased.insert(id) }
            }
            opened.leave(cases: erased)
            try await transaction.storeKeys(caseKeys)
            let directory = try await transaction.directory()
            let writer = validator.writer(of: replica, in: directory)
            // The entries the batch's keys did not open are read with the keys held here.
            let heldKeys = CaseKeyMemo(transaction)
            let (decoded, validated) = await opened.merged { index in
                guard let body = entries[index].body else { return nil }
                return try? await heldKeys.read(entries[index].id, body: body)
            }
            let edits = decoded.compactMap { $0 }
            try validator.checkClaims(edits, of: replica, writer: writer)
            try await validator.checkEpoch(replica, current: CentralServer.currentReplica(of: node, in: directory)) {
                try await transaction.lastSeq(of: replica)
            }
            let lastStored = try await transaction.lastSeq(of: replica)
            try await validator.checkChain(replica, lastStored: lastStored,
                                     exitHeads: try transaction.scopeExitHeads(of: replica, from: entries[0].id.seq, through: batch.head.id.seq))
            let origin = replica.node
            try validator.checkSignature(of: replica, key: origin == .central ? self.key.signingPublicKey : directory.signingKey(for: batch.head.id))
            for edit in edits where edit.createsRecord {
                try await validator.checkCreation(edit, state: try transaction.recordState(edit.recordKey))
            }
            let outcome: AppendOutcome
            let ahead = Mutex<[String]>([])
            do {
                outcome = try await ReplicaWriter.append(entries, decoded: decoded, validated: validated, in: transaction, quarantine: { edit in
                    guard edit.timestamp.millis > now + CentralServer.futureTolerance else { return nil }
                    ahead.withLock { $0.append(edit.id.description) }
                    return "stamped \(RFC3339.format(millis: edit.timestamp.millis)), more than a day after the central server's clock"
                }, admit: { edit, state in
                    try await self.admit(edit, state: state, writer: origin == .central ? LeadRule.office : writer, in: transaction)
                })
            } catch StoreError.conflictingEntry(let id) where id.replica == replica && department != nil {
                throw Refusal.diverged(
                    "entry \(id) differs from the one the central server holds: this node was restored from an older copy "
                        + "(it goes on in a new epoch and re-makes what never left)", heldThrough: lastStored)
            } catch let error as StoreError {
                // The store failing (unreachable, full) is not the batch's fault: it passes as it is.
                switch error {
                case .unavailable, .diskFull: throw error
                default: throw Refusal.conflict(error.description)
                }
            }
            try await transaction.recordHead(StoredHead(id: batch.head.id, hash: batch.head.hash, signature: batch.head.signature))
            if outcome.directory.contains(where: { $0.kind == .enrollment }) {
                try await rebuildScopes(in: transaction)
            } else {
                try await indexScope(of: outcome.records, directory: directory, in: transaction)
            }
            // The central server's own directory events made since a restored copy come back:
            // revocations and key bindings they journal are in force again.
            if department == nil, replica.node == .central {
                for event in outcome.directory where try await transaction.applyRelayed(event, at: RFC3339.format(millis: event.at)) {
                    try await AuditLog.append("credential.reapplied", actor: node.rawValue, subject: event.node.rawValue,
                                        detail: ["event": .string("\(event.kind)")], at: now, in: transaction)
                }
            }
            // Every entry of the batch is now held (stored, a duplicate or quarantined), and
            // nothing after what was held before.
            return PushResponse(
                storeID: storeID, stored: outcome.stored, duplicates: outcome.duplicates,
                lastSeq: max(lastStored, batch.head.id.seq),
                quarantined: outcome.quarantined.map { ($0.id.description, $0.reason) }, ahead: ahead.withLock { $0 })
        }
    }

    /// The case keys a batch brings, opened with the central server's key: only those of cases
    /// the batch edits are taken.
    private func openCaseKeys(_ batch: PushRequest) throws -> CaseKeySet {
        let edited = Set(batch.entries.compactMap { $0.body.flatMap(JournalEntry.recordKey(ofBody:)) }
            .filter { $0.type == .caseFile }.map(\.id))
        do {
            return try KeyWrap.openBundle(encapsulated: batch.keys.encapsulated, batch.keys.sealed, with: key).filtered(to: edited)
        } catch {
            throw Refusal.unprocessable("the batch's case keys do not open with the central server's key", field: "keys")
        }
    }

    /// Every chain the central server holds and how far: what a node compares with its own
    /// journal to relay what the central server lacks.
    public func holdings() async throws -> [ReplicaID: UInt64] {
        try await storage.read { try await $0.heldChains() }
    }

    /// One page of the change feed for `node`, as the wire's bytes (entries spliced as stored),
    /// and how far the central server holds the node's own current chain — a node restored
    /// from an older copy learns from it that it lacks entries of its own, even if it never
    /// writes again. The page is read through the scope of the node's department: bodies of
    /// the cases it holds, stubs for every other entry, and the cases that entered or left its
    /// scope since `scopeAfter`.
    public func pull(
        after cursor: FeedCursor, scopeAfter: Int64 = 0, historyAfter: Int64 = 0, for node: NodeID, department: String, limit: Int,
        version: String? = nil, signedAt: Int64? = nil, head claimed: ChainHead? = nil
    ) async throws -> (page: [UInt8], heldThrough: UInt64) {
        guard try await storage.feedHas(cursor) else {
            throw Refusal.staleCursor("unknown cursor: this central store does not hold it (replaced or restored); pull again from the start")
        }
        try await noteContact(node, position: cursor.position, version: version, signedAt: signedAt)
        // The node's current epoch is the one its enrollment opened; its earlier epochs' entries
        // (a replaced machine's) are history it receives like any other.
        let signingKey = try await storage.nodeCredential(node)?.signingKey
        let (current, held, head) = try await storage.read { reader in
            let current = try await currentReplica(of: node, in: reader)
            let held = try await reader.lastSeq(of: current)
            return (current, held, try await ownHead(claimed, of: current, signedBy: signingKey, in: reader))
        }
        let page = try await storage.feed(after: cursor, excluding: current, limit: limit,
                                    scope: FeedScope(department: department, after: scopeAfter, historyAfter: historyAfter))
        let scope = page.scope ?? ScopeDelivery(history: [], left: [], next: scopeAfter, more: false)
        // Where the node stood when this page tells it a case left its scope (or entered it again).
        if let head, !scope.left.isEmpty || !scope.cases.isEmpty {
            try await storage.transaction { transaction in
                for id in scope.left { try await transaction.recordScopeExit(ofCase: id, node: node, head: head) }
                for id in scope.cases { try await transaction.clearScopeExit(ofCase: id, node: node) }
            }
        }
        // The data key of every case the page carries bodies of, wrapped to the node's current
        // key (a revoked node's credential no longer authenticates, so it is served none).
        var bundle = KeyBundle.empty
        if !page.caseKeys.isEmpty {
            guard let recipient = try await storage.nodeCredential(node)?.agreementKey else {
                throw Refusal.conflict("node \(node) has no bound key to receive case keys: it binds its keys at its first contact")
            }
            let (encapsulated, sealed) = try KeyWrap.sealBundle(page.caseKeys, to: recipient)
            bundle = KeyBundle(encapsulated: encapsulated, sealed: sealed)
        }
        SyncCounters.pulled(page.entries.count)
        let storeID = try await storage.storeID()
        return (PullPage.encode(
            storeID: storeID, nextPosition: page.next.position, nextEntry: page.next.entry, more: page.more || scope.more,
            heads: page.heads.map { ChainHead(id: $0.id, hash: $0.hash, signature: $0.signature) },
            entries: page.entries.map { ($0.envelope, $0.body) }, scopeNext: scope.next, left: scope.left,
            history: scope.history.map { ($0.envelope, $0.body) }, keys: bundle, scopeHistoryAfter: scope.historyAfter), held)
    }

    /// Where a pulling node's own chain stands: the head it signed with its current key (the one
    /// that signs its requests: after a rotation the node holds no other), checked against what
    /// the central server holds of its chain; or, from a node that sends none, the last entry the
    /// central server holds of it.
    func ownHead(_ claimed: ChainHead?, of current: ReplicaID, signedBy key: [UInt8]?,
                 in reader: any JournalReading & KeyReading) async throws -> ScopeExit? {
        guard let claimed else {
            // A node that has written nothing stands before its first entry.
            let last = try await reader.lastSeq(of: current)
            guard last > 0 else { return ScopeExit(replica: current, seq: 0, hash: Hash256.of([])) }
            guard let hash = try await reader.envelopeHash(of: EntryID(replica: current, seq: last)) else { return nil }
            return ScopeExit(replica: current, seq: last, hash: hash)
        }
        guard claimed.id.replica == current else {
            throw Refusal.conflict("the chain head sent (\(claimed.id)) is not of node \(current.node)'s current epoch \(current.epoch)")
        }
        guard let key, EntryChain.verifyHead(claimed.id, hash: claimed.hash, signature: claimed.signature, publicKey: key) else {
            throw Refusal.forbidden("the chain head sent (\(claimed.id)) is not signed by node \(current.node)'s key")
        }
        if await claimed.id.seq <= (try reader.lastSeq(of: current)) {
            guard try await reader.envelopeHash(of: claimed.id) == claimed.hash else {
                throw Refusal.conflict("the chain head sent (\(claimed.id)) differs from the entry the central server holds there")
            }
        }
        return ScopeExit(replica: current, seq: claimed.id.seq, hash: claimed.hash)
    }

    /// Records what a pulling node acknowledged holding (the position it pulls after), when,
    /// what it runs and how far its clock is (from the time its request was signed at). Written
    /// only when something moved, or a minute after the last write, so that idle rounds stay
    /// reads.
    func noteContact(_ node: NodeID, position: Int64, version: String?, signedAt: Int64?) async throws {
        let at = now()
        let skew = signedAt.flatMap { signed in
            let (value, overflow) = signed.subtractingReportingOverflow(at)
            return overflow ? nil : value
        }
        let last = try await storage.deskRead { try await $0.nodeContact(node.rawValue) }
        if let last, last.position >= position, last.version == version ?? last.version, (0..<60_000).contains(at - last.at) { return }
        try await storage.deskWrite { try await $0.recordNodeContact(node.rawValue, position: position, at: at, version: version, skew: skew) }
    }
}

extension CentralServer {
    /// Why a pushed or relayed edit that validates may not apply, judged on its case as the
    /// central server holds it just before the edit (nil: it applies). The entry is then kept
    /// quarantined, shown to the office, and moves no scope and no key.
    func admit(_ edit: JournalEntry, state: RecordState, writer: String?, in transaction: any CentralTransaction) async throws -> String? {
        guard edit.recordType == .caseFile, writer != LeadRule.office else { return nil }
        if LeadRule.writes(edit) {
            let origin = state.currentValue(of: "origin_department").stringValue
                ?? edit.operations.lazy.compactMap { operation -> String? in
                    guard case .set("origin_department", let value, _) = operation else { return nil }
                    return value.stringValue
                }.first
            if let reason = LeadRule.refusal(writer: writer ?? "unknown", clock: edit.clock, state: state, origin: origin) {
                return "lead_department: \(reason)"
            }
        }
        // Written after its node was told the case left its department's scope: not work on the
        // case, never applied, shown to the office (docs/domain.md, "Writes from outside the scope").
        if let writer, state.entryCount > 0, try await !transaction.scope(ofCase: edit.recordID).contains(writer),
           let exit = try await transaction.scopeExit(ofCase: edit.recordID, node: edit.id.origin), !exit.precedes(edit.id) {
            return "written after node \(edit.id.origin) was told the case had left \(writer)'s scope (its chain then ended at \(exit.replica):\(exit.seq))"
        }
        return nil
    }
}
