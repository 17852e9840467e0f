import EnlaceReplica
import GRDB

extension StoreError {
    /// What an SQLite failure means to the operator (nil: not a database error). A full disk, a
    /// folder that cannot be written and a busy store damage nothing and pass once the cause
    /// does; a file that is not a sound SQLite database is reported, never rebuilt over.
    public init?(translating error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL:
            self = .diskFull("the disk holding the store is full: nothing was written; free space and retry")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            self = .unavailable("the store cannot be written (permissions or a read-only disk): nothing was written (\(error.resultCode))")
        case .SQLITE_IOERR:
            self = .unavailable("the disk failed to read or write the store: nothing was written (\(error.extendedResultCode))")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .unavailable("the store is busy: another process holds it; retry")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self = .corrupt("SQLite reports the file damaged (\(error.resultCode)); restore it from a backup, nothing was rebuilt over it")
        default:
            return nil
        }
    }
}
