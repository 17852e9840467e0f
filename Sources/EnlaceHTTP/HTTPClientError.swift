/// Why a transfer failed, with curl's own message.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: Sendable, Equatable {
        /// Nothing listens, the name does not resolve, or the connection broke.
        case connection
        /// Connecting or transferring took too long.
        case timeout
        /// The TLS handshake or certificate verification failed.
        case tls
        /// The response was larger than the client accepts.
        case tooLarge
        /// Anything else curl reported.
        case other
    }

    /// The class of failure.
    public let kind: Kind
    /// curl's result code.
    public let code: Int32
    /// curl's own message (`Failed to connect to 127.0.0.1 port 9 ...`).
    public let message: String

    public var description: String { message }
}
