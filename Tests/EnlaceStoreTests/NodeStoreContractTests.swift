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
    func writeLocal(_ store: any NodeStore, count: Int) throws {
        for index in 0..<count {
            _ = try store.write { transaction in
                try ReplicaWriter.appendLocal(origin: try transaction.ownReplica(), key: Self.record,
                                              operations: [.set(field: "risk_level", value: index.isMultiple(of: 2) ? "alto" : "medio")],
                                              physicalMillis: 1_764_000_000_000 + Int64(index), author: "srv", in: transaction)
            }
        }
    }

    @Test("the checkpoint: what was pushed moves it, a reset forgets it, a round's end and the clock offset are kept",
          arguments: NodeStoreKind.all)
    func checkpoint(kind: NodeStoreKind) throws {
        let (store, folder) = try kind.make()
        defer { withExtendedLifetime(folder) {} }
        try writeLocal(store, count: 3)
        let start = try store.syncState()
        #expect(start.pushed.seq == 0 && start.pullCursor == .start && start.centralStoreID == nil)
        #expect(try store.pendingEntries(after: start.pushed) == 3)
        #expect(try store.ownEntries(after: start.pushed, limit: 2).map(\.id.seq) == [1, 2])
        #expect(try store.ownHead()?.id.seq == 3)

        try store.recordPushed(through: EntryID(replica: start.pushed.replica, seq: 2), storeID: "central-1")
        let pushed = try store.syncState()
        #expect(pushed.pushed.seq == 2 && pushed.centralStoreID == "central-1")
        #expect(try store.pendingEntries(after: pushed.pushed) == 1)

        try store.resetCheckpoint(storeID: "central-2")
        let reset = try store.syncState()
        #expect(reset.pushed.seq == 0 && reset.pullCursor == .start && reset.centralStoreID == "central-2")
        #expect(try store.relayPending(), "a different central store gets what it lacks relayed")
        try store.relayDone()
        #expect(try !store.relayPending())

        try store.recordRound(at: "2026-12-07T10:00:00Z", error: "sin red")
        #expect(try store.syncState().lastError == "sin red")
        try store.recordRound(at: "2026-12-07T10:05:00Z", error: nil)
        let state = try store.syncState()
        #expect(state.lastError == nil && state.lastSyncAt == "2026-12-07T10:05:00Z")
        try store.recordClockOffset(-1_234)
        #expect(try store.syncState().clockOffsetMillis == -1_234)
    }

    @Test("the enrollment secret is kept until the first contact, then gone; the central server's key is kept",
          arguments: NodeStoreKind.all)
    func enrollment(kind: NodeStoreKind) throws {
        let (store, folder) = try kind.make()
        defer { withExtendedLifetime(folder) {} }
        let seed = [UInt8](repeating: 7, count: 32)
        try store.storeEnrollment(seed: seed)
        #expect(try store.pendingEnrollment() == seed)
        try store.completeEnrollment(at: "2026-12-07T10:00:00Z")
        #expect(try store.pendingEnrollment() == nil)
        let central = ReplicaKey.generate()
        try store.setAnchorKey(central.signingPublicKey)
        try store.setCentralAgreementKey(central.agreementPublicKey)
        #expect(try store.centralAgreementKey() == central.agreementPublicKey)
        #expect(try store.read { try $0.anchorKey() } == central.signingPublicKey)
    }

    @Test("a new epoch sets aside what the central server never acknowledged, and the reissue re-makes it there",
          arguments: NodeStoreKind.all)
    func newEpoch(kind: NodeStoreKind) throws {
        let (store, folder) = try kind.make()
        defer { withExtendedLifetime(folder) {} }
        try writeLocal(store, count: 3)
        let own = try store.syncState().pushed.replica
        try store.recordPushed(through: EntryID(replica: own, seq: 1), storeID: "central-1")
        #expect(try store.beginEpoch(2, at: "2026-12-07T10:00:00Z") == 2)
        #expect(try store.pendingReissues() == 2)
        #expect(try store.identity().replica.epoch == 2)
        #expect(throws: StoreError.self, "an epoch never goes back") { try store.beginEpoch(2, at: "2026-12-07T10:01:00Z") }
        let result = try store.reissue(physicalMillis: 1_764_000_100_000)
        #expect(result.remade + result.adopted == 2)
        #expect(try store.pendingReissues() == 0)
        #expect(try store.ownHead()?.id.replica.epoch == 2)
        #expect(try store.verify().isSound)
    }
}
