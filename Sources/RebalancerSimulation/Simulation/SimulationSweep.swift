import RebalancerCore

/// One scenario over several seeds: the per-seed reports, their totals, and the issue-12 checks.
public struct SimulationSweep: Sendable, Equatable, Codable {
    /// The scenario's name.
    public var scenario: String
    /// Simulated hours per seed.
    public var hours: Double
    /// One report per seed, in seed order.
    public var reports: [SimulationReport]

    /// Creates a sweep.
    public init(scenario: String, hours: Double, reports: [SimulationReport]) {
        self.scenario = scenario
        self.hours = hours
        self.reports = reports
    }

    /// Sum over the seeds of one strategy's metrics (shares averaged).
    public func total(_ strategy: String) -> SimulationMetrics {
        var sum = SimulationMetrics()
        var count = 0.0
        for report in reports {
            guard let m = report.strategies[strategy] else { continue }
            count += 1
            sum.liquidations += m.liquidations
            sum.minutesBelowInitialMargin += m.minutesBelowInitialMargin
            sum.transfers += m.transfers
            sum.feesPaid += m.feesPaid
            sum.latencyCost += m.latencyCost
            sum.idleCapitalShare += m.idleCapitalShare
            sum.penaltiesPaid += m.penaltiesPaid
            sum.rejectedTransfers += m.rejectedTransfers
            sum.reducedBookShare += m.reducedBookShare
        }
        if count > 0 {
            sum.idleCapitalShare /= count
            sum.reducedBookShare /= count
        }
        return sum
    }

    /// Sum of the hindsight bounds: liquidations and the least fees without a liquidation.
    public var hindsightTotal: HindsightBound {
        HindsightBound(
            liquidations: reports.reduce(0) { $0 + ($1.hindsight?.liquidations ?? 0) },
            minFeesWithoutLiquidation: reports.reduce(0) { $0 + ($1.hindsight?.minFeesWithoutLiquidation ?? 0) }
        )
    }

    /// Liquidations of `strategy` on the seeds where the hindsight bound has none.
    public func avoidableLiquidations(_ strategy: String) -> Int {
        reports.reduce(0) { sum, report in
            guard report.hindsight?.liquidations == 0, let m = report.strategies[strategy] else { return sum }
            return sum + m.liquidations
        }
    }

    /// Total cost (fees plus latency cost) of `strategy` as a multiple of the hindsight fees.
    public func costMultiple(_ strategy: String) -> Double {
        let bound = hindsightTotal.minFeesWithoutLiquidation
        let cost = total(strategy).cost
        return bound > 0 ? cost / bound : (cost > 0 ? .infinity : 0)
    }

    /// The done-when of issue 12 for one strategy against `baseline` (normally `threshold`): no
    /// liquidation where hindsight has none, cost at most `maxCostMultiple` × hindsight, fewer
    /// minutes below initial margin than the baseline (or none at all).
    public func meetsTarget(_ strategy: String, baseline: String, maxCostMultiple: Double = 3) -> Bool {
        let minutes = total(strategy).minutesBelowInitialMargin
        return avoidableLiquidations(strategy) == 0 && costMultiple(strategy) <= maxCostMultiple
            && (minutes < total(baseline).minutesBelowInitialMargin || minutes == 0)
    }

    /// At least as good as `baseline` on liquidations, cost and minutes below initial margin.
    public func atLeastAsGood(_ strategy: String, as baseline: String) -> Bool {
        let s = total(strategy)
        let b = total(baseline)
        return s.liquidations <= b.liquidations && s.cost <= b.cost && s.minutesBelowInitialMargin <= b.minutesBelowInitialMargin
    }
}
