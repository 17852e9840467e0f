import Hummingbird
import Metrics
import Prometheus

/// Prometheus text at `GET /metrics`: what swift-metrics recorded in this process (sync
/// counters and latencies, Hummingbird's request counts and durations) plus gauges read from
/// the store at scrape time. Counts only, never personal data.
public struct MetricsEndpoint: Sendable {
    /// The registry the process's metrics go to.
    public let registry: PrometheusCollectorRegistry
    /// Reads the gauges (`name` → value) at scrape time.
    public let gauges: @Sendable () throws -> [(name: String, help: String, value: Double)]

    public init(registry: PrometheusCollectorRegistry, gauges: @escaping @Sendable () throws -> [(name: String, help: String, value: Double)]) {
        self.registry = registry
        self.gauges = gauges
    }

    /// Adds `GET /metrics` to `router`.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let registry = self.registry
        let gauges = self.gauges
        router.get("/metrics") { _, _ in
            for gauge in try await offload(gauges) {
                registry.makeGauge(name: gauge.name, help: gauge.help).set(gauge.value)
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: registry.emitToString())))
        }
    }

    /// The registry a daemon's metrics go to, bootstrapped once per process as swift-metrics'
    /// backend (sync batch latencies get buckets from 5 ms to 10 s).
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
