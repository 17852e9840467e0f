import Crypto
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation

/// The node's keys with the central server: bound at its first contact with the key its
/// enrollment token derives, and rotated when its admin asks.
struct KeyExchange: RoundPart {
    let context: RoundContext

    /// The node's first contact: its own keys are bound, signed with the key its enrollment
    /// token derives; the token's secret is then forgotten.
    func bindIfNeeded() async throws(SyncError) {
        guard let secret = try await local({ try await store.pendingEnrollment() }) else { return }
        let binding = KeyBinding(signingKey: key.signingPublicKey, agreementKey: key.agreementPublicKey,
                                 from: EntryID(replica: try await local { try await store.syncState().pushed.replica }, seq: 1))
        let answer = try await session.send("POST", Route.bind, body: Array(binding.json.utf8), contentType: "application/json",
                                      signer: ReplicaKey.enrollment(secret: secret))
        try check(answer)
        try await local { try await store.completeEnrollment(at: SystemClock.now) }
    }

    /// A key rotation the node's admin asked for: the next key is bound, signed with the current
    /// one, from the first entry the central server does not hold yet; then it signs everything.
    func rotateIfAsked() async throws(SyncError) {
        guard let next = keys.next else { return }
        // The vault opens with the next key too before the switch, so no moment exists when the
        // store's key opens nothing.
        try await local { try await store.wrapVault(to: next) }
        let state = try await local { try await store.syncState() }
        let replica = state.pushed.replica
        let pushedHere = state.pushed.seq
        let binding = KeyBinding(signingKey: next.signingPublicKey, agreementKey: next.agreementPublicKey,
                                 from: EntryID(replica: replica, seq: pushedHere + 1))
        let answer = try await session.send("POST", Route.rotate, body: Array(binding.json.utf8), contentType: "application/json", signer: key)
        try check(answer)
        do { try keys.rotated() } catch { throw SyncError(.failed, "the central server accepted the new key, but: \(error)") }
        // The old private key is gone: its wrap of the vault goes too.
        try await local { try await store.retireVaultWraps(keeping: keys.current) }
    }
}
