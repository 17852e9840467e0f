/// An HTTP request for `HTTPClient`.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, `PATCH`, …
    public var method: String
    /// The full URL (`http://localhost/v1/status` for a Unix socket).
    public var url: String
    /// Header lines as (name, value).
    public var headers: [(String, String)]
    /// The body, if any.
    public var body: [UInt8]?

    /// A request.
    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// An HTTP response from `HTTPClient`.
public struct HTTPResponse: Sendable {
    /// The status code.
    public let status: Int
    /// Header lines as (lower-cased name, value).
    public let headers: [(String, String)]
    /// The body.
    public let body: [UInt8]

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Where and how the client connects; knows nothing about sync.
public struct HTTPClientConfiguration: Sendable {
    /// Connect through this Unix socket instead of TCP.
    public var unixSocketPath: String?
    /// Give up connecting after this many milliseconds.
    public var connectTimeoutMillis: Int = 5000
    /// Give up on a whole transfer after this many milliseconds (0: never).
    public var totalTimeoutMillis: Int = 0
    /// Abort when slower than `lowSpeedBytesPerSecond` for `lowSpeedSeconds`.
    public var lowSpeedBytesPerSecond: Int = 1
    /// See `lowSpeedBytesPerSecond`.
    public var lowSpeedSeconds: Int = 30
    /// Verify TLS peers against this CA bundle (the system's when nil). Verification is never off.
    public var caFile: String?
    /// An HTTP proxy URL.
    public var proxy: String?
    /// Connect from this local address (e.g. `127.0.0.2`, to stand for another client on loopback).
    public var sourceAddress: String?
    /// Ask for gzip-compressed responses.
    public var acceptGzip: Bool = true
    /// Stop a transfer whose (decompressed) response grows past this many bytes.
    public var maxResponseBytes: Int = 64 << 20

    /// The defaults: TCP, 5 s to connect, 30 s stall limit, TLS verified.
    public init(unixSocketPath: String? = nil) {
        self.unixSocketPath = unixSocketPath
    }
}
