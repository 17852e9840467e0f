/// Why a sync round failed, precisely enough to act on.
public struct SyncError: Error, Sendable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: Sendable, Equatable {
        /// No answer: connection refused, name, TLS or timeout (curl's message).
        case unreachable
        /// The central server answered with an error (e.g. 401).
        case rejected(status: Int)
        /// The central server served entries that fail verification (altered, forged, unsigned).
        case untrusted
        /// The central server's answer made no sense (cut short, undecodable, contradictory).
        case malformed
        /// Local storage or configuration failed.
        case failed
    }

    /// The class of failure.
    public let kind: Kind
    /// One line: curl's message, or the server's.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
