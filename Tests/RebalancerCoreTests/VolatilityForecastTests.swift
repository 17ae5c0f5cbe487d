import Testing
@testable import RebalancerCore
import RebalancerSimulation

/// The volatility forecast reacts to a regime change faster than one EWMA and relaxes after it.
struct VolatilityForecastTests {
    static let dt = 60 / PricePath.secondsPerYear

    /// Returns of `sigma` annualised volatility, one-minute ticks, seeded.
    static func returns(_ sigma: Double, count: Int, random: inout SeededRandom) -> [Double] {
        (0..<count).map { _ in sigma * dt.squareRoot() * random.nextGaussian() }
    }

    /// Returns of exactly `sigma` annualised volatility, alternating in sign.
    static func steady(_ sigma: Double, count: Int) -> [Double] {
        (0..<count).map { i in (i % 2 == 0 ? 1 : -1) * sigma * dt.squareRoot() }
    }

    @Test func shockRaisesTheForecastWithinAFewTicks() {
        // Over 20 seeds, five ticks into a 3.2 regime after a calm 0.8 one: jump detection puts
        // the forecast above a single RiskMetrics EWMA (λ = 0.94) on average, and near the new level.
        var predicted = 0.0
        var single = 0.0
        for seed in 1...20 {
            var random = SeededRandom(seed: UInt64(seed))
            var forecast = VolatilityForecast(initialVariance: 0.8 * 0.8 * Self.dt)
            var ewma = 0.8 * 0.8 * Self.dt
            for r in Self.returns(0.8, count: 600, random: &random) + Self.returns(3.2, count: 5, random: &random) {
                forecast.update(logReturn: r)
                ewma = 0.94 * ewma + 0.06 * r * r
            }
            predicted += forecast.annualised(horizonSeconds: 600, secondsPerTick: 60) / 20
            single += (ewma / Self.dt).squareRoot() / 20
        }
        #expect(predicted > single)
        #expect(predicted > 2)
    }

    @Test func aJumpResetsTheFastVarianceAtOnce() {
        var forecast = VolatilityForecast(initialVariance: 0.8 * 0.8 * Self.dt)
        let sigma = 0.8 * Self.dt.squareRoot()
        forecast.update(logReturn: -10 * sigma)
        #expect(forecast.jumps == 1)
        #expect(abs(forecast.fast - 100 * sigma * sigma) < 1e-15)
        forecast.update(logReturn: 0.5 * sigma)
        #expect(forecast.jumps == 1)
    }

    @Test func afterTheShockTheForecastRelaxesButStaysAboveCalm() {
        var forecast = VolatilityForecast(initialVariance: 0.8 * 0.8 * Self.dt)
        for r in Self.steady(0.8, count: 300) + Self.steady(3.2, count: 90) { forecast.update(logReturn: r) }
        let inShock = forecast.annualised(horizonSeconds: 1_800, secondsPerTick: 60)
        for r in Self.steady(0.8, count: 120) { forecast.update(logReturn: r) }
        let after = forecast.annualised(horizonSeconds: 1_800, secondsPerTick: 60)
        // Ninety minutes at 3.2, then two calm hours at 0.8: the slow average still remembers the shock.
        #expect(inShock > 2.8)
        #expect(after < inShock)
        #expect(after > 0.85)
    }

    @Test func longHorizonsSeeTheLongRunLevel() {
        var forecast = VolatilityForecast(initialVariance: 1e-8)
        for _ in 0..<20 { forecast.update(logReturn: 1e-3) }
        #expect(forecast.variance(overTicks: 1) > forecast.variance(overTicks: 10_000))
        #expect(abs(forecast.variance(overTicks: 1e9) - forecast.slow) < 1e-9)
    }

    @Test func marketPublishesTheForecast() {
        let accounts = MarketScenario.deltaNeutral(venues: ["a", "b"], balance: 1_000_000, quantity: 10)
        var market = Market(spec: MarketScenario.spec(seed: 1, accounts: accounts, secondsPerTick: 60), routes: [], prices: .replay([100, 70]))
        #expect(abs(market.state(of: "a", seq: 0, observedAt: 0)!.volatility - 0.8) < 1e-9)
        _ = market.tick(now: 1)  // the replay's first close: no move
        _ = market.tick(now: 2)
        // One −30% minute: a jump, the forecast far above 80%.
        #expect(market.state(of: "a", seq: 0, observedAt: 0)!.volatility > 10)
    }
}
