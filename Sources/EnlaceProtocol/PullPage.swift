import EnlaceModel
import Foundation

/// `GET /v1/sync/pull`: one page of the change feed.
public struct PullPage: Decodable, Sendable {
    /// The central store's identity.
    public var storeID: String
    /// Entries from other origins, in feed order.
    public var entries: [JournalEntry]
    /// The cursor after this page: the position of its last entry…
    public var nextPosition: Int64
    /// …and that entry's id (`origin:seq`).
    public var nextEntry: String?
    /// Whether another page follows.
    public var more: Bool
    /// The signed chain heads that cover this page's entries.
    public var heads: [ChainHead]

    enum CodingKeys: String, CodingKey {
        case storeID = "store_id", entries, nextPosition = "next_position", nextEntry = "next_entry", more, heads
    }

    /// A page's JSON, splicing the stored canonical entry texts (the feed's fast path: entries
    /// are never decoded and re-encoded on their way out).
    public static func encode(
        storeID: String, entries: [String], nextPosition: Int64, nextEntry: String?, more: Bool, heads: [ChainHead]
    ) -> String {
        "{\"store_id\":" + JSONValue.string(storeID).canonicalText
            + ",\"entries\":[" + entries.joined(separator: ",") + "]"
            + ",\"next_position\":\(nextPosition)"
            + ",\"next_entry\":" + (nextEntry.map { JSONValue.string($0).canonicalText } ?? "null")
            + ",\"more\":\(more)"
            + ",\"heads\":[" + heads.map(\.json).joined(separator: ",") + "]}"
    }

    /// Decodes a page, or says where it went wrong (never quoting its values).
    public static func decode(_ bytes: some Collection<UInt8>) throws(WireError) -> PullPage {
        do { return try JSONDecoder().decode(PullPage.self, from: Data(bytes)) } catch {
            throw WireError("the central server's feed page is not understood (\(WireError.describe(error)))")
        }
    }
}
