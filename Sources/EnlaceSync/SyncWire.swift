import EnlaceModel

/// The sync protocol's messages (documented in `openapi/central.yaml`).
public enum SyncWire {
    /// Why a message did not decode, naming where but never copying the value found there.
    public static func describe(_ error: Error) -> String {
        let path: (DecodingError.Context) -> String = { context in
            // Member names from the message are named only when they look like protocol names.
            context.codingPath.map { key in
                key.intValue.map(String.init)
                    ?? (key.stringValue.utf8.count <= 32 && key.stringValue.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
                        ? key.stringValue : "?")
            }.joined(separator: ".")
        }
        switch error {
        case DecodingError.dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, let context): return "missing \((path(context) + "." + key.stringValue).trimmingPrefixDots)"
        case DecodingError.typeMismatch(_, let context): return "wrong type at \(path(context))"
        case DecodingError.valueNotFound(_, let context): return "missing value at \(path(context))"
        default: return "not JSON"
        }
    }

    /// `POST /v1/sync/push`: a node's own entries, ascending and contiguous by seq.
    public struct PushRequest: Codable, Sendable {
        /// The entries.
        public var entries: [JournalEntry]
        /// The origin's signature of the batch's last entry (its chain head).
        public var head: ChainHead?
        public init(entries: [JournalEntry], head: ChainHead?) {
            self.entries = entries
            self.head = head
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
    }

    /// `GET /v1/sync/pull`: one page of the change feed.
    public struct PullResponse: Codable, Sendable {
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
    }

    /// An error answer (`{"error", "field"}` plus protocol hints).
    public struct ErrorResponse: Codable, Sendable {
        /// The reason.
        public var error: String
        /// For a refused gap: the seq the server expects next.
        public var expectedSeq: UInt64?
        /// For an unknown pull cursor: start again from the beginning.
        public var reset: Bool?

        enum CodingKeys: String, CodingKey {
            case error, expectedSeq = "expected_seq", reset
        }
    }
}

extension String {
    fileprivate var trimmingPrefixDots: String { String(drop { $0 == "." }) }
}
