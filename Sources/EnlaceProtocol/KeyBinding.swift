import EnlaceModel

/// `POST /v1/sync/bind` (a node's first contact, signed by the key its enrollment token derives)
/// and `POST /v1/sync/rotate` (signed by its current key): the node's own public keys, and the
/// first entry of its chain they sign.
public struct KeyBinding: Sendable, Equatable {
    public let signingKey: [UInt8]
    public let agreementKey: [UInt8]
    /// The first (epoch, seq) of the node's chain whose heads the new key signs.
    public let from: EntryID

    public init(signingKey: [UInt8], agreementKey: [UInt8], from: EntryID) {
        self.signingKey = signingKey
        self.agreementKey = agreementKey
        self.from = from
    }

    public var json: String {
        JSONValue.object([
            "signing_key": .string(EntryChain.hex(signingKey)), "agreement_key": .string(EntryChain.hex(agreementKey)),
            "from_epoch": .int(Int64(from.epoch)), "from_seq": .int(Int64(from.seq)),
        ]).canonicalText
    }

    /// Decodes a binding for `node`, or says what is wrong.
    public static func decode(_ bytes: [UInt8], node: NodeID) throws(WireError) -> KeyBinding {
        guard let value = try? JSONValue.parse(bytes),
              let signing = value["signing_key"]?.stringValue.flatMap(EntryChain.bytes(hex:)), signing.count == 32,
              let agreement = value["agreement_key"]?.stringValue.flatMap(EntryChain.bytes(hex:)), agreement.count == 32,
              let epoch = value["from_epoch"]?.intValue, (1...Int64(ReplicaID.maxEpoch)).contains(epoch),
              let seq = value["from_seq"]?.intValue, (0...Int64(EntryID.maxSeq)).contains(seq)
        else { throw WireError("expected {\"signing_key\", \"agreement_key\" (64 hex digits each), \"from_epoch\", \"from_seq\"}") }
        guard PublicKeyCheck.isAcceptableSigningKey(signing) else {
            throw WireError("signing_key is not an acceptable Ed25519 public key (a point of small order, or not canonically encoded)")
        }
        guard PublicKeyCheck.isAcceptableAgreementKey(agreement) else {
            throw WireError("agreement_key is not an acceptable X25519 public key (every secret agreed with it is zero)")
        }
        return KeyBinding(signingKey: signing, agreementKey: agreement,
                          from: EntryID(replica: ReplicaID(node, epoch: UInt32(epoch)), seq: UInt64(seq)))
    }
}
