import EnlaceModel

/// The answer to `POST /v1/sync/rotate`: the node's next keys are bound.
public struct RotateAnswer: Sendable, Equatable {
    public init() {}

    /// The answer's JSON text.
    public var json: String { #"{"rotated":true}"# }

    /// Decodes an answer.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> RotateAnswer {
        guard (try? JSONValue.parse(bytes))?["rotated"]?.boolValue == true
        else { throw WireError("the central server's answer to a key rotation is not understood") }
        return RotateAnswer()
    }
}
