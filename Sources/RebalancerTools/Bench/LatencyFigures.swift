import Foundation

/// p50, p99 and max of a set of latency samples, in milliseconds.
public struct LatencyFigures: Codable, Sendable, Equatable {
    /// Median, in milliseconds.
    public var p50_ms: Double
    /// 99th percentile, in milliseconds.
    public var p99_ms: Double
    /// Largest sample, in milliseconds.
    public var max_ms: Double
    /// Number of samples.
    public var samples: Int

    /// Creates figures from values already in milliseconds.
    public init(p50_ms: Double, p99_ms: Double, max_ms: Double, samples: Int) {
        self.p50_ms = p50_ms
        self.p99_ms = p99_ms
        self.max_ms = max_ms
        self.samples = samples
    }

    /// Figures of samples given in nanoseconds (nearest-rank percentiles, to the microsecond).
    public init(nanos: [Int64]) {
        let sorted = nanos.sorted()
        func ms(_ value: Int64) -> Double { (Double(value) / 1e3).rounded() / 1e3 }
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return ms(sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))])
        }
        self.init(p50_ms: percentile(0.5), p99_ms: percentile(0.99), max_ms: sorted.last.map(ms) ?? 0, samples: sorted.count)
    }
}
