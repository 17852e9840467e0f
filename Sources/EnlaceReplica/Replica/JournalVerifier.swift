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

/// Checks a stored journal against itself, whatever the database: every envelope's encoding,
/// hash and chain link, every held body's commitment, encoding and validity, every signed head
/// (stubs verify as well as whole entries), and the materialised state against a replay of the
/// journal alone.
public enum JournalVerifier {
    /// A replay of the whole journal: the replica and directory it builds, and every problem met.
    public struct Replay {
        public var replica = Replica()
        public var directory = Directory()
        public var entries = 0
        public var folios: [(node: String, year: Int, number: Int)] = []
        /// Erasures applied, by case id: those cases are their tombstones.
        public var erasures: [String: ErasureEvent] = [:]
        public var problems: [String] = []
    }

    /// Replays every stored entry in journal order, checking each as it goes.
    public static func replay(_ reader: any JournalReading) async throws -> Replay {
        var replay = Replay()
        var tips: [ReplicaID: (seq: UInt64, hash: Hash256)] = [:]
        // Case keys, opened once per case.
        let keys = CaseKeyMemo(reader)
        try await reader.forEachEntry { row in
            replay.entries += 1
            let name = "entry at position \(row.position) (\(row.name))"
            let envelope: EntryEnvelope
            do { envelope = try EntryEnvelope(bytes: row.envelope) } catch {
                replay.problems.append("\(name): its envelope does not decode (\(error))")
                return
            }
            let id = envelope.id
            if id.origin.rawValue != row.origin || Int64(id.epoch) != row.epoch || Int64(id.seq) != row.seq {
                replay.problems.append("\(name): columns disagree with its envelope")
            }
            let hash = envelope.hash
            if hash.bytes != row.hash { replay.problems.append("\(name): its stored hash does not match its envelope (the entry was edited)") }
            let tip = tips[id.replica]
            if id.seq != (tip?.seq ?? 0) + 1 {
                replay.problems.append("\(name): sequence gap for \(id.replica): expected seq \((tip?.seq ?? 0) + 1)")
            } else if envelope.prev != tip?.hash {
                replay.problems.append("\(name): breaks the hash chain of \(id.replica) (an entry before it was altered, removed or reordered)")
            }
            tips[id.replica] = (id.seq, hash)
            guard let blob = row.body else {
                if row.state != .stub { replay.problems.append("\(name): has no body but is not a stub") }
                return
            }
            let body: EntryBody
            do { body = try EntryBody(blob: blob) } catch {
                replay.problems.append("\(name): its body is malformed")
                return
            }
            guard body.commitment == envelope.commitment else {
                replay.problems.append("\(name): its body is not the one its envelope commits to (the entry was edited)")
                return
            }
            guard row.state == .applied else { return }
            switch body.bytes.count >= 2 ? BodyKind(rawValue: body.bytes[1]) : nil {
            case .edit, .sealedEdit:
                do {
                    let edit = try await keys.read(id, body: body)
                    try edit.recordType.schema.validate(edit)
                    if edit.recordType.rawValue != row.recordType || edit.recordID != row.recordID || edit.timestamp.millis != row.atMillis {
                        replay.problems.append("\(name): columns disagree with its body")
                    }
                    if let folio = edit.folioCounter { replay.folios.append(folio) }
                    replay.replica.apply(edit)
                } catch {
                    replay.problems.append("\(name): applied but invalid: \(error)")
                }
            case .directory:
                do { replay.directory.apply(try DirectoryEvent(body: body.bytes)) } catch {
                    replay.problems.append("\(name): applied but invalid: \(error)")
                }
            case .erasure:
                do {
                    let event = try ErasureEvent(body: body.bytes)
                    if replay.erasures[event.caseID] == nil { replay.erasures[event.caseID] = event }
                } catch {
                    replay.problems.append("\(name): applied but invalid: \(error)")
                }
            default:
                replay.problems.append("\(name): applied but of no kind this version applies")
            }
        }
        return replay
    }

    /// Checks every stored chain head: its hash is the stored envelope's, and its signature holds
    /// under the anchor key (the central server's chain) or the key the directory says was in
    /// force (every other chain).
    public static func checkHeads(_ reader: any JournalReading & KeyReading, directory: Directory,
                                  hashes: (EntryID) async throws -> Hash256?) async throws -> [String] {
        let anchor = try await reader.anchorKey()
        var problems: [String] = []
        for head in try await reader.heads() {
            if let stored = try await hashes(head.id), stored != head.hash {
                problems.append("chain head \(head.id): does not match the stored envelope (altered)")
            }
            guard let key = head.id.origin == .central ? anchor : directory.signingKey(for: head.id) else {
                problems.append("chain head \(head.id): no key vouches for \(head.id.origin) there")
                continue
            }
            if !EntryChain.verifyHead(head.id, hash: head.hash, signature: head.signature, publicKey: key) {
                problems.append("chain head \(head.id): the signature does not verify (forged)")
            }
        }
        return problems
    }

    /// Differences between what is materialised and what the replayed journal says.
    public static func compare(_ replay: Replay, with reader: any JournalReading) async throws -> [String] {
        var differences: [String] = []
        let storedKeys = await Set(try reader.recordKeys())
        for record in replay.replica.materializeAll() {
            guard let stored = try await reader.documentText(record.key) else {
                differences.append("\(record.key): missing from the materialised records")
                continue
            }
            // Location tokens are stored opened where this replica holds their key.
            let locationKeys = await record.key.type == .caseFile ? try reader.locationKeys(record.key.id) : [:]
            func shown(_ value: JSONValue) -> String {
                locationKeys.isEmpty ? value.canonicalText : LocationSeal.reveal(value, caseID: record.key.id) { locationKeys[$0] }.canonicalText
            }
            if stored != shown(record.document) { differences.append("\(record.key): stored record differs from the journal") }
            let storedConflicts = await Set(try reader.conflicts(of: record.key).map(\.json))
            let expected = Set((record.openConflicts + record.resolvedConflicts).map { shown($0.json) })
            if storedConflicts != expected { differences.append("\(record.key): stored conflicts differ from the journal") }
        }
        for key in storedKeys where replay.replica.state(of: key) == nil {
            if key.type == .caseFile, let erasure = replay.erasures[key.id] {
                if try await reader.documentText(key) != erasure.tombstone.canonicalText { differences.append("\(key): its tombstone differs from its erasure") }
                continue
            }
            differences.append("\(key): materialised but has no journal entries")
        }
        for (id, _) in replay.erasures where replay.replica.state(of: RecordKey(.caseFile, id)) != nil {
            differences.append("case \(id): erased, yet the journal still holds contents of it")
        }
        if try await reader.directory() != replay.directory { differences.append("the directory differs from the journal's directory events") }
        return differences
    }
}
