import Testing
@testable import RebalancerCore
@testable import RebalancerSimulation

/// The hindsight bound of a played price path: latencies and capital decide what no strategy
/// could have avoided.
struct HindsightPathTests {
    /// A hedged pair of 10 contracts at $100 (margin 5%: $50 a leg) plus a third venue with spare
    /// collateral, every route of latency `latencyMs`; ticks 100 ms apart.
    static func path(prices: [Double], latencyMs: Int64, balances: (Amount, Amount, Amount) = (100_00, 100_00, 10_000_00)) -> HindsightPath {
        let accounts: [MarketSpec.Account] = [
            .init(venue: "long", balance: balances.0, position: 10, hedgeVenue: "short", maintenanceRate: 0.05, initialRate: 0.1),
            .init(venue: "short", balance: balances.1, position: -10, hedgeVenue: "long", maintenanceRate: 0.05, initialRate: 0.1),
            .init(venue: "spare", balance: balances.2, position: 0, hedgeVenue: "spare", maintenanceRate: 0.05, initialRate: 0.1),
        ]
        let routes = MarketScenario.fullMesh(venues: ["long", "short", "spare"], feeBps: 5, fixedFee: 100, latencyMs: latencyMs)
        return HindsightPath(accounts: accounts, routes: routes, prices: prices, tickNanos: 100 * Nanos.perMillisecond)
    }

    /// Flat at $100 for three ticks, then a jump to $110 at tick 4: the short leg ($100 of collateral)
    /// loses $100 and needs $55 of margin.
    static let jump: [Double] = [100, 100, 100, 100, 110, 110, 110]

    @Test func aBookThatHoldsItsOwnMarginsGetsNoTransfer() {
        // Flat prices, every venue far above its margin: holding is the schedule. A transfer arc
        // spans five ticks in one step, so a single max-flow pass took it before the holdover
        // chain and moved capital for nothing (on fast routes, until outflow windows refused it).
        let flat = Self.path(prices: [Double](repeating: 100, count: 21), latencyMs: 450, balances: (10_000_00, 10_000_00, 10_000_00))
        #expect(flat.schedule(from: 0, through: flat.ticks, decision: 0, reserve: { _, _ in 0 }) == [])
        // Where holding cannot carry the jump, the transfer is still there, and only as much as needed.
        let jump = Self.path(prices: Self.jump, latencyMs: 250)
        let moved = jump.schedule(from: 0, through: jump.ticks, decision: 0, reserve: { _, _ in 0 }) ?? []
        #expect(!moved.isEmpty && moved.allSatisfy { $0.to == "short" })
    }

    @Test func aJumpIsAvoidableWhenCapitalCanArriveBeforeIt() {
        // 250 ms: sent after tick 0, credited at tick 3, before the jump.
        #expect(Self.path(prices: Self.jump, latencyMs: 250).firstUnavoidableTick() == nil)
        #expect(Self.path(prices: Self.jump, latencyMs: 250).canKeepEveryVenue(through: 6))
    }

    @Test func theSameJumpIsUnavoidableWhenEveryRouteIsSlowerThanTheWarning() {
        // 450 ms: the earliest credit lands at tick 5, after the jump at tick 4.
        let slow = Self.path(prices: Self.jump, latencyMs: 450)
        #expect(slow.firstUnavoidableTick() == 4)
        #expect(slow.canKeepEveryVenue(through: 3))
        #expect(!slow.canKeepEveryVenue(through: 4))
    }

    @Test func capitalBoundsWhatLatencyCannot() {
        // Fast routes but no spare collateral and a pair that cannot carry its own margin at $110:
        // the long leg's gain arrives with the route latency, after the short is already under.
        let poor = Self.path(prices: Self.jump, latencyMs: 50, balances: (100_00, 100_00, 0))
        #expect(poor.firstUnavoidableTick() == 4)
        // With the spare venue's capital, the same path is survivable.
        #expect(Self.path(prices: Self.jump, latencyMs: 50).firstUnavoidableTick() == nil)
    }

    @Test func aSlowDrainIsAvoidableThroughTheHedgeLeg() {
        // No spare capital: the long leg's gains can reach the short before it runs out.
        let drain = (0...40).map { 100 + Double($0) * 0.5 }
        let path = Self.path(prices: drain, latencyMs: 150, balances: (100_00, 100_00, 0))
        #expect(path.firstUnavoidableTick() == nil)
        // Left alone, the short would go under: the bound is not trivially satisfied.
        let stranded = Self.path(prices: drain, latencyMs: 100_000, balances: (100_00, 100_00, 0))
        #expect(stranded.firstUnavoidableTick() != nil)
    }

    @Test func reportJudgesEachLiquidationByTheFirstUnavoidableTick() {
        let slow = Self.path(prices: Self.jump, latencyMs: 450)
        let report = HindsightReport(path: slow, liquidations: [("short", 2), ("short", 4), ("long", 6)])
        #expect(report.firstUnavoidableTick == 4)
        #expect(report.unavoidableLiquidations == 1)
        #expect(report.liquidations.map(\.avoidable) == [true, false, false])
        #expect(report.avoidableLiquidations == 1)
        #expect(report.liquidations[1].price == 110)
        let fast = HindsightReport(path: Self.path(prices: Self.jump, latencyMs: 250), liquidations: [("short", 4)])
        #expect(fast.unavoidableLiquidations == 0 && fast.avoidableLiquidations == 1)
        // The short needs $55 of margin against $0 left: $55 net at 5 bp ($0.0275) plus one $1 fixed fee, rounded up to the cent.
        #expect(fast.hindsightCost == 103)
    }

    @Test func simulationBoundIsThePathBound() {
        let sim = Simulation(scenario: .deltaNeutralMonth(seed: 3))
        #expect(sim.hindsight(hours: 24) == sim.hindsightPath(hours: 24).bound())
        #expect(sim.hindsightPath(hours: 24).ticks == sim.steps(hours: 24))
    }

    @Test func maxFlowOnASmallNetwork() {
        // s → a (3), s → b (2), a → b (1), a → t (2), b → t (3): maximum 5.
        var network = MaxFlow(nodes: 4)
        network.addArc(from: 0, to: 1, capacity: 3)
        network.addArc(from: 0, to: 2, capacity: 2)
        network.addArc(from: 1, to: 2, capacity: 1)
        network.addArc(from: 1, to: 3, capacity: 2)
        network.addArc(from: 2, to: 3, capacity: 3)
        #expect(network.maximize(from: 0, to: 3) == 5)
    }
}
