import EnlaceModel

/// `POST /v1/sync/push` (`application/vnd.enlace.batch`): a node's own entries of one epoch,
/// ascending and contiguous by seq, each with its body, and the node's signature of the
/// batch's last envelope (the chain head vouches for every entry before it). Byte layout:
/// `docs/JOURNAL-FORMAT.md`.
public struct PushRequest: Sendable {
    /// The media type of a batch.
    public static let mediaType = "application/vnd.enlace.batch"
    static let magic = Array("EPB2".utf8)

    public var head: ChainHead
    public var entries: [ChainedEntry]
    /// The keys of the cases the entries edit, sealed to the central server's key.
    public var keys: KeyBundle

    public init(head: ChainHead, entries: [ChainedEntry], keys: KeyBundle = .empty) {
        self.head = head
        self.entries = entries
        self.keys = keys
    }

    /// The batch's bytes.
    public var bytes: [UInt8] {
        var writer = ByteWriter(capacity: 128 + entries.count * 400)
        writer.raw(PushRequest.magic)
        head.write(to: &writer)
        writer.varint(entries.count)
        for entry in entries { writer.entry(envelope: entry.envelope.bytes, body: entry.body?.blob) }
        keys.write(to: &writer)
        return writer.bytes
    }

    /// Decodes a batch, or says where it went wrong (never quoting its values).
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> PushRequest {
        do {
            var reader = ByteReader(bytes)
            guard try reader.raw(4, "magic") == magic else { throw FormatError("not an Enlace batch (format v2)") }
            let head = try ChainHead.read(&reader)
            let count = try reader.count("entries", minimumSize: 2)
            var entries: [ChainedEntry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count { entries.append(try reader.entry()) }
            let keys = try KeyBundle.read(&reader)
            guard reader.isAtEnd else { throw FormatError("bytes after the batch") }
            return PushRequest(head: head, entries: entries, keys: keys)
        } catch {
            throw WireError("the push body is not a valid batch: \(error)")
        }
    }
}

/// The answer to a push.
public struct PushResponse: Sendable, Equatable {
    /// The central store's identity.
    public var storeID: String
    /// Entries newly stored.
    public var stored: Int
    /// Entries already stored identically.
    public var duplicates: Int
    /// The highest seq of the batch's chain (origin and epoch) the central server now holds.
    public var lastSeq: UInt64
    /// Entries of the batch the central server keeps in their chain but could not apply, and why.
    public var quarantined: [(id: String, reason: String)]
    /// Of those, the ones stamped too far ahead of the central server's clock: the node re-makes
    /// each with its corrected clock (the first stays in the chain, quarantined).
    public var ahead: [String]

    public init(storeID: String, stored: Int, duplicates: Int, lastSeq: UInt64, quarantined: [(id: String, reason: String)] = [],
                ahead: [String] = []) {
        self.storeID = storeID
        self.stored = stored
        self.duplicates = duplicates
        self.lastSeq = lastSeq
        self.quarantined = quarantined
        self.ahead = ahead
    }

    public static func == (lhs: PushResponse, rhs: PushResponse) -> Bool {
        lhs.storeID == rhs.storeID && lhs.stored == rhs.stored && lhs.duplicates == rhs.duplicates && lhs.lastSeq == rhs.lastSeq
            && lhs.quarantined.map(\.id) == rhs.quarantined.map(\.id) && lhs.ahead == rhs.ahead
    }

    /// The answer's JSON text.
    public var json: String {
        JSONValue.object([
            "store_id": .string(storeID), "stored": .int(Int64(stored)), "duplicates": .int(Int64(duplicates)),
            "last_seq": .int(Int64(clamping: lastSeq)),
            "quarantined": .array(quarantined.map { ["id": .string($0.id), "reason": .string($0.reason)] }),
            "ahead": .array(ahead.map(JSONValue.string)),
        ]).canonicalText
    }

    /// Decodes an answer.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> PushResponse {
        guard let value = try? JSONValue.parse(bytes), let storeID = value["store_id"]?.stringValue,
              let stored = value["stored"]?.intValue, let duplicates = value["duplicates"]?.intValue,
              let lastSeq = value["last_seq"]?.intValue, lastSeq >= 0, stored >= 0, duplicates >= 0
        else { throw WireError("the central server's push answer is not understood") }
        let quarantined = (value["quarantined"]?.arrayValue ?? []).compactMap { item -> (String, String)? in
            guard let id = item["id"]?.stringValue, let reason = item["reason"]?.stringValue else { return nil }
            return (id, reason)
        }
        let ahead = (value["ahead"]?.arrayValue ?? []).compactMap(\.stringValue)
        return PushResponse(storeID: storeID, stored: Int(stored), duplicates: Int(duplicates), lastSeq: UInt64(lastSeq),
                            quarantined: quarantined, ahead: ahead)
    }
}
