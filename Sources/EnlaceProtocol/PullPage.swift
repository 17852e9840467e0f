import EnlaceModel

/// `GET /v1/sync/pull` (`application/vnd.enlace.page`): one page of the change feed — every
/// entry's envelope, its body where the node may hold it (a stub otherwise), and the signed
/// heads that cover them. Byte layout: `docs/JOURNAL-FORMAT.md`.
public struct PullPage: Sendable {
    /// The media type of a page.
    public static let mediaType = "application/vnd.enlace.page"
    static let magic = Array("EPP2".utf8)

    /// The central store's identity.
    public var storeID: String
    /// The cursor after this page: the position of its last entry…
    public var nextPosition: Int64
    /// …and that entry's id.
    public var nextEntry: String?
    /// Whether another page follows.
    public var more: Bool
    /// The signed chain heads that cover this page's entries.
    public var heads: [ChainHead]
    /// Entries from other origins, in feed order.
    public var entries: [ChainedEntry]
    /// The last change of the node's department's scope this page takes in.
    public var scopeNext: Int64
    /// Cases that left the department's scope: the node purges their contents.
    public var left: [String]
    /// Bodies of the earlier entries of cases that entered the scope (for envelopes the node
    /// holds as stubs).
    public var history: [ChainedEntry]
    /// The keys of the cases whose bodies this page carries, sealed to the node's key.
    public var keys: KeyBundle
    /// When the page ends inside a case's history (a case too long for one page): the journal
    /// position the next page goes on after, with `scopeNext` still before that case's change
    /// (0: the page ends between changes). Written after the keys only when not 0, so a page
    /// that splits no case is the same bytes as before.
    public var scopeHistoryAfter: Int64 = 0

    /// A page's bytes, splicing stored envelopes and bodies (the feed's fast path: nothing is
    /// decoded on its way out).
    public static func encode(
        storeID: String, nextPosition: Int64, nextEntry: String?, more: Bool, heads: [ChainHead],
        entries: [(envelope: [UInt8], body: [UInt8]?)], scopeNext: Int64 = 0, left: [String] = [],
        history: [(envelope: [UInt8], body: [UInt8]?)] = [], keys: KeyBundle = .empty, scopeHistoryAfter: Int64 = 0
    ) -> [UInt8] {
        var writer = ByteWriter(capacity: 128 + heads.count * 120 + entries.reduce(0) { $0 + $1.envelope.count + ($1.body?.count ?? 0) + 8 })
        writer.raw(magic)
        writer.string(storeID)
        writer.i64(nextPosition)
        if let nextEntry {
            writer.u8(1)
            writer.string(nextEntry)
        } else {
            writer.u8(0)
        }
        writer.u8(more ? 1 : 0)
        writer.varint(heads.count)
        for head in heads { head.write(to: &writer) }
        writer.varint(entries.count)
        for entry in entries { writer.entry(envelope: entry.envelope, body: entry.body) }
        writer.i64(scopeNext)
        writer.varint(left.count)
        for id in left { writer.string(id) }
        writer.varint(history.count)
        for entry in history { writer.entry(envelope: entry.envelope, body: entry.body) }
        keys.write(to: &writer)
        if scopeHistoryAfter > 0 { writer.i64(scopeHistoryAfter) }
        return writer.bytes
    }

    /// Decodes a page, or says where it went wrong (never quoting its values).
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> PullPage {
        do {
            var reader = ByteReader(bytes)
            guard try reader.raw(4, "magic") == magic else { throw FormatError("not an Enlace feed page (format v2)") }
            let storeID = try reader.string("store id")
            let nextPosition = try reader.i64("next position")
            let nextEntry: String? = switch try reader.u8("next entry flag") {
            case 0: nil
            case 1: try reader.string("next entry")
            default: throw FormatError("next entry: bad presence flag")
            }
            let more: Bool = switch try reader.u8("more") {
            case 0: false
            case 1: true
            default: throw FormatError("more: not a flag")
            }
            let headCount = try reader.count("heads", minimumSize: 110)
            var heads: [ChainHead] = []
            for _ in 0..<headCount { heads.append(try ChainHead.read(&reader)) }
            let count = try reader.count("entries", minimumSize: 2)
            var entries: [ChainedEntry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count { entries.append(try reader.entry()) }
            let scopeNext = try reader.i64("scope position")
            guard scopeNext >= 0 else { throw FormatError("scope position: negative") }
            let leftCount = try reader.count("left cases", minimumSize: 1)
            var left: [String] = []
            for _ in 0..<leftCount { left.append(try reader.string("left case")) }
            let historyCount = try reader.count("history", minimumSize: 2)
            var history: [ChainedEntry] = []
            for _ in 0..<historyCount {
                let entry = try reader.entry()
                guard entry.body != nil else { throw FormatError("history: an entry without its body") }
                history.append(entry)
            }
            let keys = try KeyBundle.read(&reader)
            var historyAfter: Int64 = 0
            if !reader.isAtEnd {
                historyAfter = try reader.i64("history position")
                guard historyAfter > 0, more else { throw FormatError("history position: not a split case's") }
            }
            guard reader.isAtEnd else { throw FormatError("bytes after the page") }
            return PullPage(storeID: storeID, nextPosition: nextPosition, nextEntry: nextEntry, more: more, heads: heads, entries: entries,
                            scopeNext: scopeNext, left: left, history: history, keys: keys, scopeHistoryAfter: historyAfter)
        } catch {
            throw WireError("the central server's feed page is not understood: \(error)")
        }
    }
}
