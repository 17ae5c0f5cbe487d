import Testing
@testable import RebalancerCore
@testable import RebalancerSimulation

/// `sim`'s hindsight bound counts the routes' latencies: a pair whose winning leg could cover its
/// losing leg only by transfers faster than any route is not called safe.
struct SimulationHindsightLatencyTests {
    /// The month's book on flat $60,000 closes for `before` ticks, then `drop` minutes falling
    /// evenly to $42,000 (−30%), then flat for an hour.
    static func sim(before: Int, drop: Int) -> Simulation {
        let start = 60_000.0
        var closes = [start] + Array(repeating: start, count: before)
        for k in 1...drop { closes.append(start * (1 - 0.3 * Double(k) / Double(drop))) }
        closes += Array(repeating: start * 0.7, count: 60)
        return Simulation(scenario: .deltaNeutralMonth(seed: 1), closes: closes)
    }

    static func hours(_ sim: Simulation) -> Double { Double((sim.closes?.count ?? 1) - 1) / 60 }

    @Test func anInstantCrashIsUnavoidableEvenThoughEachPairPoolsEnough() {
        // −30% in one minute: each long leg loses $360,000 of its $180,000; its hedge gains as much,
        // so the pooled pair still covers both margins, but no route carries that gain in time, and
        // the shorts' $360,000 of spare collateral, sent ahead, cannot cover three longs' $666,000.
        let sim = Self.sim(before: 120, drop: 1)
        let path = sim.hindsightPath(hours: Self.hours(sim))
        #expect(path.bound().liquidations == 0)
        #expect(!path.canKeepEveryVenue(through: path.ticks))
        #expect(sim.hindsight(hours: Self.hours(sim)).liquidations == 1)
    }

    @Test func theScenarioCrashOverAnHourIsAvoidableWithHindsight() {
        // The `crash` scenario's shape: −30% over 60 minutes. The shorts' gains, shipped as they
        // accrue over the 10- and 30-minute routes, plus capital placed ahead of the crash, keep
        // every long leg alive: the bound is honest to call it avoidable.
        let sim = Self.sim(before: 120, drop: 60)
        #expect(sim.hindsightPath(hours: Self.hours(sim)).canKeepEveryVenue(through: 240))
        #expect(sim.hindsight(hours: Self.hours(sim)).liquidations == 0)
    }
}
