/// Checks on Curve25519 keys and signatures that come from outside, made before swift-crypto
/// sees them: on Linux it checks a public key's length only, accepts small-order Ed25519 keys
/// and signature points (with the identity key, one signature verifies for every message), and
/// deliberately lets an all-zero X25519 result through. Refused here, as libsodium refuses them:
/// small-order points, non-canonical encodings, and signatures whose S is not below the group
/// order.
public enum PublicKeyCheck {
    /// Whether `key` is an Ed25519 public key a replica may bind: 32 bytes, its y canonical
    /// (below p = 2^255 - 19), not a point of small order.
    public static func isAcceptableSigningKey(_ key: [UInt8]) -> Bool {
        key.count == 32 && isCanonicalY(key) && !blocklisted(key, in: ed25519SmallOrderY)
    }

    /// Whether `key` is an X25519 public key a replica may bind or encrypt to: 32 bytes, not
    /// one whose every shared secret is zero (small order, or a non-canonical alias of one).
    public static func isAcceptableAgreementKey(_ key: [UInt8]) -> Bool {
        key.count == 32 && !blocklisted(key, in: x25519SmallOrderU)
    }

    /// Whether `signature` is worth verifying under `key`: the key acceptable, R not of small
    /// order, S below the group order L.
    public static func isAcceptableSignature(_ signature: [UInt8], by key: [UInt8]) -> Bool {
        guard signature.count == 64, isAcceptableSigningKey(key) else { return false }
        return !blocklisted(Array(signature[0..<32]), in: ed25519SmallOrderY) && isBelowGroupOrder(Array(signature[32..<64]))
    }

    /// Whether `secret` (a key agreement's result) is all zero: what a small-order peer key
    /// gives, known to anyone (RFC 7748, section 6.1).
    public static func isAllZero(_ secret: [UInt8]) -> Bool {
        secret.reduce(0) { $0 | $1 } == 0
    }

    /// The y coordinate (bit 255, the sign of x, masked) is below p = 2^255 - 19.
    static func isCanonicalY(_ key: [UInt8]) -> Bool {
        if key[31] & 0x7f != 0x7f { return true }
        for index in 1...30 where key[index] != 0xff { return true }
        return key[0] < 0xed
    }

    /// A 32-byte little-endian scalar is strictly below L (S is public: no need for constant time).
    static func isBelowGroupOrder(_ scalar: [UInt8]) -> Bool {
        for index in stride(from: 31, through: 0, by: -1) where scalar[index] != groupOrder[index] {
            return scalar[index] < groupOrder[index]
        }
        return false
    }

    /// Whether `key` is one of `list`, comparing the last byte with its top bit masked (the
    /// sign bit for Ed25519, ignored by X25519), so both variants of each entry are caught.
    static func blocklisted(_ key: [UInt8], in list: [[UInt8]]) -> Bool {
        list.contains { entry in
            var difference = (key[31] & 0x7f) ^ entry[31]
            for index in 0..<31 { difference |= key[index] ^ entry[index] }
            return difference == 0
        }
    }

    /// libsodium's `has_small_order` (x25519_ref10.c): u = 0, 1, the two points of order 8,
    /// p - 1, and the non-canonical p and p + 1.
    static let x25519SmallOrderU: [[UInt8]] = [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ].map { EntryChain.bytes(hex: $0)! }

    /// libsodium's `ge25519_has_small_order` (ed25519_ref10.c), by y: the eight points of small
    /// order (y = 0, 1, -1 and the two of order 8) and the non-canonical p and p + 1.
    static let ed25519SmallOrderY: [[UInt8]] = [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ].map { EntryChain.bytes(hex: $0)! }

    /// The order L of Ed25519's prime subgroup, 2^252 + 27742317777372353535851937790883648493,
    /// little-endian.
    static let groupOrder: [UInt8] = EntryChain.bytes(hex: "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")!
}
