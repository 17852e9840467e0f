import EnlaceModel
import Foundation
import GRDB

/// Raw SQL against a store file, bypassing the store (to simulate tampering).
public struct JournalStoreSQL {
    public let queue: DatabaseQueue

    public init(path: String) throws {
        queue = try DatabaseQueue(path: path)
    }

    public func execute(_ sql: String) throws {
        try queue.write { try $0.execute(sql: sql) }
    }

}
