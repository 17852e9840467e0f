import Hummingbird
import Metrics
import Prometheus
import Synchronization

/// Prometheus text at `GET /metrics`: what swift-metrics recorded in this process (sync
/// counters and latencies, Hummingbird's request counts and durations) plus gauges read from
/// the store at scrape time. Counts only, never personal data.
public struct MetricsEndpoint: Sendable {
    /// A gauge read at scrape time: its name, help, labels (a node's id and department) and value.
    public struct Reading: Sendable {
        public let name: String
        public let help: String
        public let labels: [(String, String)]
        public let value: Double

        public init(_ name: String, _ help: String, labels: [(String, String)] = [], _ value: Double) {
            self.name = name
            self.help = help
            self.labels = labels
            self.value = value
        }
    }

    /// The registry the process's metrics go to.
    public let registry: PrometheusCollectorRegistry
    /// Reads the gauges at scrape time.
    public let gauges: @Sendable () async throws -> [Reading]
    /// The labelled gauges the last scrape set: one no longer read (a node revoked) is removed,
    /// so it does not linger at its last value.
    private let labelled = LabelledGauges()

    final class LabelledGauges: Sendable {
        let gauges = Mutex<[String: Prometheus.Gauge]>([:])
    }

    public init(registry: PrometheusCollectorRegistry, gauges: @escaping @Sendable () async throws -> [Reading]) {
        self.registry = registry
        self.gauges = gauges
    }

    /// Adds `GET /metrics` to `router`.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let endpoint = self
        router.get("/metrics") { _, _ in
            let readings = try await endpoint.gauges()
            endpoint.set(readings)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: endpoint.registry.emitToString())))
        }
    }

    /// Sets every gauge read, and removes the labelled ones this scrape no longer reads.
    func set(_ readings: [Reading]) {
        labelled.gauges.withLock { previous in
            var current: [String: Prometheus.Gauge] = [:]
            for reading in readings {
                let descriptor = MetricNameDescriptor(metricName: reading.name, unitName: "", helpText: reading.help)
                if reading.labels.isEmpty {
                    registry.makeGauge(descriptor: descriptor).set(reading.value)
                } else {
                    let gauge = registry.makeGauge(descriptor: descriptor, labels: reading.labels)
                    gauge.set(reading.value)
                    current[reading.name + "\u{0}" + reading.labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")] = gauge
                }
            }
            for (key, gauge) in previous where current[key] == nil { registry.unregisterGauge(gauge) }
            previous = current
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
