import Testing
@testable import RebalancerCore
import RebalancerSimulation

/// The default strategy (`StrategyName.standard`) on short runs: no liquidation where hindsight
/// has none. The 32-seed, 720-hour comparison is `rebalancer sim --seeds 1-32 --scenario all`.
struct DefaultStrategyTests {
    @Test func theDefaultIsOneStrategyEverywhere() {
        #expect(StrategyName.standard.make().name == StrategyName.standard.rawValue)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func noLiquidationWhereHindsightHasNone(seed: UInt64) {
        let sim = ScenarioName.deltaNeutralMonth.simulation(seed: seed, hours: 96)
        // The pooled-pair bound: it never says more liquidations are needed than the latency-aware
        // `hindsight(hours:)`, so "none where it has none" is the stricter check, and it is cheap.
        let bound = sim.hindsightPath(hours: 96).bound()
        // The greedy baseline's run, once (the simulation is deterministic for its seed).
        let greedy = sim.run(GreedyThresholdStrategy(), hours: 96).liquidations
        for strategy in [StrategyName.standard.make(), PredictiveStrategy()] as [any Strategy] {
            let metrics = sim.run(strategy, hours: 96)
            if bound.liquidations == 0 { #expect(metrics.liquidations == 0, "\(strategy.name)") }
            #expect(metrics.liquidations <= greedy)
        }
    }

    @Test func sweepTotalsAndChecks() {
        let a = SimulationReport(scenario: "s", seed: 1, hours: 1, strategies: [
            "predictive": SimulationMetrics(liquidations: 0, minutesBelowInitialMargin: 10, feesPaid: 100),
            "threshold": SimulationMetrics(liquidations: 1, minutesBelowInitialMargin: 30, feesPaid: 500),
        ], hindsight: HindsightBound(liquidations: 0, minFeesWithoutLiquidation: 50))
        var b = a
        b.seed = 2
        b.hindsight = HindsightBound(liquidations: 1, minFeesWithoutLiquidation: 0)
        b.strategies["predictive"]!.liquidations = 2
        let sweep = SimulationSweep(scenario: "s", hours: 1, reports: [a, b])
        #expect(sweep.total("predictive").feesPaid == 200)
        #expect(sweep.avoidableLiquidations("predictive") == 0)  // its liquidations are on seed 2, where hindsight has one
        #expect(sweep.avoidableLiquidations("threshold") == 1)
        #expect(sweep.costMultiple("predictive") == 4)
        #expect(!sweep.meetsTarget("predictive", baseline: "threshold"))
        #expect(sweep.meetsTarget("predictive", baseline: "threshold", maxCostMultiple: 4))
        // 2 liquidations against 2, lower cost and fewer minutes below initial margin.
        #expect(sweep.atLeastAsGood("predictive", as: "threshold"))
        #expect(!sweep.atLeastAsGood("threshold", as: "predictive"))
    }
}
