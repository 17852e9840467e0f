import EnlaceModel
import EnlaceProtocol
import EnlaceStore

extension CentralServer {
    /// Which key a node's request must be signed with.
    public enum SigningKeyUse: Sendable {
        /// The key its enrollment token derives (only its first contact).
        case enrollment
        /// Its own key, bound at its first contact.
        case current
    }

    /// Checks that a node's request carries a fresh, unrepeated signature by the node's key:
    /// a bearer token alone reads and writes nothing.
    public func verifyRequest(
        from node: NodeID, header: String?, method: String, path: String, body: [UInt8], use: SigningKeyUse
    ) async throws {
        guard let header, let signature = RequestSignature(headerValue: header) else {
            throw Refusal.unauthenticated("sync requests must carry a valid \(RequestSignature.header) header signed by the node's key")
        }
        guard signature.node == node else { throw Refusal.unauthenticated("the request is signed for another node than the token's") }
        let now = self.now()
        guard let credential = try await storage.nodeCredential(node) else {
            throw Refusal.unauthenticated("node \(node) is not enrolled or was revoked")
        }
        let key: [UInt8]
        switch use {
        case .enrollment:
            // Once bound, only a repeat of the same binding (an answer the node never received)
            // passes; `bind` refuses any other.
            guard let enrollment = credential.enrollmentKey else {
                throw Refusal.unauthenticated(
                    "node \(node)'s enrollment token was already used at its first contact; revoke the node and enroll it again")
            }
            key = enrollment
        case .current:
            guard let current = credential.signingKey else {
                throw Refusal.unauthenticated("node \(node) has not bound its key yet: its first request must be \(Route.bind)")
            }
            key = current
        }
        let message = RequestSignature.message(method: method, path: path, timestamp: signature.timestamp, nonce: signature.nonce, body: body)
        guard ReplicaKey.verify(signature.signature, of: message, by: key) else {
            throw Refusal.unauthenticated("the request's signature does not verify with node \(node)'s key")
        }
        // Checked once the signature is: only the node itself can report its clock to the office.
        let (skew, overflow) = signature.timestamp.subtractingReportingOverflow(now)
        guard !overflow, skew.magnitude <= UInt64(RequestSignature.window) else {
            if !overflow { try await storage.deskWrite { try await $0.recordClockOff(node.rawValue, skew: skew, at: now) } }
            throw Refusal.clockSkew(
                "the request's time is \(skew.magnitude / 1000) s from the central server's: correct the clock offset", serverTime: now)
        }
        // Claimed in the store: a replay reaching another central process is refused too.
        guard try await storage.claimNonce("\(node.rawValue) \(signature.nonce)", at: now, window: 2 * RequestSignature.window) else {
            throw Refusal.unauthenticated("this signed request was already used (a replay)")
        }
    }
}
