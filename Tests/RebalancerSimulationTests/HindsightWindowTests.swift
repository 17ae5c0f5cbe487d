import Testing
@testable import RebalancerCore
@testable import RebalancerSimulation

/// The windowed latency-aware check (`canKeepEveryVenueWindowed`) agrees with the whole-path flow
/// on small cases, and never calls a path unavoidable that the whole-path flow can keep.
struct HindsightWindowTests {
    @Test(arguments: [1, 2, 5, 30, 60])
    func agreesWithTheWholePathFlowOnCrashesOfEverySpeed(drop: Int) {
        // −30% over `drop` minutes after two hours of flat prices: 1 and 2 minutes are unavoidable,
        // 30 and 60 are not (SimulationHindsightLatencyTests); the windows must say the same.
        let sim = SimulationHindsightLatencyTests.sim(before: 600, drop: drop)
        let path = sim.hindsightPath(hours: SimulationHindsightLatencyTests.hours(sim))
        let whole = path.canKeepEveryVenue(through: path.ticks)
        #expect(path.canKeepEveryVenueWindowed(through: path.ticks) == whole)
        // Small windows too: a stretch needs only the latency of the slowest route to decide it.
        #expect(path.canKeepEveryVenueWindowed(through: path.ticks, step: 60, lead: 120, reach: 90) == whole)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func agreesWithTheWholePathFlowOnSeededScenarios(seed: UInt64) {
        for name in [ScenarioName.crash, .squeeze, .deltaNeutralMonth] {
            let sim = name.simulation(seed: seed, hours: 24)
            let path = sim.hindsightPath(hours: 24)
            #expect(path.canKeepEveryVenueWindowed(through: path.ticks) == path.canKeepEveryVenue(through: path.ticks), "\(name) seed \(seed)")
        }
    }

    @Test func aWindowFromThePooledCapitalIsARelaxation() {
        // The hindsight unit path: a jump the short leg cannot survive with 450 ms routes. From tick
        // 0 it is unavoidable; a window that starts at tick 1 with the pooled capital placed freely
        // can survive it (capital put on the short at once), so a window never proves more than
        // the whole path.
        let slow = HindsightPathTests.path(prices: HindsightPathTests.jump, latencyMs: 450)
        #expect(!slow.canKeepEveryVenue(through: slow.ticks))
        #expect(slow.canKeepEveryVenue(from: 3, through: slow.ticks))
        #expect(!slow.canKeepEveryVenueWindowed(through: slow.ticks, step: 100, lead: 10, reach: 100))
    }

    @Test func aLooseWindowIsKeptWithoutAFlow() {
        let sim = SimulationHindsightLatencyTests.sim(before: 120, drop: 60)
        let path = sim.hindsightPath(hours: SimulationHindsightLatencyTests.hours(sim))
        // Flat prices: each venue holds 3× its margin, nothing to solve.
        #expect(!path.isTight(from: 10, through: 100))
        #expect(!path.isTight(from: 0, through: 100))
        // The crash takes a long leg below its margin on its own: the window is tight.
        #expect(path.isTight(from: 100, through: 200))
    }
}
