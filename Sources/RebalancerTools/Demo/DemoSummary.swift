import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerSimulation

/// What a demo run reports, printed at the end and written as JSON with `--json`.
public struct DemoSummary: Codable, Sendable {
    /// One role process of the run.
    public struct ProcessInfo: Codable, Sendable {
        /// Its role.
        public var role: String
        /// Its node id.
        public var id: String
        /// Its OS process id.
        public var pid: Int32
    }

    /// Percentiles of end-to-end latency.
    public struct Latency: Codable, Sendable {
        /// Median, in milliseconds.
        public var p50: Double
        /// 99th percentile, in milliseconds.
        public var p99: Double
        /// Number of samples.
        public var samples: Int
        /// Largest sample, in milliseconds.
        public var max: Double = 0
    }

    /// The strategy the coordinator ran.
    public var strategy: String
    /// How long the market's price path ran (after its warm-up), in seconds.
    public var seconds: Double
    /// Plans the coordinator proposed.
    public var plans_proposed: Int64
    /// Plans a quorum approved.
    public var plans_approved: Int64
    /// Plans refused by too many verifiers, or for which the quorum was unreachable.
    public var plans_rejected: Int64
    /// Plans the executors accepted after checking the quorum themselves.
    public var plans_executed: Int64
    /// Transfers credited at their destination.
    public var transfers_settled: Int64
    /// Venues liquidated by the market.
    public var liquidations: Int64
    /// Fees charged by the routes, in cents.
    public var fees_paid: Int64
    /// Liquidation penalties charged, in cents.
    public var penalties_charged: Int64
    /// Capital at the start, in cents.
    public var initial_capital: Int64
    /// Capital held at the end (balances plus credits in flight), in cents.
    public var final_capital: Int64
    /// Messages dropped by the monitor (malformed, unsigned, wrongly signed).
    public var dropped_messages: Int64
    /// Every child process.
    public var processes: [ProcessInfo]
    /// From a watcher's observation of the state that triggered a plan to the executor's verified receipt of it.
    public var latency_ms: Latency
    /// Liquidations that a transfer schedule chosen with hindsight (knowing the price path the
    /// market played, with the routes' latencies and the capital) could have avoided.
    public var avoidable_liquidations: Int64 = 0
    /// The least route fees of a run without liquidation on the same price path, in cents.
    public var hindsight_cost: Int64 = 0
    /// The market's hindsight report (`rebalancer hindsight`); nil when the market left no record.
    public var hindsight: HindsightReport? = nil
    /// How the deployment came up: each node's launch and first `/healthz`, then the market's
    /// launch after them, and when the coordinator was first ready.
    public var startup: DemoStartup? = nil

    /// Adds the hindsight report of the run's recorded price path.
    public mutating func attach(_ report: HindsightReport) {
        hindsight = report
        avoidable_liquidations = Int64(report.avoidableLiquidations)
        hindsight_cost = report.hindsightCost
    }
}

extension DemoSummary.Latency {
    /// Percentiles of samples given in nanoseconds: `LatencyFigures(nanos:)`, the very figures
    /// `bench latency` reports for the demo (nearest rank, to the microsecond).
    public init(nanos: [Int64]) {
        self.init(LatencyFigures(nanos: nanos))
    }

    /// The same figures as `bench latency`'s.
    public init(_ figures: LatencyFigures) {
        self.init(p50: figures.p50_ms, p99: figures.p99_ms, samples: figures.samples, max: figures.max_ms)
    }

    /// The figures as `bench latency` reads them.
    public var figures: LatencyFigures { LatencyFigures(p50_ms: p50, p99_ms: p99, max_ms: max, samples: samples) }

    /// `p50 1.234 ms, p99 2.345 ms, max 3.456 ms over 22 plans`: how the live view and the
    /// summary print them.
    public var text: String {
        String(format: "p50 %.3f ms, p99 %.3f ms, max %.3f ms over %d plan%@", p50, p99, max, samples, samples == 1 ? "" : "s")
    }
}
