import EnlaceReplica
import Foundation
import GRDB

/// Byte arrays as SQLite blobs: envelopes, bodies, hashes, keys and signatures are `[UInt8]`
/// everywhere above the database.
extension Array: @retroactive SQLExpressible where Element == UInt8 {}
extension Array: @retroactive StatementBinding where Element == UInt8 {}
extension Array: @retroactive DatabaseValueConvertible where Element == UInt8 {
    public var databaseValue: DatabaseValue { Data(self).databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> [UInt8]? {
        Data.fromDatabaseValue(dbValue).map(Array.init)
    }
}
