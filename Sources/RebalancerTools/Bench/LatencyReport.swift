import Foundation

/// What `rebalancer bench latency` reports, printed as a table and written as JSON with `--json`.
public struct LatencyReport: Codable, Sendable {
    /// One measurement: end to end and per segment.
    public struct Measurement: Codable, Sendable {
        /// From the watcher's observation to the executor's verified, recorded receipt.
        public var end_to_end: LatencyFigures
        /// Each segment's cost, in path order. The floor's are per-sample differences; the demo's
        /// are differences of consecutive cumulative quantiles of `rebalancer_decision_hop_seconds`
        /// (histogram buckets, so coarse).
        public var hops: [HopCost]
    }

    /// Demo over floor, for p50, p99 and max.
    public struct Ratio: Codable, Sendable {
        /// Demo p50 over floor p50.
        public var p50: Double
        /// Demo p99 over floor p99.
        public var p99: Double
        /// Demo max over floor max.
        public var max: Double
    }

    /// The topology the demo ran and the floor mirrored (verifiers and quorum).
    public var topology: String
    /// Verifiers of the topology.
    public var verifiers: Int
    /// Votes that make a quorum.
    public var quorum: Int
    /// The floor: minimal processes over the same hops; nil with `--demo-only`.
    public var floor: Measurement?
    /// The demo topology; nil with `--floor-only`.
    public var demo: Measurement?
    /// Demo over floor; nil unless both ran.
    public var ratio: Ratio?
    /// The three segments that cost the most at p50 (the demo's when it ran, else the floor's).
    public var costliest_hops: [String]

    /// Fills the ratio and the costliest hops from the measurements.
    public mutating func conclude() {
        if let floor, let demo {
            func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? (a / b * 10).rounded() / 10 : 0 }
            self.ratio = Ratio(
                p50: ratio(demo.end_to_end.p50_ms, floor.end_to_end.p50_ms), p99: ratio(demo.end_to_end.p99_ms, floor.end_to_end.p99_ms),
                max: ratio(demo.end_to_end.max_ms, floor.end_to_end.max_ms)
            )
        }
        let hops = (demo ?? floor)?.hops ?? []
        costliest_hops = hops.sorted { $0.p50_ms > $1.p50_ms }.prefix(3).map(\.hop)
    }

    /// The table `bench latency` prints.
    public var text: String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%10.3f", $0) } ?? "         -" }
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        var lines = ["latency, ms (\(topology): \(verifiers) verifiers, quorum \(quorum))", pad("", 22) + "       p50       p99       max   samples"]
        for (name, m) in [("floor", floor), ("demo", demo)] {
            guard let m else { continue }
            let e = m.end_to_end
            lines.append(pad(name, 22) + ms(e.p50_ms) + ms(e.p99_ms) + ms(e.max_ms) + String(format: "%10d", e.samples))
        }
        if let ratio { lines.append(pad("demo / floor", 22) + String(format: "%9.1fx%9.1fx%9.1fx", ratio.p50, ratio.p99, ratio.max)) }
        lines.append("")
        lines.append(pad("per hop, ms", 22) + " floor p50 floor p99  demo p50  demo p99")
        for segment in HopSegment.allCases {
            let f = floor?.hops.first { $0.hop == segment.rawValue }, d = demo?.hops.first { $0.hop == segment.rawValue }
            lines.append(pad(segment.rawValue, 22) + ms(f?.p50_ms) + ms(f?.p99_ms) + ms(d?.p50_ms) + ms(d?.p99_ms))
        }
        lines.append("")
        lines.append("costliest hops (\(demo == nil ? "floor" : "demo") p50): " + costliest_hops.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
