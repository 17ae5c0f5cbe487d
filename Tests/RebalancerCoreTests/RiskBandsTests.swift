import Testing
@testable import RebalancerCore
import RebalancerSimulation

/// The probability bound, the (s, S) bands and the cost-benefit rule of `predictive`.
struct RiskBandsTests {
    @Test(arguments: [0.0, 0.5, 1.0, 1.96, -1.2, 3.5])
    func normalQuantileInvertsTheCDF(x: Double) {
        #expect(abs(NormalDistribution.quantile(NormalDistribution.cdf(x)) - x) < 1e-5)
    }

    @Test func normalCDFKnownValues() {
        #expect(abs(NormalDistribution.cdf(0) - 0.5) < 1e-7)
        #expect(abs(NormalDistribution.cdf(1.959_964) - 0.975) < 1e-6)
        #expect(abs(NormalDistribution.quantile(0.999) - 3.090_232) < 1e-5)
    }

    @Test(arguments: [0.1, 0.01, 0.001])
    func bufferKeepsTheTouchProbabilityAtTheBound(bound: Double) {
        let d = LiquidationRisk.buffer(bound: bound, move: 0.3)
        #expect(abs(LiquidationRisk.touchProbability(distance: d, move: 0.3) - bound) < bound * 1e-4)
    }

    @Test func bufferHoldsTheBoundOnSimulatedPaths() {
        // 4,000 seeded random walks of 64 steps with unit variance over the horizon: the share that
        // touches −buffer(5%) is at most 5% (discrete monitoring touches less often than continuous).
        let bound = 0.05
        let d = LiquidationRisk.buffer(bound: bound, move: 1)
        var random = SeededRandom(seed: 11)
        var touched = 0
        let paths = 4_000
        let steps = 64
        for _ in 0..<paths {
            var x = 0.0
            for _ in 0..<steps {
                x += random.nextGaussian() / Double(steps).squareRoot()
                if x <= -d { touched += 1; break }
            }
        }
        let share = Double(touched) / Double(paths)
        #expect(share <= bound)
        #expect(share >= bound * 0.5)
    }

    static func topology(latencyMs: Int64, fixedFee: Amount = 10_00) -> Topology {
        RiskTargetsTests.topology(latencyMs: latencyMs, fixedFee: fixedFee)
    }

    static func state(volatility: Double, balance: Amount = 150_000_00) -> VenueState {
        RiskTargetsTests.state(volatility: volatility, balance: balance)
    }

    static func parameters(volatility: Double, latencyMs: Int64, bands: RiskBands = RiskBands()) -> RiskBands.Parameters {
        let topology = topology(latencyMs: latencyMs)
        return bands.parameters(venue: topology.venues[0], state: state(volatility: volatility), topology: topology)!
    }

    @Test func triggerKeepsTheProbabilityOfReachingMaintenanceUnderTheBound() {
        let p = Self.parameters(volatility: 3, latencyMs: 1_800_000)
        let probability = LiquidationRisk.touchProbability(distance: p.trigger - 1, move: p.move)
        #expect(probability <= RiskBands().liquidationProbability * (1 + 1e-6))
        // k = 21, σ = 3, T = 1,860 s: the horizon's standard deviation of the ratio.
        #expect(abs(p.move - 21 * 3 * (1_860 / PricePath.secondsPerYear).squareRoot()) < 1e-9)
    }

    @Test func triggerGrowsWithVolatilityAndLatencyAndStaysAboveInitialMargin() {
        let calm = Self.parameters(volatility: 0.8, latencyMs: 1_800_000)
        let wild = Self.parameters(volatility: 3.2, latencyMs: 1_800_000)
        let slow = Self.parameters(volatility: 3.2, latencyMs: 3_600_000)
        #expect(wild.trigger > calm.trigger)
        #expect(slow.trigger > wild.trigger)
        // Calm: the initial-margin cushion binds (the probability bound alone would allow 1.33).
        #expect(calm.trigger >= calm.initialRatio + RiskBands().initialMarginConfidence * calm.move - 1e-9)
        #expect(1 + LiquidationRisk.buffer(bound: RiskBands().liquidationProbability, move: calm.move) < calm.trigger)
        #expect(calm.refill - calm.trigger >= RiskBands().minimumGap - 1e-9)
    }

    @Test func refillIsMadeOnlyWhenTheAvoidedLossExceedsItsCost() {
        let bands = RiskBands()
        let topology = Self.topology(latencyMs: 600_000)
        let p = Self.parameters(volatility: 0.8, latencyMs: 600_000)
        // Just under the trigger in a calm market: far from maintenance, the refill is still worth
        // it for the initial-margin cushion; a venue close to maintenance certainly is.
        #expect(bands.worthRefilling(from: 1.05, p, venue: "a", margin: 60_000_00, topology: topology))
        // The same refill through a route with a $50,000 fixed fee is not worth it.
        let dear = Self.topology(latencyMs: 600_000, fixedFee: 50_000_00)
        let q = bands.parameters(venue: dear.venues[0], state: Self.state(volatility: 0.8), topology: dear)!
        #expect(!bands.worthRefilling(from: q.trigger - 0.01, q, venue: "a", margin: 60_000_00, topology: dear))
        #expect(bands.avoidedLoss(from: 1.05, p) > bands.avoidedLoss(from: p.trigger - 0.01, p))
    }

    @Test func aRefillNotWorthItsCostIsNotAskedFor() {
        let dear = Self.topology(latencyMs: 600_000, fixedFee: 50_000_00)
        let bands = RiskBands()
        let q = bands.parameters(venue: dear.venues[0], state: Self.state(volatility: 0.8), topology: dear)!
        let balance = Amount((q.trigger - 0.01) * 60_000_00)
        let views: [VenueID: VenueView] = ["a": VenueView(state: Self.state(volatility: 0.8, balance: balance))]
        let adjusted = bands.apply(views: views, topology: dear)
        #expect(!Bands(venue: adjusted.venues[0]).needsCapital(views["a"]!))
        let cheap = Self.topology(latencyMs: 600_000)
        let adjustedCheap = bands.apply(views: views, topology: cheap)
        #expect(Bands(venue: adjustedCheap.venues[0]).needsCapital(views["a"]!))
    }

    @Test func bandsComeFromTheStateAlone() {
        let topology = Self.topology(latencyMs: 600_000)
        let views: [VenueID: VenueView] = ["a": VenueView(state: Self.state(volatility: 1.1))]
        #expect(RiskBands().apply(views: views, topology: topology) == RiskBands().apply(views: views, topology: topology))
    }
}
