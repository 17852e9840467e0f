import CCurlShim

/// A blocking HTTP/1.1 client over one libcurl easy handle, which keeps its connection for
/// reuse between requests.
///
/// Not `Sendable`: one handle belongs to one thread or actor at a time.
public final class HTTPClient {
    private static let globalInit: Int32 = enlace_curl_global_init()
    private let handle: UnsafeMutableRawPointer
    /// How it connects.
    public let configuration: HTTPClientConfiguration

    /// A client; fails only when libcurl cannot make a handle.
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(HTTPClientError) {
        _ = HTTPClient.globalInit
        guard let handle = enlace_curl_easy_init() else {
            throw HTTPClientError(kind: .other, code: -1, message: "libcurl could not create a handle")
        }
        self.handle = handle
        self.configuration = configuration
    }

    deinit {
        enlace_curl_easy_cleanup(handle)
    }

    /// Performs `request` and returns the response, whatever its status.
    public func perform(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        enlace_curl_easy_reset(handle)
        try check(enlace_curl_setopt_string(handle, ENLACE_OPT_URL, request.url))
        if let path = configuration.unixSocketPath {
            try check(enlace_curl_setopt_string(handle, ENLACE_OPT_UNIX_SOCKET_PATH, path))
        }
        try check(enlace_curl_setopt_long(handle, ENLACE_OPT_CONNECTTIMEOUT_MS, configuration.connectTimeoutMillis))
        try check(enlace_curl_setopt_long(handle, ENLACE_OPT_TIMEOUT_MS, configuration.totalTimeoutMillis))
        try check(enlace_curl_setopt_long(handle, ENLACE_OPT_LOW_SPEED_LIMIT, configuration.lowSpeedBytesPerSecond))
        try check(enlace_curl_setopt_long(handle, ENLACE_OPT_LOW_SPEED_TIME, configuration.lowSpeedSeconds))
        try check(enlace_curl_setopt_long(handle, ENLACE_OPT_TCP_KEEPALIVE, 1))
        try check(enlace_curl_setopt_long(handle, ENLACE_OPT_SSL_VERIFYPEER, 1))
        try check(enlace_curl_setopt_long(handle, ENLACE_OPT_SSL_VERIFYHOST, 2))
        try check(enlace_curl_setopt_string(handle, ENLACE_OPT_USERAGENT, "enlace/1"))
        try check(enlace_curl_require_tls12(handle))
        if let caFile = configuration.caFile {
            // Only this CA: no system CA folder beside it.
            try check(enlace_curl_setopt_string(handle, ENLACE_OPT_CAINFO, caFile))
            try check(enlace_curl_setopt_string(handle, ENLACE_OPT_CAPATH, nil))
        }
        if let proxy = configuration.proxy { try check(enlace_curl_setopt_string(handle, ENLACE_OPT_PROXY, proxy)) }
        if let source = configuration.sourceAddress { try check(enlace_curl_setopt_string(handle, ENLACE_OPT_INTERFACE, "host!" + source)) }
        if configuration.acceptGzip { try check(enlace_curl_setopt_string(handle, ENLACE_OPT_ACCEPT_ENCODING, "gzip")) }

        if let body = request.body {
            let code = body.withUnsafeBytes { enlace_curl_set_body(handle, $0.baseAddress, Int64($0.count)) }
            try check(code)
        } else if request.method == "GET" {
            try check(enlace_curl_setopt_long(handle, ENLACE_OPT_HTTPGET, 1))
        }
        if request.method != "GET" && !(request.method == "POST" && request.body != nil) {
            try check(enlace_curl_setopt_string(handle, ENLACE_OPT_CUSTOMREQUEST, request.method))
        }

        var headerList: UnsafeMutableRawPointer?
        // An empty Expect: skips the 100-continue round trip.
        for line in request.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] {
            headerList = enlace_curl_slist_append(headerList, line)
        }
        defer { enlace_curl_slist_free_all(headerList) }
        try check(enlace_curl_set_headers(handle, headerList))

        let sink = ResponseSink(limit: configuration.maxResponseBytes)
        let userdata = Unmanaged.passUnretained(sink).toOpaque()
        try check(enlace_curl_set_write_callback(handle, { data, size, count, userdata in
            guard let data, let userdata else { return 0 }
            let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
            let (length, overflow) = size.multipliedReportingOverflow(by: count)
            // Returning less than given makes curl stop with CURLE_WRITE_ERROR.
            guard !overflow, sink.body.count + length <= sink.limit else {
                sink.exceeded = true
                return 0
            }
            sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            return length
        }, userdata))
        try check(enlace_curl_set_header_callback(handle, { data, size, count, userdata in
            guard let data, let userdata else { return 0 }
            let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
            let (length, overflow) = size.multipliedReportingOverflow(by: count)
            guard !overflow, sink.headers.count < 200, length <= 16 * 1024 else { return 0 }
            sink.headerLine(String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self))
            return length
        }, userdata))

        let code = withExtendedLifetime(sink) { enlace_curl_perform(handle) }
        if sink.exceeded, enlace_curl_is_write_error(code) != 0 {
            throw HTTPClientError(kind: .tooLarge, code: code,
                                  message: "the response is larger than \(configuration.maxResponseBytes) bytes; transfer stopped")
        }
        try check(code)
        return HTTPResponse(status: enlace_curl_response_code(handle), headers: sink.headers, body: sink.body)
    }

    private func check(_ code: Int32) throws(HTTPClientError) {
        guard code != enlace_curl_code_ok() else { return }
        let message = String(cString: enlace_curl_error_message(handle, code))
        let kind: HTTPClientError.Kind =
            enlace_curl_is_connect_failure(code) != 0 ? .connection
            : enlace_curl_is_timeout(code) != 0 ? .timeout
            : enlace_curl_is_tls_failure(code) != 0 ? .tls : .other
        throw HTTPClientError(kind: kind, code: code, message: message)
    }
}

/// Collects one response; found by the C callbacks through `Unmanaged` user data.
private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var exceeded = false

    init(limit: Int) {
        self.limit = limit
    }
    var headers: [(String, String)] = []

    func headerLine(_ line: String) {
        if line.hasPrefix("HTTP/") { headers.removeAll() }  // a new response (e.g. after a redirect)
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: " \r\n\t")
        headers.append((name, value))
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var start = startIndex
        var end = endIndex
        while start < end, characters.contains(self[start]) { start = index(after: start) }
        while end > start, characters.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
