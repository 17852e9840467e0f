import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Testing

/// The rules every node store keeps, run against each implementation: the checkpoint, the own
/// chain, enrollment, and the recovery from a restore.
@Suite("Node store contract")
struct NodeStoreContractTests {
    static let record = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8N0")

    /// `count` local edits of the node.
    func writeLocal(_ store: any NodeStore, count: Int) async throws {
        for index in 0..<count {
            _ = try await store.write { transaction in
                try await ReplicaWriter.appendLocal(origin: try transaction.ownReplica(), key: Self.record,
                                              operations: [.set(field: "risk_level", value: index.isMultiple(of: 2) ? "alto" : "medio")],
                                              physicalMillis: 1_764_000_000_000 + Int64(index), author: "srv", in: transaction)
            }
        }
    }

    @Test("the checkpoint: what was pushed moves it, a reset forgets it, a round's end and the clock offset are kept",
          arguments: NodeStoreKind.all)
    func checkpoint(kind: NodeStoreKind) async throws {
        let (store, folder) = try await kind.make()
        defer { withExtendedLifetime(folder) {} }
        try await writeLocal(store, count: 3)
        let start = try await store.syncState()
        #expect(start.pushed.seq == 0 && start.pullCursor == .start && start.centralStoreID == nil)
        #expect(try await store.pendingEntries(after: start.pushed) == 3)
        #expect(try await store.ownEntries(after: start.pushed, limit: 2).map(\.id.seq) == [1, 2])
        #expect(try await store.ownHead()?.id.seq == 3)

        try await store.recordPushed(through: EntryID(replica: start.pushed.replica, seq: 2), storeID: "central-1")
        let pushed = try await store.syncState()
        #expect(pushed.pushed.seq == 2 && pushed.centralStoreID == "central-1")
        #expect(try await store.pendingEntries(after: pushed.pushed) == 1)

        try await store.resetCheckpoint(storeID: "central-2")
        let reset = try await store.syncState()
        #expect(reset.pushed.seq == 0 && reset.pullCursor == .start && reset.centralStoreID == "central-2")
        #expect(try await store.relayPending(), "a different central store gets what it lacks relayed")
        try await store.relayDone()
        #expect(try await !store.relayPending())

        try await store.recordRound(at: "2026-12-07T10:00:00Z", error: "sin red")
        #expect(try await store.syncState().lastError == "sin red")
        try await store.recordRound(at: "2026-12-07T10:05:00Z", error: nil)
        let state = try await store.syncState()
        #expect(state.lastError == nil && state.lastSyncAt == "2026-12-07T10:05:00Z")
        try await store.recordClockOffset(-1_234)
        #expect(try await store.syncState().clockOffsetMillis == -1_234)
    }

    @Test("the enrollment secret is kept until the first contact, then gone; the central server's key is kept",
          arguments: NodeStoreKind.all)
    func enrollment(kind: NodeStoreKind) async throws {
        let (store, folder) = try await kind.make()
        defer { withExtendedLifetime(folder) {} }
        let seed = [UInt8](repeating: 7, count: 32)
        try await store.storeEnrollment(seed: seed)
        #expect(try await store.pendingEnrollment() == seed)
        try await store.completeEnrollment(at: "2026-12-07T10:00:00Z")
        #expect(try await store.pendingEnrollment() == nil)
        let central = ReplicaKey.generate()
        try await store.setAnchorKey(central.signingPublicKey)
        try await store.setCentralAgreementKey(central.agreementPublicKey)
        #expect(try await store.centralAgreementKey() == central.agreementPublicKey)
        #expect(try await store.read { try await $0.anchorKey() } == central.signingPublicKey)
    }

    @Test("a new epoch sets aside what the central server never acknowledged, and the reissue re-makes it there",
          arguments: NodeStoreKind.all)
    func newEpoch(kind: NodeStoreKind) async throws {
        let (store, folder) = try await kind.make()
        defer { withExtendedLifetime(folder) {} }
        try await writeLocal(store, count: 3)
        let own = try await store.syncState().pushed.replica
        try await store.recordPushed(through: EntryID(replica: own, seq: 1), storeID: "central-1")
        #expect(try await store.beginEpoch(2, at: "2026-12-07T10:00:00Z") == 2)
        #expect(try await store.pendingReissues() == 2)
        #expect(try await store.identity().replica.epoch == 2)
        await #expect(throws: StoreError.self, "an epoch never goes back") { try await store.beginEpoch(2, at: "2026-12-07T10:01:00Z") }
        let result = try await store.reissue(physicalMillis: 1_764_000_100_000)
        #expect(result.remade + result.adopted == 2)
        #expect(try await store.pendingReissues() == 0)
        #expect(try await store.ownHead()?.id.replica.epoch == 2)
        #expect(try await store.verify().isSound)
    }
}
