import EnlaceModel
import Foundation

/// `POST /v1/sync/push`: a node's own entries, ascending and contiguous by seq, and its
/// signature of the batch's last entry (the chain head vouches for every entry before it).
public struct PushRequest: Decodable, Sendable {
    /// The entries.
    public var entries: [JournalEntry]
    /// The origin's signed head.
    public var head: ChainHead?

    /// The body of a push, splicing stored canonical entry texts (no re-encoding).
    public static func encode(entries: [String], head: ChainHead) -> [UInt8] {
        Array(("{\"entries\":[" + entries.joined(separator: ",") + "],\"head\":" + head.json + "}").utf8)
    }

    /// Decodes a push body, or says where it went wrong (never quoting its values).
    public static func decode(_ bytes: some Collection<UInt8>) throws(WireError) -> PushRequest {
        do {
            return try JSONDecoder().decode(PushRequest.self, from: Data(bytes))
        } catch {
            throw WireError("the push body is not a valid batch: \(WireError.describe(error))")
        }
    }
}

/// The answer to a push.
public struct PushResponse: Codable, Sendable {
    /// The central store's identity.
    public var storeID: String
    /// Entries newly stored.
    public var stored: Int
    /// Entries already stored identically.
    public var duplicates: Int
    /// The highest seq of the caller's origin the central server now holds.
    public var lastSeq: UInt64

    public init(storeID: String, stored: Int, duplicates: Int, lastSeq: UInt64) {
        self.storeID = storeID
        self.stored = stored
        self.duplicates = duplicates
        self.lastSeq = lastSeq
    }

    enum CodingKeys: String, CodingKey {
        case storeID = "store_id", stored, duplicates, lastSeq = "last_seq"
    }

    /// The answer's JSON text.
    public var json: String {
        JSONValue.object([
            "store_id": .string(storeID), "stored": .int(Int64(stored)), "duplicates": .int(Int64(duplicates)),
            "last_seq": .int(Int64(clamping: lastSeq)),
        ]).canonicalText
    }

    /// Decodes an answer.
    public static func decode(_ bytes: some Collection<UInt8>) throws(WireError) -> PushResponse {
        do { return try JSONDecoder().decode(PushResponse.self, from: Data(bytes)) } catch {
            throw WireError("the central server's push answer is not understood (\(WireError.describe(error)))")
        }
    }
}
