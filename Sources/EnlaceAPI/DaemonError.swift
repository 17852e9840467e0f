/// Why a daemon could not start: a lock held by another process, a TLS file, a socket path.
/// Never a damaged store — `StoreError` says that, and only that.
public struct DaemonError: Error, CustomStringConvertible {
    /// One line saying what is wrong and what to do.
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
