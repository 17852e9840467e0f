import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// The rules every central store keeps, run against each implementation (SQLite and PostgreSQL):
/// the change feed, nonces and tokens, restored epochs and copies.
@Suite("Central store contract")
struct CentralStoreContractTests {
    /// `count` signed entries of `origin` editing case `id`, appended with their keys and head.
    @discardableResult
    func write(_ store: any CentralStore, _ origin: TestOrigin, case id: String, count: Int) async throws -> ChainedEntry {
        for _ in 0..<count { origin.seal(origin.edit(RecordKey(.caseFile, id), [.set(field: "risk_level", value: "alto")])) }
        let entries = Array(origin.sealed.suffix(count))
        let last = entries.last!
        let head = StoredHead(id: last.id, hash: last.envelope.hash, signature: try origin.key.signHead(last.id, hash: last.envelope.hash))
        try await store.transaction { transaction in
            try await transaction.takeTestKeys(of: entries)
            _ = try await ReplicaWriter.append(entries, in: transaction)
            try await transaction.recordHead(head)
        }
        return last
    }

    @Test("the feed: a page ends at a signed head, leaves out the puller's own chain, carries bodies only of the cases in its scope",
          arguments: CentralStoreKind.all)
    func feed(kind: CentralStoreKind) async throws {
        let (store, folder) = try await kind.make()
        defer { withExtendedLifetime(folder) {} }
        let (c4, dif) = (TestOrigin("c4-01"), TestOrigin("dif-01"))
        try await write(store, c4, case: "01JDQ8Z6N4W2C4X9V3K5M7P8C4", count: 5)
        try await write(store, dif, case: "01JDQ8Z6N4W2C4X9V3K5M7P8D1", count: 3)
        try await store.transaction { transaction in
            try await transaction.setScope(ofCase: "01JDQ8Z6N4W2C4X9V3K5M7P8C4", to: ["C4"])
            try await transaction.setScope(ofCase: "01JDQ8Z6N4W2C4X9V3K5M7P8D1", to: ["DIF", "C4"])
        }

        let first = try await store.feed(after: .start, excluding: nil, limit: 2, scope: nil)
        #expect(first.entries.count == 5, "the page goes on to the signed head that covers it")
        #expect(first.more && first.next.entry == "c4-01:5" && first.heads.map(\.id.seq) == [5])
        let second = try await store.feed(after: first.next, excluding: nil, limit: 2, scope: nil)
        #expect(second.entries.count == 3 && !second.more && second.next.entry == "dif-01:3")
        #expect(try await store.feed(after: second.next, excluding: nil, limit: 2, scope: nil).entries.isEmpty)

        let others = try await store.feed(after: .start, excluding: ReplicaID(c4.node), limit: 100, scope: nil)
        #expect(others.entries.count == 3 && others.next.entry == "dif-01:3", "the puller's own chain is left out, the cursor goes past it")

        #expect(try await store.read { try await $0.quarantinedCount() } == 0, "every entry applied")
        let scoped = try await store.feed(after: .start, excluding: nil, limit: 100, scope: FeedScope(department: "DIF", after: 0))
        #expect(scoped.entries.count == 8)
        #expect(scoped.entries.prefix(5).allSatisfy { $0.body == nil }, "another department's case goes out as stubs")
        #expect(scoped.entries.suffix(3).allSatisfy { $0.body != nil })
        #expect(Set(scoped.caseKeys.data.keys) == ["01JDQ8Z6N4W2C4X9V3K5M7P8D1"], "only the keys of the cases whose bodies go out")
        // The case entered DIF's scope: its history up to the cursor comes with the next pull.
        let entered = try await store.feed(after: scoped.next, excluding: nil, limit: 100, scope: FeedScope(department: "DIF", after: 0))
        #expect(entered.entries.isEmpty)
        #expect(entered.scope?.cases == ["01JDQ8Z6N4W2C4X9V3K5M7P8D1"] && entered.scope?.history.count == 3)
        #expect(entered.scope?.history.allSatisfy { $0.body != nil } == true)
        #expect(Set(entered.caseKeys.data.keys) == ["01JDQ8Z6N4W2C4X9V3K5M7P8D1"])
        let atC4 = try await store.feed(after: scoped.next, excluding: nil, limit: 100, scope: FeedScope(department: "C4", after: 0))
        #expect(atC4.scope?.cases.count == 2, "both cases entered C4's scope")

        #expect(try await store.feedHas(first.next))
        #expect(try await !store.feedHas(FeedCursor(position: first.next.position, entry: "dif-01:1")), "a cursor of another store")
        #expect(try await store.feedLag(at: 0).head == second.next.position)
    }

    @Test("within one transaction each scope change takes its own change number in order (a second change of a case a later one), exits clear and folio counters keep the highest",
          arguments: CentralStoreKind.all)
    func heldWrites(kind: CentralStoreKind) async throws {
        let (store, folder) = try await kind.make()
        defer { withExtendedLifetime(folder) {} }
        let (a, b, c) = ("01JDQ8Z6N4W2C4X9V3K5M7P8A1", "01JDQ8Z6N4W2C4X9V3K5M7P8B1", "01JDQ8Z6N4W2C4X9V3K5M7P8C1")
        let node = NodeID("dif-01")!
        let exit = ScopeExit(replica: ReplicaID(node), seq: 4, hash: Hash256.of(Array("head".utf8)))
        let c4 = TestOrigin("c4-01")
        for id in [a, b, c] { try await write(store, c4, case: id, count: 1) }
        try await store.transaction { transaction in
            try await transaction.setScope(ofCase: a, to: ["DIF"])
            try await transaction.setScope(ofCase: b, to: ["DIF"])
            try await transaction.setScope(ofCase: a, to: [])
            try await transaction.setScope(ofCase: c, to: ["DIF"])
            let (scopeOfA, scopeOfC) = (try await transaction.scope(ofCase: a), try await transaction.scope(ofCase: c))
            #expect(scopeOfA.isEmpty && scopeOfC == ["DIF"])
            try await transaction.recordScopeExit(ofCase: a, node: node, head: exit)
            try await transaction.clearScopeExit(ofCase: a, node: node)
            #expect(try await transaction.scopeExit(ofCase: a, node: node) == nil, "cleared within the transaction")
            try await transaction.clearScopeExit(ofCase: b, node: node)
            try await transaction.recordScopeExit(ofCase: b, node: node, head: exit)
            for number in [5, 3, 7] { try await transaction.raiseFolioCounter(node: "c4-01", year: 2026, to: number) }
        }
        // Four changes, four numbers: B entered (2), A left (3), C entered (4).
        // (The history a change brings reaches as far as the pull's cursor: past every entry.)
        let end = try await store.feed(after: .start, excluding: nil, limit: 100, scope: nil).next
        func delivery(after: Int64) async throws -> ScopeDelivery? {
            try await store.feed(after: end, excluding: nil, limit: 100, scope: FeedScope(department: "DIF", after: after)).scope
        }
        let all = try #require(try await delivery(after: 0))
        #expect(all.next == 4 && all.cases == [b, c] && all.left == [a], "\(all.next) \(all.cases) \(all.left)")
        let later = try #require(try await delivery(after: 2))
        #expect(later.next == 4 && later.cases == [c] && later.left == [a], "A's second change is numbered after B's: \(later.next) \(later.cases) \(later.left)")
        #expect(try await delivery(after: 3)?.cases == [c])
        try await store.transaction { transaction in
            #expect(try await transaction.scopeExit(ofCase: a, node: node) == nil)
            #expect(try await transaction.scopeExit(ofCase: b, node: node) == exit, "recorded after it was cleared: it stands")
            try await transaction.raiseFolioCounter(node: "c4-01", year: 2026, to: 6)
        }
        #expect(try await store.read { try await $0.lastFolioNumber(node: "c4-01", year: 2026) } == 7)
    }

    @Test("a request's nonce is fresh once; an unknown token is nobody", arguments: CentralStoreKind.all)
    func noncesAndTokens(kind: CentralStoreKind) async throws {
        let (store, folder) = try await kind.make()
        defer { withExtendedLifetime(folder) {} }
        let now: Int64 = 1_764_000_000_000
        #expect(try await store.claimNonce("nonce-1", at: now, window: 300_000))
        #expect(try await !store.claimNonce("nonce-1", at: now + 1_000, window: 300_000), "a replay")
        #expect(try await store.claimNonce("nonce-2", at: now + 1_000, window: 300_000))
        #expect(try await store.principal(tokenHash: "not-a-token") == nil)
        #expect(try await store.nodeCredential(NodeID("c4-01")!) == nil)
        #expect(try await store.identity().nodeID == .central)
    }

    @Test("a restored store goes on in a later epoch under a new id; SQLite copies to a file, PostgreSQL names its tools",
          arguments: CentralStoreKind.all)
    func restoreAndCopies(kind: CentralStoreKind) async throws {
        let (store, folder) = try await kind.make()
        defer { withExtendedLifetime(folder) {} }
        try await write(store, TestOrigin("c4-01"), case: "01JDQ8Z6N4W2C4X9V3K5M7P8C4", count: 2)
        #expect(try await store.highestOwnEpoch() == 1)
        try await store.beginRestoredEpoch(3, storeID: "restored")
        #expect(try await store.highestOwnEpoch() == 3)
        #expect(try await store.storeID() == "restored")
        #expect(try await store.identity().replica == ReplicaID(.central, epoch: 3))
        let copy = folder.sub("copy.sqlite")
        if kind.description == "sqlite" {
            try await store.backup(to: copy)
            #expect(try await JournalStore(path: copy).read { try await $0.entryCount() } == 2)
            await #expect(throws: StoreError.self, "a copy never overwrites a file") { try await store.backup(to: copy) }
        } else {
            await #expect { try await store.backup(to: copy) } throws: { "\($0)".contains("pg_dump") }
            #expect(!FileManager.default.fileExists(atPath: copy))
        }
    }
}
