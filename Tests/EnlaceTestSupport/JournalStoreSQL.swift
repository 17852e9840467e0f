import EnlaceModel
import Foundation
import GRDB

/// Raw SQL against a store file, bypassing the store (to simulate tampering).
public struct JournalStoreSQL {
    public let queue: DatabaseQueue

    public init(path: String) throws {
        queue = try DatabaseQueue(path: path)
    }

    /// A read-only view of the store file (what a test polls while a daemon writes it).
    public init(readingOnly path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// How many entries the journal holds now (stubs included).
    public func entryCount() throws -> Int {
        try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM journal") ?? 0 }
    }

    public func execute(_ sql: String) throws {
        try queue.write { try $0.execute(sql: sql) }
    }

    /// Edits the body bytes of the entry (origin, epoch 1, seq) behind the store's back.
    public func editBody(origin: String, seq: Int, _ edit: (inout [UInt8]) -> Void) throws {
        try queue.write { db in
            guard var body = try Data.fetchOne(db, sql: "SELECT body FROM journal WHERE origin = ? AND seq = ?", arguments: [origin, seq])
                .map(Array.init) else { return }
            edit(&body)
            try db.execute(sql: "UPDATE journal SET body = ? WHERE origin = ? AND seq = ?", arguments: [Data(body), origin, seq])
        }
    }

}

extension Array where Element == UInt8 {
    /// Replaces the first occurrence of `text`'s bytes with `replacement`'s (same length only).
    public mutating func replace(_ text: String, with replacement: String) {
        let needle = Array(text.utf8)
        let new = Array(replacement.utf8)
        guard needle.count == new.count, count >= needle.count else { return }
        for start in 0...(count - needle.count) where Array(self[start..<(start + needle.count)]) == needle {
            replaceSubrange(start..<(start + needle.count), with: new)
            return
        }
    }
}
