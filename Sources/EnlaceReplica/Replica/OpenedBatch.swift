import Crypto
import EnlaceModel

/// A pushed batch's edits opened, decoded and validated before its transaction, with the case
/// keys the batch brings: the work that needs nothing stored, done outside the append lock, so
/// that one node's batch is opened while another's is written. An entry it leaves (a stub, a
/// key the batch does not bring, a body that does not open, decode or validate) is left to the
/// transaction, which reads and judges it exactly as it would without this.
public struct OpenedBatch: Sendable {
    /// Per entry, its edit when it opened, decoded and validated here.
    public private(set) var edits: [JournalEntry?]

    public init(_ entries: [ChainedEntry], keys: [String: SymmetricKey]) {
        edits = entries.map { entry in
            // The checks `ReplicaWriter.classify` makes of an edit, with the batch's keys.
            guard let body = entry.body, body.bytes.count >= 2, let kind = BodyKind(rawValue: body.bytes[1]),
                  kind == .edit || kind == .sealedEdit,
                  let edit = try? JournalEntry.read(id: entry.id, body: body, key: { $0.type == .caseFile ? keys[$0.id] : nil }),
                  (try? ReplicaWriter.check(edit, in: body, validate: true)) != nil
            else { return nil }
            return edit
        }
    }

    /// Leaves the edits of `cases` to the transaction (cases it finds erased: it stores their
    /// entries as stubs, their bodies unread).
    public mutating func leave(cases: Set<String>) {
        guard !cases.isEmpty else { return }
        for index in edits.indices where edits[index].map({ $0.recordType == .caseFile && cases.contains($0.recordID) }) ?? false {
            edits[index] = nil
        }
    }

    /// The batch's edits for `ReplicaWriter.append`: those opened here, and what `read` (the
    /// transaction's own reading) gives for the entries left to it.
    public func merged(with read: (Int) async -> JournalEntry?) async -> (decoded: [JournalEntry?], validated: [Bool]) {
        var decoded: [JournalEntry?] = []
        decoded.reserveCapacity(edits.count)
        for (index, edit) in edits.enumerated() { decoded.append(edit == nil ? await read(index) : edit) }
        return (decoded, edits.map { $0 != nil })
    }
}
