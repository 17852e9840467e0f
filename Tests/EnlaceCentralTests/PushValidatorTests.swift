import Crypto
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import EnlaceTestSupport
import Testing

@testable import EnlaceCentral

/// The push validator is pure: each stage is a function of the batch and of facts handed to it,
/// so every refusal is proven here without a store, with the refusal a node is answered with.
@Suite("Push validator")
struct PushValidatorTests {
    let record = RecordKey(.caseFile, "c-validator")

    /// A C4 node's chain of `count` edits of one case, and its signed batch.
    func chain(_ count: Int = 3, origin: TestOrigin = TestOrigin("c4-01")) async throws -> (TestOrigin, PushRequest) {
        for _ in 0..<count { origin.seal(origin.edit(record, [.set(field: "summary", value: "x")])) }
        return await (origin, try origin.batch())
    }

    func refusal(_ body: () throws -> Void) -> Refusal? {
        do { try body() } catch let refusal as Refusal { return refusal } catch { return nil }
        return nil
    }

    /// `refusal`, for a check that awaits what the central server holds.
    func refusal(_ body: () async throws -> Void) async -> Refusal? {
        do { try await body() } catch let refusal as Refusal { return refusal } catch { return nil }
        return nil
    }

    @Test("the shape: no entries, another origin, two epochs, a gap, a head that is not the last entry, an altered body")
    func shape() async throws {
        let (c4, batch) = try await chain()
        let c4Node = c4.node
        #expect(try PushValidator(batch: batch, node: c4Node, department: "C4").checkShape() == ReplicaID(c4Node))
        let empty = PushRequest(head: batch.head, entries: [])
        guard case .malformed(_, "entries") = refusal({ _ = try PushValidator(batch: empty, node: c4Node, department: "C4").checkShape() }) else {
            Issue.record("an empty batch is malformed"); return
        }
        guard case .forbidden = refusal({ _ = try PushValidator(batch: batch, node: NodeID("dif-01")!, department: "DIF").checkShape() }) else {
            Issue.record("a node pushes only its own entries"); return
        }
        // A relay may carry another origin's chain.
        #expect(try PushValidator(batch: batch, node: NodeID("dif-01")!, department: nil).checkShape() == ReplicaID(c4Node))
        var epochs = batch
        epochs.entries.append(ChainedEntry(id: EntryID(replica: ReplicaID(c4Node, epoch: 2), seq: 4), body: Array("x".utf8),
                                           prev: batch.entries.last!.envelope.hash, salt: SystemClock.salt()))
        guard case .malformed(let oneEpoch, _) = refusal({ _ = try PushValidator(batch: epochs, node: c4Node, department: "C4").checkShape() }),
              oneEpoch.contains("one epoch")
        else { Issue.record("two epochs in one batch"); return }
        var gapped = batch
        gapped.entries.remove(at: 1)
        guard case .malformed(let message, _) = refusal({ _ = try PushValidator(batch: gapped, node: c4Node, department: "C4").checkShape() }),
              message.contains("contiguous")
        else { Issue.record("a gap inside the batch is malformed"); return }
        var headless = batch
        headless.entries.removeLast()
        guard case .unprocessable(_, "head") = refusal({ _ = try PushValidator(batch: headless, node: c4Node, department: "C4").checkShape() })
        else { Issue.record("a head that is not the last entry"); return }
        var altered = batch
        altered.entries[0] = ChainedEntry(envelope: altered.entries[0].envelope, body: altered.entries[1].body)
        guard case .unprocessable(let reason, _) = refusal({ _ = try PushValidator(batch: altered, node: c4Node, department: "C4").checkShape() }),
              reason.contains("altered")
        else { Issue.record("a body its envelope does not commit to"); return }
    }

    @Test("the chain: an older epoch diverged, another enrollment conflicts, a relay of the current chain, a signed exit head, a gap")
    func chainRules() async throws {
        let (c4, batch) = try await chain()
        let validator = PushValidator(batch: batch, node: c4.node, department: "C4")
        let mine = ReplicaID(c4.node)
        var reads = 0
        let heldThrough: () async throws -> UInt64 = { reads += 1; return 2 }
        try await validator.checkEpoch(mine, current: mine, heldThrough: heldThrough)
        #expect(reads == 0, "what the central server holds is read only for a diverged answer")
        try validator.checkChain(mine, lastStored: 0, exitHeads: [:])
        try validator.checkChain(mine, lastStored: 3, exitHeads: [2: batch.entries[1].envelope.hash])
        guard case .diverged(_, heldThrough: 2) = await refusal({
            try await validator.checkEpoch(mine, current: ReplicaID(c4.node, epoch: 2), heldThrough: heldThrough)
        }) else { Issue.record("an older epoch of the same node has diverged"); return }
        #expect(reads == 1)
        guard case .conflict = await refusal({ try await validator.checkEpoch(ReplicaID(c4.node, epoch: 3), current: ReplicaID(c4.node, epoch: 2),
                                                                  heldThrough: heldThrough) })
        else { Issue.record("an epoch after the enrolled one"); return }
        guard case .conflict = await refusal({ try await validator.checkEpoch(mine, current: ReplicaID(NodeID("c4-09")!), heldThrough: heldThrough) })
        else { Issue.record("another node's current chain"); return }
        let relay = PushValidator(batch: batch, node: NodeID("dif-01")!, department: nil)
        guard case .malformed = await refusal({ try await relay.checkEpoch(mine, current: mine, heldThrough: heldThrough) }) else {
            Issue.record("a relay of the sender's current chain"); return
        }
        try await relay.checkEpoch(mine, current: ReplicaID(NodeID("dif-01")!), heldThrough: heldThrough)
        guard case .conflict(let message, _) = refusal({
            try validator.checkChain(mine, lastStored: 0, exitHeads: [2: batch.entries[0].envelope.hash])
        }), message.contains("signed at an earlier pull") else { Issue.record("an entry differing from a signed exit head"); return }
        var later = batch
        later.entries.removeFirst()
        guard case .gap(_, expectedSeq: 1) = refusal({
            try PushValidator(batch: later, node: c4.node, department: "C4").checkChain(mine, lastStored: 0, exitHeads: [:])
        }) else { Issue.record("a batch starting past what is stored"); return }
    }

    @Test("a push writes as the pushing node's department; a relay as the origin's in the directory, the central server's as the office")
    func writer() async throws {
        let (c4, batch) = try await chain()
        let directory = Directory()
        #expect(PushValidator(batch: batch, node: c4.node, department: "C4").writer(of: ReplicaID(c4.node), in: directory) == "C4")
        let relay = PushValidator(batch: batch, node: NodeID("dif-01")!, department: nil)
        #expect(relay.writer(of: ReplicaID(.central), in: directory) == nil)
        #expect(relay.writer(of: ReplicaID(c4.node), in: directory) == nil, "an origin the directory does not know writes as nobody")
    }

    @Test("the signature verifies with the bound key only; no key bound is forbidden")
    func signature() async throws {
        let (c4, batch) = try await chain()
        let validator = PushValidator(batch: batch, node: c4.node, department: "C4")
        try validator.checkSignature(of: ReplicaID(c4.node), key: c4.key.signingPublicKey)
        guard case .forbidden(let message, _) = refusal({
            try validator.checkSignature(of: ReplicaID(c4.node), key: ReplicaKey.generate().signingPublicKey)
        }), message.contains("does not verify") else { Issue.record("another key"); return }
        guard case .forbidden(let unbound, _) = refusal({ try validator.checkSignature(of: ReplicaID(c4.node), key: nil) }),
              unbound.contains("no key")
        else { Issue.record("no key bound"); return }
    }

    @Test("claims, case keys and creations: another department, another key for a held case, a record that exists")
    func contents() async throws {
        let c4 = TestOrigin("c4-02")
        let creation = c4.edit(record, [.set(field: "origin_department", value: "C4")])
        #expect(creation.claimedDepartments.map(\.department) == ["C4"])
        let (_, batch) = try await chain(1, origin: c4)
        let validator = PushValidator(batch: batch, node: c4.node, department: "C4")
        try validator.checkClaims([creation], of: ReplicaID(c4.node), writer: "C4")
        guard case .forbidden(_, "origin_department") = refusal({ try validator.checkClaims([creation], of: ReplicaID(c4.node), writer: "DIF") })
        else { Issue.record("a department writing as another"); return }
        // The central server's own entries write as the office decides.
        try validator.checkClaims([creation], of: ReplicaID(.central), writer: nil)
        let key = SymmetricKey(size: .bits256)
        try validator.checkCaseKey(record.id, brought: key, held: nil)
        try validator.checkCaseKey(record.id, brought: key, held: key)
        guard case .conflict = refusal({ try validator.checkCaseKey(record.id, brought: key, held: SymmetricKey(size: .bits256)) })
        else { Issue.record("another key for a held case"); return }
        #expect(creation.createsRecord)
        try validator.checkCreation(creation, state: nil)
        var existing = RecordState(key: record)
        _ = existing.apply(TestOrigin("dif-09").edit(record, [.set(field: "origin_department", value: "DIF")]))
        guard case .conflict(let message, _) = refusal({ try validator.checkCreation(creation, state: existing) }),
              message.contains("already exists")
        else { Issue.record("a creation of a record that exists"); return }
        var own = RecordState(key: record)
        _ = own.apply(creation)
        try validator.checkCreation(creation, state: own)
        try validator.checkCreation(TestOrigin("c4-03").edit(record, [.set(field: "summary", value: "z")]), state: existing)
    }
}
