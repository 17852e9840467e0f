import EnlaceAPI
import EnlaceModel
import EnlaceStore
import Foundation

/// A department's field node: the record operations its local API serves, each one a journal
/// entry appended and materialised in one transaction.
///
/// Time and new ids come from the closures passed in, so tests can fix them.
public final class FieldNode: Sendable {
    /// The node's store.
    public let store: JournalStore
    /// Who the node is.
    public let identity: ReplicaIdentity
    let now: @Sendable () -> Int64
    let newID: @Sendable () -> String

    /// A node over an initialised store; `centralURL` overrides the URL given at `node init`
    /// (a configured `central_url`).
    public init(
        store: JournalStore,
        centralURL: String? = nil,
        now: @escaping @Sendable () -> Int64 = FieldNode.systemMillis,
        newID: @escaping @Sendable () -> String = FieldNode.randomULID
    ) throws {
        self.store = store
        let stored = try store.identity()
        identity = ReplicaIdentity(
            nodeID: stored.nodeID, department: stored.department, centralURL: centralURL ?? stored.centralURL,
            token: stored.token, createdAt: stored.createdAt)
        self.now = now
        self.newID = newID
    }

    /// Milliseconds since the epoch, from the system clock.
    @Sendable public static func systemMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// A fresh ULID from the system clock and the system's random generator.
    @Sendable public static func randomULID() -> String {
        var generator = SystemRandomNumberGenerator()
        return ULID.make(millis: UInt64(systemMillis()), random: (generator.next(), UInt16.random(in: 0...UInt16.max)))
    }

    /// The current time as a canonical timestamp.
    var nowText: String { RFC3339.format(millis: now()) }

    /// Appends one local edit of `key` in one transaction. `build` sees the record's current
    /// state and JSON (nil when new) and returns the operations; none means nothing to write.
    @discardableResult
    func commit(
        _ key: RecordKey, author: String?, note: String? = nil,
        build: (JournalTransaction, RecordState?, JSONValue?) throws -> [FieldOperation]
    ) throws -> AppendOutcome? {
        try store.write { transaction -> AppendOutcome? in
            let state = try transaction.recordState(key)
            let document = try transaction.reader.document(key)
            let operations = try build(transaction, state, document)
            if operations.isEmpty { return nil }
            let timestamp = HybridTimestamp.next(after: try transaction.reader.lastTimestamp(), physicalMillis: now())
            let seq = try transaction.reader.lastSeq(of: identity.nodeID) + 1
            let entry = (state ?? RecordState(key: key)).makeEntry(
                origin: identity.nodeID, seq: seq, operations: operations, timestamp: timestamp, author: author, note: note,
                prev: try transaction.reader.chainTip(of: identity.nodeID))
            do {
                try key.type.schema.validate(entry)
            } catch let error as ValidationError {
                throw APIError(error)
            }
            return try transaction.append([entry])
        }
    }

    /// The stored JSON text of a record, or a 404.
    public func documentText(_ key: RecordKey) throws -> String {
        guard let text = try store.read({ try $0.documentText(key) }) else {
            throw APIError.notFound("no \(key.type.rawValue) with id \(key.id)")
        }
        return text
    }

    /// The node's state for `GET /v1/status`.
    public func status() throws -> JSONValue {
        let sync = try store.syncState()
        let pending = try store.pendingEntries(of: identity.nodeID)
        return try store.read { reader in
            [
                "node_id": .string(identity.nodeID.rawValue),
                "department": .string(identity.department),
                "central_url": .string(identity.centralURL),
                "pending_entries": .int(Int64(pending)),
                "last_sync_at": sync.lastSyncAt.map(JSONValue.string) ?? .null,
                "last_error": sync.lastError.map(JSONValue.string) ?? .null,
                "journal_entries": .int(Int64(try reader.entryCount())),
                "open_conflicts": .int(Int64(try reader.openConflictCount())),
                "open_conflicts_by_department": .object(try reader.openConflictsByDepartment().mapValues { .int(Int64($0)) }),
            ]
        }
    }

    /// Parses a request body as JSON, or a 400 naming the problem.
    public static func parseJSON(_ bytes: [UInt8]) throws -> JSONValue {
        guard !bytes.isEmpty else { throw APIError.badRequest("the request body is empty: expected a JSON object") }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw APIError.badRequest("the request body is not valid JSON")
        }
    }

    /// Reads an optional id from a body: a ULID when present.
    static func takeID(_ members: inout [String: JSONValue], field: String = "id") throws -> String? {
        guard let value = members.removeValue(forKey: field), !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw APIError(ValidationError(.wrongType, field: field, value: value, expected: "a ULID string"))
        }
        guard ULID.isValid(text) else {
            throw APIError(ValidationError(.invalidValue, field: field, value: value, expected: FieldType.identifier.expectation))
        }
        return text
    }
}
