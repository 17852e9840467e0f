import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// A case entering a department's scope brings its history; a case longer than a page is split
/// across pages (a compromised node could inflate one past any answer limit), on both stores.
@Suite("Scope history across pages")
struct ScopeHistoryTests {
    /// A central-shaped store of each kind available.
    static var kinds: [String] { TestPostgres.server == nil ? ["sqlite"] : ["sqlite", "postgresql"] }

    func centralStore(_ kind: String) async throws -> (any CentralStore, TemporaryFolder) {
        let folder = try TemporaryFolder()
        let store: any CentralStore = await kind == "sqlite"
            ? try JournalStore(path: folder.sub("journal.sqlite"), create: true, keys: [ReplicaKey.generate()])
            : try TestPostgres.newStore()
        if let sqlite = store as? JournalStore {
            try await sqlite.initialize(ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: "2026-12-01T00:00:00Z"))
        } else if let postgres = store as? PostgresStore {
            try await postgres.initialize(ReplicaIdentity(nodeID: .central, department: "CENTRAL", centralURL: "", token: "", createdAt: "2026-12-01T00:00:00Z"))
        }
        return (store, folder)
    }

    @Test("a 23-entry case entering DIF's scope arrives in pages of at most 5 history entries, each once, however the pages fall",
          arguments: kinds)
    func longHistorySplit(kind: String) async throws {
        let (store, folder) = try await centralStore(kind)
        defer { withExtendedLifetime(folder) {} }
        let origin = TestOrigin("c4-01")
        let key = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RS")
        let short = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RT")
        var entries = [origin.seal(origin.edit(key, [.set(field: "risk_level", value: "bajo")]))]
        for index in 1..<23 { entries.append(origin.seal(origin.edit(key, [.set(field: "summary", value: .string("nota \(index)"))]))) }
        entries.append(origin.seal(origin.edit(short, [.set(field: "risk_level", value: "alto")])))
        try await store.transaction { transaction in
            try await transaction.takeTestKeys(of: entries)
            _ = try await ReplicaWriter.append(entries, in: transaction)
            try await transaction.setScope(ofCase: key.id, to: ["C4", "DIF"])
            try await transaction.setScope(ofCase: short.id, to: ["C4", "DIF"])
        }
        // DIF's node holds every envelope (as stubs) and pulls the scope changes in pages of 5.
        let end = try await store.feed(after: .start, excluding: nil, limit: 100, scope: nil).next
        var scope = FeedScope(department: "DIF", after: 0)
        var received: [[UInt8]] = []
        var pages = 0
        while pages < 20 {
            pages += 1
            let page = try await store.feed(after: end, excluding: nil, limit: 5, scope: scope)
            let delivery = try #require(page.scope)
            #expect(delivery.history.count <= 5, "page \(pages) carries \(delivery.history.count) history entries")
            received += delivery.history.map(\.envelope)
            if delivery.historyAfter > 0 { #expect(delivery.cases == [key.id] && delivery.more) }
            scope = FeedScope(department: "DIF", after: delivery.next, historyAfter: delivery.historyAfter)
            if !delivery.more { break }
        }
        #expect(received.count == 24 && Set(received).count == 24, "\(received.count) entries in \(pages) pages")
        #expect(Set(received) == Set(entries.map(\.envelope.bytes)))
        #expect(pages >= 5)
    }

    @Test("forty cases entering at once, a 23-entry one among short ones, arrive whole and once in pages of 1 to 40 entries, read together where they fit",
          arguments: kinds)
    func manyCasesTogether(kind: String) async throws {
        let (store, folder) = try await centralStore(kind)
        defer { withExtendedLifetime(folder) {} }
        let origin = TestOrigin("c4-01")
        let keys = (0..<40).map { RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8\(String(format: "%02d", $0))") }
        var entries: [ChainedEntry] = []
        for (index, key) in keys.enumerated() {
            entries.append(origin.seal(origin.edit(key, [.set(field: "risk_level", value: "bajo")])))
            let more = index == 4 ? 22 : index % 3
            for note in 0..<more { entries.append(origin.seal(origin.edit(key, [.set(field: "summary", value: .string("nota \(note)"))]))) }
        }
        try await store.transaction { transaction in
            try await transaction.takeTestKeys(of: entries)
            _ = try await ReplicaWriter.append(entries, in: transaction)
            for key in keys { try await transaction.setScope(ofCase: key.id, to: ["C4", "DIF"]) }
        }
        let end = try await store.feed(after: .start, excluding: nil, limit: 100, scope: nil).next
        for pageSize in [1, 2, 5, 7, 40] {
            var scope = FeedScope(department: "DIF", after: 0)
            var received: [[UInt8]] = []
            var entered: Set<String> = []
            var pages = 0
            while pages < 200 {
                pages += 1
                let delivery = try #require(try await store.feed(after: end, excluding: nil, limit: pageSize, scope: scope).scope)
                #expect(delivery.history.count <= max(pageSize, 1), "page \(pages) of \(pageSize) carries \(delivery.history.count)")
                received += delivery.history.map(\.envelope)
                entered.formUnion(delivery.cases)
                scope = FeedScope(department: "DIF", after: delivery.next, historyAfter: delivery.historyAfter)
                if !delivery.more { break }
            }
            #expect(received.count == entries.count && Set(received) == Set(entries.map(\.envelope.bytes)),
                    "pages of \(pageSize): \(received.count) of \(entries.count) entries in \(pages) pages")
            #expect(entered == Set(keys.map(\.id)))
        }
    }
}
