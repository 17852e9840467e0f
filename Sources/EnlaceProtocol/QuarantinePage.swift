import EnlaceModel

/// The answer to the office's `GET /v1/quarantine`: entries kept in their chain without being
/// applied, oldest first, each with why, and the cursor of the next page.
public struct QuarantinePage: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        /// The entry's id (`origin:seq`, `origin~epoch:seq`).
        public var id: String
        public var reason: String

        public init(id: String, reason: String) {
            self.id = id
            self.reason = reason
        }
    }

    public var items: [Item]
    /// Where the next page starts (nil at the end).
    public var next: String?

    public init(items: [Item], next: String?) {
        self.items = items
        self.next = next
    }

    /// The answer's JSON.
    public var json: JSONValue {
        ["items": .array(items.map { ["id": .string($0.id), "reason": .string($0.reason)] }), "next": next.map(JSONValue.string) ?? .null]
    }

    /// Decodes an answer.
    public static func decode(_ value: JSONValue) throws(WireError) -> QuarantinePage {
        let failure = WireError("the page of quarantined entries is not understood")
        guard let list = value["items"]?.arrayValue else { throw failure }
        var items: [Item] = []
        for item in list {
            guard let id = item["id"]?.stringValue, let reason = item["reason"]?.stringValue else { throw failure }
            items.append(Item(id: id, reason: reason))
        }
        switch value["next"] {
        case nil, .null?: return QuarantinePage(items: items, next: nil)
        case .string(let next)?: return QuarantinePage(items: items, next: next)
        default: throw failure
        }
    }
}
