import EnlaceModel

/// How a node proves, on every sync request, that it holds its current key (so a stolen bearer
/// token alone reads and writes nothing): the `Enlace-Signature` header, an Ed25519 signature
/// over the method, the path with its query, a time, a nonce and the body's hash.
///
///     Enlace-Signature: node=c4-01, ts=1764500000000, nonce=9f…, sig=3a…
public struct RequestSignature: Sendable, Equatable {
    /// The header's name.
    public static let header = "Enlace-Signature"
    /// How far a request's time may be from the central server's (milliseconds).
    public static let window: Int64 = 5 * 60 * 1000

    public let node: NodeID
    /// The signer's time, corrected by its last measured offset to the central server's clock.
    public let timestamp: Int64
    /// 16 random bytes, hex: a request is accepted once.
    public let nonce: String
    public let signature: [UInt8]

    public init(node: NodeID, timestamp: Int64, nonce: String, signature: [UInt8]) {
        self.node = node
        self.timestamp = timestamp
        self.nonce = nonce
        self.signature = signature
    }

    /// The bytes signed for a request.
    public static func message(method: String, path: String, timestamp: Int64, nonce: String, body: [UInt8]) -> [UInt8] {
        Array("enlace-request-v1\n\(method)\n\(path)\n\(timestamp)\n\(nonce)\n\(Hash256.of(body).hex)".utf8)
    }

    /// The header's value.
    public var headerValue: String {
        "node=\(node.rawValue), ts=\(timestamp), nonce=\(nonce), sig=\(EntryChain.hex(signature))"
    }

    /// Parses a header value; nil when malformed.
    public init?(headerValue: String) {
        var fields: [String: String] = [:]
        for part in headerValue.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            fields[pair[0].trimmingSpaces] = pair[1].trimmingSpaces
        }
        guard let node = fields["node"].flatMap(NodeID.init), let timestamp = fields["ts"].flatMap(Int64.init),
              let nonce = fields["nonce"], nonce.utf8.count == 32, EntryChain.bytes(hex: nonce) != nil,
              let signature = fields["sig"].flatMap(EntryChain.bytes(hex:)), signature.count == 64
        else { return nil }
        self.init(node: node, timestamp: timestamp, nonce: nonce, signature: signature)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
