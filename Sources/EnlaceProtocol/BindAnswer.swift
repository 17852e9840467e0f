import EnlaceModel

/// The answer to `POST /v1/sync/bind` and `POST /v1/sync/rotate`: the keys are bound, in the
/// central store named.
public struct BindAnswer: Sendable, Equatable {
    /// The central store's identity.
    public var storeID: String

    public init(storeID: String) {
        self.storeID = storeID
    }

    /// The answer's JSON text.
    public var json: String {
        JSONValue.object(["bound": true, "store_id": .string(storeID)]).canonicalText
    }

    /// Decodes an answer.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> BindAnswer {
        guard let value = try? JSONValue.parse(bytes), value["bound"]?.boolValue == true, let storeID = value["store_id"]?.stringValue
        else { throw WireError("the central server's answer to a key binding is not understood") }
        return BindAnswer(storeID: storeID)
    }
}
