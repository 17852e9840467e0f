import EnlaceModel

/// What `verify` found.
public struct VerifyReport: Sendable {
    /// How many entries were checked.
    public var entries = 0
    /// How many records were recomputed.
    public var records = 0
    /// Problems, the first bad entry first; empty when the store is sound.
    public var problems: [String] = []

    /// Whether nothing is wrong.
    public var isSound: Bool { problems.isEmpty }
}

/// What `rebuild` changed.
public struct RebuildReport: Sendable {
    /// How many entries were replayed.
    public var entries = 0
    /// How many records were rebuilt.
    public var records = 0
    /// Differences between the stored and the recomputed state (empty when they matched).
    public var differences: [String] = []
}

/// Checks a stored journal against itself, whatever the database: every entry's encoding,
/// validity, hash and chain link, every signed head, and the materialised state against a
/// replay of the journal alone.
public enum JournalVerifier {
    /// A replay of the whole journal: the replica it builds, and every problem met.
    public struct Replay {
        public var replica = Replica()
        public var entries = 0
        public var folios: [(node: String, year: Int, number: Int)] = []
        public var problems: [String] = []
    }

    /// Replays every stored entry in journal order, checking each as it goes.
    public static func replay(_ reader: any JournalReading) throws -> Replay {
        var replay = Replay()
        var lastSeq: [String: Int64] = [:]
        var lastHash: [String: String] = [:]
        try reader.forEachEntry { row in
            replay.entries += 1
            let name = "entry at position \(row.position) (\(row.origin):\(row.seq))"
            let entry: JournalEntry
            do {
                entry = try EntryCoding.decode(row.text)
            } catch {
                replay.problems.append("\(name): does not decode")
                return
            }
            if EntryCoding.encode(entry) != row.text { replay.problems.append("\(name): body is not in canonical form") }
            do { try entry.recordType.schema.validate(entry) } catch { replay.problems.append("\(name): invalid: \(error)") }
            if entry.id.origin.rawValue != row.origin || Int64(entry.id.seq) != row.seq || entry.recordID != row.recordID
                || entry.recordType.rawValue != row.recordType || entry.timestamp.millis != row.atMillis
            {
                replay.problems.append("\(name): columns disagree with its body")
            }
            let expected = (lastSeq[row.origin] ?? 0) + 1
            if Int64(entry.id.seq) != expected {
                replay.problems.append("\(name): sequence gap for origin \(entry.id.origin): expected seq \(expected)")
            }
            lastSeq[row.origin] = max(lastSeq[row.origin] ?? 0, Int64(entry.id.seq))
            let hash = EntryChain.hash(row.text)
            if let stored = row.hash, stored != hash {
                replay.problems.append("\(name): its stored hash does not match its content (the entry was edited)")
            }
            if entry.prev != lastHash[row.origin] {
                replay.problems.append(
                    "\(name): breaks the hash chain of \(entry.id.origin) (an entry before it was altered, removed or reordered)")
            }
            lastHash[row.origin] = hash
            if let folio = entry.folioCounter { replay.folios.append(folio) }
            replay.replica.apply(entry)
        }
        return replay
    }

    /// Checks every stored chain head: its hash is the stored entry's, and its signature holds
    /// under the origin's pinned key.
    public static func checkHeads(_ reader: any JournalReading & KeyReading, hashes: (EntryID) throws -> String?) throws -> [String] {
        let keys = try reader.pinnedKeys()
        var problems: [String] = []
        for head in try reader.heads() {
            guard let origin = NodeID(head.origin) else { problems.append("chain head of '\(head.origin)': not a node id"); continue }
            if let stored = try hashes(EntryID(origin: origin, seq: head.seq)), stored != head.hash {
                problems.append("chain head \(head.origin):\(head.seq): does not match the stored entry (altered)")
            }
            guard let key = keys[head.origin] else {
                problems.append("chain head \(head.origin):\(head.seq): no key pinned for \(head.origin)")
                continue
            }
            if !EntryChain.verifyHead(origin: origin, seq: head.seq, hash: head.hash, signature: head.signature, publicKey: key) {
                problems.append("chain head \(head.origin):\(head.seq): the signature does not verify (forged)")
            }
        }
        return problems
    }

    /// Differences between what is materialised and what the replayed journal says.
    public static func compare(_ replica: Replica, with reader: any JournalReading) throws -> [String] {
        var differences: [String] = []
        let storedKeys = Set(try reader.recordKeys())
        for record in replica.materializeAll() {
            guard let stored = try reader.documentText(record.key) else {
                differences.append("\(record.key): missing from the materialised records")
                continue
            }
            if stored != record.document.canonicalText { differences.append("\(record.key): stored record differs from the journal") }
            let storedConflicts = Set(try reader.conflicts(of: record.key).map(\.json))
            let expected = Set((record.openConflicts + record.resolvedConflicts).map(\.json.canonicalText))
            if storedConflicts != expected { differences.append("\(record.key): stored conflicts differ from the journal") }
        }
        for key in storedKeys where replica.state(of: key) == nil {
            differences.append("\(key): materialised but has no journal entries")
        }
        return differences
    }
}
