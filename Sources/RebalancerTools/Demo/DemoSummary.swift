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
    /// How long the market ran, in seconds.
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

    /// Adds the hindsight report of the run's recorded price path.
    public mutating func attach(_ report: HindsightReport) {
        hindsight = report
        avoidable_liquidations = Int64(report.avoidableLiquidations)
        hindsight_cost = report.hindsightCost
    }
}

extension DemoSummary.Latency {
    /// Percentiles of samples given in nanoseconds.
    public init(nanos: [Int64]) {
        let sorted = nanos.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))
            return (Double(sorted[index]) / 1e6 * 1000).rounded() / 1000
        }
        self.init(p50: percentile(0.5), p99: percentile(0.99), samples: sorted.count)
        max = sorted.last.map { (Double($0) / 1e6 * 1000).rounded() / 1000 } ?? 0
    }
}
