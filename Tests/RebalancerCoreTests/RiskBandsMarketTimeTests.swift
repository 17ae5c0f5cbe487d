import Testing
import RebalancerSimulation
@testable import RebalancerCore

/// Risk bands in market time: a live market playing an hour of prices every 100 ms sees a
/// one-second route last ten hours of price moves, and its bands must say so.
struct RiskBandsMarketTimeTests {
    /// The `RiskTargetsTests` topology whose simulated market has accounts and ticks on the clock.
    static func liveTopology(latencyMs: Int64, secondsPerTick: Double = 3_600, tickMs: Int64 = 100) -> Topology {
        var topology = RiskTargetsTests.topology(latencyMs: latencyMs)
        var market = MarketScenario.spec(seed: 1, accounts: [])
        market.accounts = [.init(venue: "a", balance: 150_000_00, position: 20, hedgeVenue: "b", maintenanceRate: 0.05, initialRate: 0.1)]
        market.secondsPerTick = secondsPerTick
        market.tickMs = tickMs
        topology.marketSecondsPerSecond = market.marketSecondsPerSecond
        return topology
    }

    @Test func aMarketOnTheClockScalesRouteLatencyToMarketTime() {
        #expect(RiskBands.marketSecondsPerSecond(Self.liveTopology(latencyMs: 500)) == 36_000)
        // No accounts (real venues) or no wall-clock tick (`sim`): latencies are market time already.
        #expect(RiskBands.marketSecondsPerSecond(RiskTargetsTests.topology(latencyMs: 500)) == 1)
        #expect(RiskBands.marketSecondsPerSecond(Self.liveTopology(latencyMs: 500, tickMs: 0)) == 1)
    }

    @Test func horizonIsLatencyPlusReactionInMarketSeconds() {
        let topology = Self.liveTopology(latencyMs: 500)
        let p = RiskBands().parameters(venue: topology.venues[0], state: RiskTargetsTests.state(volatility: 0.6), topology: topology)!
        // (0.5 s route + 0.2 s reaction: the live pipeline decides in under 100 ms) × 36,000
        // market seconds per second.
        #expect(abs(p.horizonSeconds - 25_200) < 1e-6)
        // k = 21 at σ = 0.6 over seven market hours: the ratio moves 0.36 (a 60.5-second horizon
        // would say 0.017, and the probability bound alone a trigger of 1.04); the trigger keeps
        // P(reach M) ≤ 1%, a buffer of 0.92.
        #expect(abs(p.move - 21 * 0.6 * (25_200 / PricePath.secondsPerYear).squareRoot()) < 1e-9)
        #expect(p.trigger - 1 >= LiquidationRisk.buffer(bound: 0.01, move: p.move) - 1e-9)
        #expect(LiquidationRisk.buffer(bound: 0.01, move: p.move) > 0.9)
        #expect(LiquidationRisk.touchProbability(distance: p.trigger - 1, move: p.move) <= RiskBands().liquidationProbability * (1 + 1e-6))
    }

    @Test func refillCostPricesTheLatencyInMarketTime() {
        let live = Self.liveTopology(latencyMs: 1_000)
        let sim = RiskTargetsTests.topology(latencyMs: 1_000)
        let bands = RiskBands()
        let p = bands.parameters(venue: live.venues[0], state: RiskTargetsTests.state(volatility: 0.6), topology: live)!
        let fee = 10_00 + (p.refill - 1.5) * 60_000_00 * 5 / 10_000
        let liveCost = bands.refillCost(from: 1.5, p, venue: "a", margin: 60_000_00, topology: live)
        let simCost = bands.refillCost(from: 1.5, p, venue: "a", margin: 60_000_00, topology: sim)
        // One second of wall clock is ten market hours of capital in transit.
        #expect(abs((liveCost - fee) / (simCost - fee) - 36_000) < 1e-6)
    }
}

/// The (s, S) gap is an order the planner can place.
struct RiskBandsRefillSizeTests {
    @Test func gapIsAtLeastTheSmallestTransferThePlannerMakes() {
        // M = $30,000 (10 contracts at $60,000): a 0.6 gap is an $18,000 refill, under a $20,000
        // minimum transfer; the gap grows to 1.25 × 20,000 / 30,000.
        let topology = RiskTargetsTests.topology(latencyMs: 600_000)
        var state = RiskTargetsTests.state(volatility: 0.8, balance: 60_000_00)
        state.positionSize = 10
        state.maintenanceMargin = 30_000_00
        state.initialMargin = 60_000_00
        let plain = RiskBands().parameters(venue: topology.venues[0], state: state, topology: topology)!
        let sized = RiskBands(minimumRefill: 20_000_00).parameters(venue: topology.venues[0], state: state, topology: topology)!
        #expect(abs(plain.refill - plain.trigger - RiskBands().minimumGap) < 1e-9)
        #expect(abs(sized.refill - sized.trigger - 1.25 * 20_000 / 30_000) < 1e-9)
        #expect(sized.trigger == plain.trigger)
    }

    @Test func predictiveAsksForRefillsItsOptimizerCanMake() {
        // A venue just under its trigger, the other far above: the optimizer (minimum $20,000)
        // makes the refill, because the gap it plans to is at least that large.
        let topology = RiskTargetsTests.topology(latencyMs: 600_000)
        var low = RiskTargetsTests.state(volatility: 0.8, balance: 0)
        low.positionSize = 10
        low.maintenanceMargin = 30_000_00
        low.initialMargin = 60_000_00
        let strategy = PredictiveStrategy()
        let trigger = strategy.policyTopology(views: ["a": VenueView(state: low)], topology: topology).venues[0].lowerBand
        low.balance = Amount((trigger - 0.01) * 30_000_00)
        var rich = low
        rich.venue = "b"
        rich.balance = 400_000_00
        let transfers = strategy.plan(views: ["a": VenueView(state: low), "b": VenueView(state: rich)], topology: topology)
        #expect(transfers.count == 1)
        #expect(transfers.first.map { $0.from == "b" && $0.to == "a" && $0.amount >= 20_000_00 } == true)
    }
}
