import Testing
@testable import RebalancerCore
import RebalancerSimulation

/// Risk targets: grow with volatility and latency, keep a cost-based gap, come from the state alone.
struct RiskTargetsTests {
    static func topology(latencyMs: Int64, fixedFee: Amount = 10_00) -> Topology {
        let venues = ["a", "b"].map {
            Topology.Venue(id: $0, asset: "USD", floorBuffer: 0, targetRatio: 2.5, lowerBand: 1.8, upperBand: 3.2, withdrawalLimit: 1_000_000_00)
        }
        let routes = [("a", "b"), ("b", "a")].map {
            Topology.Route(from: $0.0, to: $0.1, feeBps: 5, fixedFee: fixedFee, latencyMs: latencyMs, capacity: 10_000_000_00)
        }
        return Topology(
            id: "t", epoch: 1, quorum: 1, nodes: [], venues: venues, routes: routes,
            limits: .init(perTransferCap: 10_000_000_00, perVenueOutflow: 10_000_000_00, globalNotional: 10_000_000_00, windowSeconds: 60),
            timing: .init(heartbeatMs: 1_000, staleAfterMs: 5_000, planTTLms: 5_000, basisToleranceMs: 2_000)
        )
    }

    static func state(volatility: Double, trend: Double = 0, balance: Amount = 150_000_00) -> VenueState {
        // 20 contracts at $60,000: $1.2M notional, 5% maintenance margin.
        VenueState(
            venue: "a", seq: 1, observedAt: 0, balance: balance, maintenanceMargin: 60_000_00, initialMargin: 120_000_00,
            markPrice: 60_000, volatility: volatility, positionSize: 20, utilisationTrend: trend
        )
    }

    static func bands(volatility: Double, latencyMs: Int64, trend: Double = 0, targets: RiskTargets = RiskTargets()) -> RiskTargets.Parameters {
        let topology = topology(latencyMs: latencyMs)
        return targets.parameters(venue: topology.venues[0], state: state(volatility: volatility, trend: trend), topology: topology)!
    }

    @Test(arguments: [(2.0, 3.0), (3.0, 6.0), (6.0, 12.0)])
    func targetGrowsWithVolatility(low: Double, high: Double) {
        let calm = Self.bands(volatility: low, latencyMs: 1_800_000)
        let wild = Self.bands(volatility: high, latencyMs: 1_800_000)
        #expect(wild.target > calm.target)
        #expect(wild.lower > calm.lower)
    }

    @Test func calmVolatilityKeepsTheMinimumBuffer() {
        let calm = Self.bands(volatility: 0.1, latencyMs: 600_000)
        #expect(abs(calm.lower - (1 + RiskTargets().minimumBuffer)) < 1e-9)
    }

    @Test func slowVenueHoldsMore() {
        let fast = Self.bands(volatility: 2, latencyMs: 60_000)
        let slow = Self.bands(volatility: 2, latencyMs: 3_600_000)
        #expect(slow.horizonSeconds > fast.horizonSeconds)
        #expect(slow.target > fast.target)
        #expect(slow.lower > fast.lower)
    }

    @Test func bandsAreOrderedWithAGap() {
        for vol in [0.0, 0.3, 1, 3, 10] {
            let p = Self.bands(volatility: vol, latencyMs: 600_000)
            #expect(p.lower > 1)
            #expect(p.target - p.lower >= RiskTargets().minimumGap - 1e-9)
            #expect(p.upper > p.target)
        }
    }

    @Test func gapCoversAnExpensiveFixedFee() {
        let topology = Self.topology(latencyMs: 600_000, fixedFee: 500_00)
        let p = RiskTargets().parameters(venue: topology.venues[0], state: Self.state(volatility: 1), topology: topology)!
        // $500 at most 0.1% of a refill: the gap is at least $500k, over $60k of margin.
        #expect(p.target - p.lower >= 500_00 / (0.001 * 60_000_00) - 1e-9)
    }

    @Test func adverseTrendRaisesTheBufferAndAFavourableOneDoesNot() {
        let targets = RiskTargets(trendWeight: 1)
        let flat = Self.bands(volatility: 1, latencyMs: 600_000, targets: targets)
        let rising = Self.bands(volatility: 1, latencyMs: 600_000, trend: 1e-4, targets: targets)
        let falling = Self.bands(volatility: 1, latencyMs: 600_000, trend: -1e-4, targets: targets)
        #expect(rising.lower > flat.lower)
        #expect(falling == flat)
    }

    @Test func venueWithoutPositionKeepsItsConfiguredBands() {
        let topology = Self.topology(latencyMs: 600_000)
        var flat = Self.state(volatility: 1)
        flat.positionSize = 0
        flat.maintenanceMargin = 0
        let adjusted = RiskTargets().apply(states: ["a": flat], topology: topology)
        #expect(adjusted.venues == topology.venues)
    }

    @Test func applyIsDeterministicAndOnlyUsesStates() {
        let topology = Self.topology(latencyMs: 600_000)
        let states = ["a": Self.state(volatility: 1.3, trend: 2e-5)]
        #expect(RiskTargets().apply(states: states, topology: topology) == RiskTargets().apply(states: states, topology: topology))
        let views = states.mapValues { VenueView(state: $0, virtualIn: 5_000_00) }
        #expect(RiskTargets().apply(views: views, topology: topology) == RiskTargets().apply(states: states, topology: topology))
    }
}
