import Foundation
import Logging
import RebalancerCore
import RebalancerNode

/// `rebalancer bench latency`: the floor (minimal processes over the same hops, `FloorBench`) and
/// the demo topology (`DemoLatency`) in one run, compared.
public struct LatencyBench: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// The topology the demo runs and whose verifiers and quorum the floor mirrors.
        public var topologyPath: String
        /// How long the demo runs.
        public var seconds: Double
        /// Samples of the floor.
        public var samples: Int
        /// Measure the floor.
        public var floor: Bool
        /// Run the demo.
        public var demo: Bool
        /// Where the floor's and the demo's files go (wiped at start).
        public var dataDirectory: String

        /// Creates options.
        public init(topologyPath: String, seconds: Double, samples: Int, floor: Bool, demo: Bool, dataDirectory: String) {
            self.topologyPath = topologyPath
            self.seconds = seconds
            self.samples = samples
            self.floor = floor
            self.demo = demo
            self.dataDirectory = dataDirectory
        }
    }

    let options: Options
    let executable: URL

    /// A bench that starts its children from `executable` (this binary).
    public init(options: Options, executable: URL) {
        self.options = options
        self.executable = executable
    }

    /// Runs what the options ask for and returns the report.
    public func run(logger: Logger) async throws -> LatencyReport {
        _ = try KeyStore.ensure(topologyPath: options.topologyPath)
        let topology = try TopologyFile.load(path: options.topologyPath)
        let verifiers = topology.verifiers.count, quorum = topology.quorum
        var report = LatencyReport(topology: options.topologyPath, verifiers: verifiers, quorum: quorum, costliest_hops: [])
        if options.floor {
            let bench = FloorBench(verifiers: verifiers, quorum: quorum, samples: options.samples, dataDirectory: options.dataDirectory + "/floor", executable: executable)
            let result = try bench.run()
            report.floor = .init(
                end_to_end: LatencyFigures(nanos: result.endToEnd),
                hops: HopSegment.allCases.map { segment in
                    let figures = LatencyFigures(nanos: result.segments[segment] ?? [])
                    return HopCost(hop: segment.rawValue, p50_ms: figures.p50_ms, p99_ms: figures.p99_ms)
                }
            )
        }
        if options.demo {
            let demoOptions = DemoRunner.Options(
                topologyPath: options.topologyPath, seconds: options.seconds, strategy: StrategyName.standard.rawValue, seed: nil, pricesPath: nil,
                dataDirectory: options.dataDirectory + "/demo", live: false
            )
            let (summary, histograms) = try await DemoLatency(options: demoOptions, executable: executable).run(topology: topology, logger: logger)
            // The demo summary's own figures (its live view shows the same).
            report.demo = .init(
                end_to_end: summary.latency_ms.figures,
                hops: Self.segments(histograms)
            )
        }
        report.conclude()
        return report
    }

    /// Each segment's p50 and p99: the difference of consecutive cumulative quantiles (never below 0).
    static func segments(_ histograms: HopHistograms) -> [HopCost] {
        var previous = (p50: 0.0, p99: 0.0)
        return HopSegment.allCases.map { segment in
            let p50 = (histograms.quantile(0.5, hop: segment.rawValue) ?? 0) * 1000, p99 = (histograms.quantile(0.99, hop: segment.rawValue) ?? 0) * 1000
            defer { previous = (max(previous.p50, p50), max(previous.p99, p99)) }
            func round(_ v: Double) -> Double { (max(0, v) * 1000).rounded() / 1000 }
            return HopCost(hop: segment.rawValue, p50_ms: round(p50 - previous.p50), p99_ms: round(p99 - previous.p99))
        }
    }
}
