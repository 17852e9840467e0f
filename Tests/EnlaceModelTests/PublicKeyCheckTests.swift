import Crypto
import EnlaceModel
import Foundation
import Testing

/// Keys and signatures from outside, checked before swift-crypto sees them, with the published
/// small-order points (libsodium's blocklists, Wycheproof's X25519 low-order public keys, the
/// ed25519-speccheck cases).
@Suite("Weak keys refused")
struct PublicKeyCheckTests {
    func bytes(_ hex: String) -> [UInt8] { EntryChain.bytes(hex: hex)! }

    @Test("X25519: the small-order points and their aliases are refused; a real key is accepted")
    func agreementKeys() {
        let weak = [
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",  // Wycheproof tcId 63
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",  // tcId 64
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  // tcId 68 (high bit set)
            "0000000000000000000000000000000000000000000000000000000000000080",  // tcId 84
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // tcId 74
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // tcId 75
        ]
        for key in weak {
            #expect(!PublicKeyCheck.isAcceptableAgreementKey(bytes(key)), "\(key)")
            // What makes them weak: every secret agreed with one is zero.
            let secret = try? Curve25519.KeyAgreement.PrivateKey().sharedSecretFromKeyAgreement(
                with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: bytes(key)))
            #expect(secret.map { PublicKeyCheck.isAllZero($0.withUnsafeBytes { Array($0) }) } ?? true, "\(key)")
        }
        for _ in 0..<64 { #expect(PublicKeyCheck.isAcceptableAgreementKey(Array(Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation))) }
        #expect(!PublicKeyCheck.isAcceptableAgreementKey([1, 2, 3]))
    }

    @Test("Ed25519: small-order and non-canonical keys are refused; a real key is accepted")
    func signingKeys() {
        let weak = [
            "0100000000000000000000000000000000000000000000000000000000000000",  // the identity
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // order 2
            "0000000000000000000000000000000000000000000000000000000000000000",  // order 4
            "0000000000000000000000000000000000000000000000000000000000000080",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
            "0100000000000000000000000000000000000000000000000000000000000080",  // negative zero
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = p + 3, non-canonical
        ]
        for key in weak { #expect(!PublicKeyCheck.isAcceptableSigningKey(bytes(key)), "\(key)") }
        for _ in 0..<64 { #expect(PublicKeyCheck.isAcceptableSigningKey(Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))) }
    }

    @Test("signatures: the identity key's universal forgery and speccheck's small-order cases are refused; S at or above L is refused")
    func signatures() throws {
        // With the identity as public key, R = identity and S = 0 satisfy the verification
        // equation for every message: swift-crypto on Linux accepts it.
        let identity = bytes("0100000000000000000000000000000000000000000000000000000000000000")
        let forged = bytes("01") + [UInt8](repeating: 0, count: 63)
        #expect(!EntryChain.verifyHead(EntryID(origin: NodeID("c4-01")!, seq: 1), hash: Hash256.of([1]), signature: forged, publicKey: identity))
        #expect(!PublicKeyCheck.isAcceptableSignature(forged, by: identity))
        // speccheck #0: small A, small R, S = 0.
        let small = bytes("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa")
        #expect(!PublicKeyCheck.isAcceptableSignature(bytes("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a") + [UInt8](repeating: 0, count: 32), by: small))
        // A real signature verifies; the same with S + L (non-canonical, same point) does not.
        let key = Curve25519.Signing.PrivateKey()
        let message = Array("enlace".utf8)
        let signature = Array(try key.signature(for: message))
        let publicKey = Array(key.publicKey.rawRepresentation)
        #expect(PublicKeyCheck.isAcceptableSignature(signature, by: publicKey))
        var high = signature
        var carry = 0
        let order = bytes("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
        for index in 32..<64 {
            let sum = Int(high[index]) + Int(order[index - 32]) + carry
            high[index] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        #expect(!PublicKeyCheck.isAcceptableSignature(high, by: publicKey))
        #expect(!PublicKeyCheck.isAcceptableSignature(Array(signature[0..<32]) + order, by: publicKey))
    }
}
