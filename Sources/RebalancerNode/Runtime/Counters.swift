import Foundation
import Metrics

/// A process's metrics: named monotonic counters and gauges, safe to bump from any thread.
///
/// They travel in heartbeats (so a monitor sees them live) and are printed on shutdown. Every
/// change is also made to a swift-metrics counter or gauge named by `MetricName` (for example
/// `dropped.bad_signature` is `rebalancer_messages_dropped_total{reason="bad_signature"}`), so
/// whichever metrics backend the process bootstrapped (Prometheus in the CLI) sees the same figures.
/// `@unchecked Sendable`: the dictionaries are read and written only under `lock`; `node` is
/// immutable, and the swift-metrics handles are thread-safe.
public final class Counters: @unchecked Sendable {
    // A lock guards the dictionaries; every access goes through it.
    private let lock = NSLock()
    private var values: [String: Int64] = [:]
    private var counterHandles: [String: Metrics.Counter] = [:]
    private var gaugeHandles: [String: Metrics.Gauge] = [:]
    private let node: String?

    /// Creates an empty set of counters; `node` labels their swift-metrics twins.
    public init(node: String? = nil) {
        self.node = node
    }

    /// Adds `by` to a counter.
    public func increment(_ name: String, by: Int64 = 1) {
        lock.lock()
        values[name, default: 0] += by
        let handle = counterHandle(name)
        lock.unlock()
        handle?.increment(by: by)
    }

    /// Sets a gauge.
    public func set(_ name: String, _ value: Int64) {
        lock.lock()
        values[name] = value
        let handle = gaugeHandle(name)
        lock.unlock()
        handle.record(value)
    }

    /// One counter's value.
    public subscript(name: String) -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        return values[name, default: 0]
    }

    /// Every counter.
    public var snapshot: [String: Int64] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }

    // Called with the lock held.
    private func counterHandle(_ name: String) -> Metrics.Counter? {
        if let handle = counterHandles[name] { return handle }
        guard let metric = MetricName.counter(name) else { return nil }
        let handle = Metrics.Counter(label: metric.name, dimensions: labels(metric.labels))
        counterHandles[name] = handle
        return handle
    }

    // Called with the lock held.
    private func gaugeHandle(_ name: String) -> Metrics.Gauge {
        if let handle = gaugeHandles[name] { return handle }
        let metric = MetricName.gauge(name)
        let handle = Metrics.Gauge(label: metric.name, dimensions: labels(metric.labels))
        gaugeHandles[name] = handle
        return handle
    }

    private func labels(_ extra: [(String, String)]) -> [(String, String)] {
        (node.map { [("node", $0)] } ?? []) + extra
    }
}
