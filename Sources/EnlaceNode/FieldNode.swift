import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation

/// A department's field node: the record operations its local API serves, each one a journal
/// entry made and appended by `ReplicaWriter` in one transaction. Refusals are `Refusal`s; the
/// API layer turns them into statuses.
///
/// Time and new ids come from the closures passed in, so tests can fix them.
public final class FieldNode: Sendable {
    /// The node's store.
    public let store: any NodeStore
    /// Who the node is: its id, department, central URL and token. Its epoch is read from the
    /// store at each write (`ownReplica`), never from here: a recovery changes it.
    public let identity: ReplicaIdentity
    /// The node's clock, uncorrected (see `now()`).
    let clock: @Sendable () -> Int64
    let newID: @Sendable () -> String

    /// A node over an initialised store; `centralURL` overrides the URL given at `node init`
    /// (a configured `central_url`); `token` is the node's token when the store does not keep
    /// it (read from its key folder).
    public init(
        store: any NodeStore,
        centralURL: String? = nil,
        token: String? = nil,
        now: @escaping @Sendable () -> Int64 = SystemClock.millis,
        newID: @escaping @Sendable () -> String = SystemClock.ulid
    ) async throws {
        self.store = store
        let stored = try await store.identity()
        identity = ReplicaIdentity(
            nodeID: stored.nodeID, epoch: stored.epoch, department: stored.department, centralURL: centralURL ?? stored.centralURL,
            token: token ?? stored.token, createdAt: stored.createdAt)
        self.clock = now
        self.newID = newID
    }

    /// The node's clock corrected by the offset the central server last told it, so that a
    /// clock known to be wrong does not stamp entries wrong. Inside a write, `now(in:)`.
    func now() async -> Int64 {
        FieldNode.corrected(clock(), by: (try? await store.syncState().clockOffsetMillis) ?? 0)
    }

    /// The node's clock corrected by `offset` (unchanged where the sum would overflow).
    static func corrected(_ raw: Int64, by offset: Int64) -> Int64 {
        let corrected = raw.addingReportingOverflow(offset)
        return corrected.overflow ? raw : corrected.partialValue
    }

    /// The corrected time inside a write: the offset is read in the transaction, without a
    /// second connection.
    func now(in transaction: any JournalReading) async throws -> Int64 {
        FieldNode.corrected(clock(), by: try await transaction.clockOffsetMillis())
    }

    /// What a local write left: its outcome (nil when there was nothing to write) and the
    /// record as it now reads, taken from what was written rather than read back and opened.
    struct LocalWrite {
        let outcome: AppendOutcome?
        let document: JSONValue?
    }

    /// Appends one local edit of `key` in one transaction. `build` sees the transaction, the
    /// record's current state and JSON (nil when new) and returns the operations; none means
    /// nothing to write.
    @discardableResult
    func commit(
        _ key: RecordKey, author: String, note: String? = nil,
        build: sending (any ReplicaTransaction, RecordState?, JSONValue?) async throws -> [FieldOperation]
    ) async throws -> LocalWrite {
        // Every entry names the servant who wrote it.
        guard !author.trimmingCharacters(in: .whitespaces).isEmpty, author.utf8.count <= Schema.maxAuthorLength else {
            throw Refusal.unprocessable("every write names the servant who makes it (1 to \(Schema.maxAuthorLength) bytes)", field: "author")
        }
        return try await store.write { transaction -> LocalWrite in
            if try await transaction.isErased(key) {
                throw Refusal.conflict("\(key.type.rawValue) \(key.id) was erased by the central office (ARCO cancellation): it takes no more edits")
            }
            let state = try await transaction.recordState(key)
            let document = try await transaction.documentText(key).map(JSONValue.parse)
            let operations = try await build(transaction, state, document)
            if operations.isEmpty { return LocalWrite(outcome: nil, document: document) }
            // Tokens are made here, never taken from a request.
            for case .set(let field, .object, _) in operations where LocationSeal.fields.contains(field) {
                throw Refusal.invalid(ValidationError(.wrongType, field: field, expected: "text"))
            }
            let outcome: AppendOutcome
            do {
                outcome = try await ReplicaWriter.appendLocal(
                    origin: try transaction.ownReplica(), key: key, operations: operations, physicalMillis: try now(in: transaction), author: author, note: note,
                    in: transaction
                ).outcome
            } catch let error as ValidationError {
                throw Refusal.invalid(error)
            }
            guard let record = outcome.records[key] else {
                return await LocalWrite(outcome: outcome, document: try transaction.documentText(key).map(JSONValue.parse))
            }
            let locationKeys = await key.type == .caseFile ? try transaction.locationKeys(key.id) : [:]
            return LocalWrite(outcome: outcome, document: record.shown(locationKeys: locationKeys))
        }
    }

    /// The stored JSON text of a record.
    public func documentText(_ key: RecordKey) async throws -> String {
        guard let text = try await store.read({ try await $0.documentText(key) }) else {
            throw Refusal.notFound("no \(key.type.rawValue) with id \(key.id)")
        }
        return text
    }

    /// A record's history (`enlace case history`).
    public func history(_ key: RecordKey) async throws -> JSONValue {
        guard let history = await RecordHistory.json(key, entries: try store.read { try await $0.entries(of: key) }) else {
            throw Refusal.notFound("no \(key.type.rawValue) with id \(key.id)")
        }
        return history
    }

    /// The node's state for `GET /v1/status` (its next attempt is the schedule's to say).
    public func status() async throws -> NodeStatus {
        let sync = try await store.syncState()
        let pending = try await store.pendingEntries(after: sync.pushed)
        return try await store.read { reader in
            await NodeStatus(
                nodeID: identity.nodeID.rawValue, epoch: sync.pushed.epoch, department: identity.department, centralURL: identity.centralURL,
                pendingEntries: pending, lastSyncAt: sync.lastSyncAt, lastAttemptAt: sync.lastAttemptAt, lastError: sync.lastError,
                journalEntries: try reader.entryCount(), quarantinedEntries: sync.quarantined + (try reader.quarantinedCount()),
                clockOffsetMillis: sync.clockOffsetMillis, openConflictsByDepartment: try reader.openConflictsByDepartment(),
                recovery: sync.recovery.map { NodeStatus.Recovery(at: $0.at, fromEpoch: $0.fromEpoch, remade: $0.remade, renumbered: $0.renumbered) })
        }
    }

    /// Reads an optional id from a body: a ULID when present.
    static func takeID(_ members: inout [String: JSONValue], field: String = "id") throws -> String? {
        guard let value = members.removeValue(forKey: field), !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw Refusal.invalid(ValidationError(.wrongType, field: field, value: value, expected: "a ULID string"))
        }
        guard ULID.isValid(text) else {
            throw Refusal.invalid(ValidationError(.invalidValue, field: field, value: value, expected: FieldType.identifier.expectation))
        }
        return text
    }
}
