import Foundation

/// An error answer: `{"error", "field"}` plus the protocol's hints.
public struct ErrorAnswer: Decodable, Sendable {
    /// The reason.
    public var error: String
    /// For a refused gap: the seq the server expects next.
    public var expectedSeq: UInt64?
    /// For a push that diverges from what the central server holds (the node was restored from
    /// an older copy): the seq through which it holds the node's chain.
    public var heldThrough: UInt64?
    /// For an unknown pull cursor: start again from the beginning.
    public var reset: Bool?
    /// For a signed request whose time is off: the central server's time (epoch milliseconds).
    public var serverTime: Int64?

    enum CodingKeys: String, CodingKey {
        case error, expectedSeq = "expected_seq", heldThrough = "held_through", reset, serverTime = "server_time"
    }

    /// Decodes an error body; nil when it is not one.
    public static func decode(_ bytes: [UInt8]) -> ErrorAnswer? {
        try? JSONDecoder().decode(ErrorAnswer.self, from: Data(bytes))
    }
}

/// A message that does not decode, said precisely: where, never what was found there.
public struct WireError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

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
        case DecodingError.dataCorrupted(let context):
            let at = path(context)
            return at.isEmpty ? context.debugDescription : "\(at): \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, let context):
            let at = path(context)
            return "missing \(at.isEmpty ? key.stringValue : at + "." + key.stringValue)"
        case DecodingError.typeMismatch(_, let context): return "wrong type at \(path(context))"
        case DecodingError.valueNotFound(_, let context): return "missing value at \(path(context))"
        default: return "not JSON"
        }
    }
}
