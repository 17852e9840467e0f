import EnlaceModel

/// A signed head of an origin's hash chain: the origin vouches for every entry up to `seq`.
public struct ChainHead: Codable, Sendable, Equatable {
    /// The origin.
    public var origin: String
    /// The last entry it covers.
    public var seq: UInt64
    /// That entry's hash.
    public var hash: String
    /// The origin's Ed25519 signature of the head, in hex.
    public var signature: String
    /// The origin's public key (sent with a push, so the central server can pin it on first contact).
    public var publicKey: String?

    public init(origin: String, seq: UInt64, hash: String, signature: String, publicKey: String? = nil) {
        self.origin = origin
        self.seq = seq
        self.hash = hash
        self.signature = signature
        self.publicKey = publicKey
    }

    enum CodingKeys: String, CodingKey {
        case origin, seq, hash, signature, publicKey = "public_key"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        origin = try container.decode(String.self, forKey: .origin)
        seq = try container.decode(UInt64.self, forKey: .seq)
        guard EntryID.isValidSeq(seq) else {
            throw DecodingError.dataCorruptedError(forKey: .seq, in: container, debugDescription: "seq must be from 1 to \(EntryID.maxSeq)")
        }
        hash = try container.decode(String.self, forKey: .hash)
        signature = try container.decode(String.self, forKey: .signature)
        publicKey = try container.decodeIfPresent(String.self, forKey: .publicKey)
    }
}

extension ChainHead {
    /// The head's canonical JSON.
    public var json: String {
        var members: [String: JSONValue] = [
            "origin": .string(origin), "seq": .int(Int64(clamping: seq)), "hash": .string(hash), "signature": .string(signature),
        ]
        if let publicKey { members["public_key"] = .string(publicKey) }
        return JSONValue.object(members).canonicalText
    }
}
