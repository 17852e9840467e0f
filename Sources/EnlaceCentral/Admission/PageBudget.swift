#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Metrics
import Synchronization

/// How many desk pages each client may ask for: a burst, then a steady rate (a token bucket per
/// client). Past its budget a client is answered with a short page and `Retry-After` (after the
/// middleware's delay), before any page is rendered, any form read or any password checked: a flood of sign-in
/// attempts costs the server a short refusal each, not two rendered pages each, so a sync round
/// waiting behind it is not kept waiting. A person reading and clicking stays far below it.
/// A client is what `CentralContext.client` names: its address, or behind a trusted proxy the
/// address the proxy reports; an IPv6 address counts by its /64, which one machine holds whole.
final class PageBudget: Sendable {
    /// Requests a client may make at once after a quiet moment.
    let burst: Int
    /// Requests a second a client may go on making.
    let perSecond: Int
    /// Milliseconds on a clock that never steps back.
    private let now: @Sendable () -> Int64
    /// Per client: the tokens left and when they were counted (`now`); and when the table was
    /// last swept.
    private let state = Mutex<(buckets: [String: (tokens: Double, at: Int64)], swept: Int64?)>(([:], nil))
    /// The most clients remembered. Past it, those whose bucket has filled again are forgotten
    /// (at most once a second), and while none has, every client not remembered shares one
    /// bucket: many addresses cannot grow the table, nor win a burst each.
    static let rememberedClients = 10_000
    static let overflow = "(los demás)"

    init(burst: Int = 120, perSecond: Int = 20, now: @escaping @Sendable () -> Int64 = PageBudget.monotonicMillis) {
        precondition(burst >= 1 && perSecond >= 1, "a page budget admits at least one request")
        self.burst = burst
        self.perSecond = perSecond
        self.now = now
    }

    private static let start = ContinuousClock.now

    /// Milliseconds since the process first asked.
    static func monotonicMillis() -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// Takes one request from `client`'s budget; false when it has none left.
    func admit(_ client: String) -> Bool {
        let millis = now()
        let burst = Double(self.burst), rate = Double(perSecond) / 1000
        var key = PageBudget.key(of: client)
        return state.withLock { state in
            if state.buckets.count >= PageBudget.rememberedClients, state.swept.map({ !(0..<1000).contains(millis - $0) }) ?? true {
                state.buckets = state.buckets.filter { $0.value.tokens + Double(millis - $0.value.at) * rate < burst }
                state.swept = millis
            }
            if state.buckets[key] == nil, state.buckets.count >= PageBudget.rememberedClients { key = PageBudget.overflow }
            var bucket = state.buckets[key] ?? (burst, millis)
            bucket.tokens = min(burst, bucket.tokens + Double(max(0, millis - bucket.at)) * rate)
            bucket.at = millis
            let admitted = bucket.tokens >= 1
            if admitted { bucket.tokens -= 1 }
            state.buckets[key] = bucket
            return admitted
        }
    }

    /// The bucket a client counts in: an IPv6 address by its first 64 bits, anything else as is.
    static func key(of client: String) -> String {
        guard client.contains(":") else { return client }
        var address = in6_addr()
        guard inet_pton(AF_INET6, client, &address) == 1 else { return client }
        let bytes = withUnsafeBytes(of: &address) { Array($0.prefix(8)) }
        return "v6/64:" + bytes.map { String($0, radix: 16) }.joined(separator: ".")
    }

    /// The answer past the budget: short, in Spanish, the same every time.
    static func refusal() -> Response {
        Response(status: .tooManyRequests,
                 headers: [.contentType: "text/html; charset=utf-8", .retryAfter: "2", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: refusalPage)))
    }

    private static let refusalPage = Array("""
        <!doctype html><html lang="es"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
        <title>Espera un momento</title>\
        <p>Llegaron demasiadas solicitudes desde tu equipo. Espera unos segundos y vuelve a cargar la página.</p></html>

        """.utf8)
}

/// Admits each desk request against its client's `PageBudget` before it is routed further. A
/// refusal is answered after `delay`: a client that keeps its connections busy asking again
/// at once then asks once per delay per connection, and the connections it may hold are few
/// (`ConnectionLimit`).
struct PageBudgetMiddleware: RouterMiddleware {
    typealias Context = CentralContext
    let budget: PageBudget
    let trustedProxies: Set<String>
    let delay: Duration

    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        guard budget.admit(context.client(request, trustedProxies: trustedProxies)) else {
            Counter(label: "enlace_central_pages_refused_total").increment()
            try await Task.sleep(for: delay)
            return PageBudget.refusal()
        }
        return try await next(request, context)
    }
}
