import Testing
@testable import RebalancerCore
@testable import RebalancerSimulation

/// The hindsight report obeys what the live system enforces (`HindsightRules`): a liquidation is
/// called avoidable only when a schedule obeying every rule, played through the market, avoids it,
/// and called unavoidable only when no schedule under the relaxation does.
struct HindsightRulesTests {
    typealias Path = HindsightPathTests

    /// Flat at $100, then a jump to $110 at tick 3: the short ($100 of collateral) is left with $0
    /// against $55 of margin.
    static let early: [Double] = [100, 100, 100, 110, 110, 110]

    @Test func aDecisionTimeDelaysEveryArrivalByATick() {
        // 300 ms routes: sent right after tick 0, capital lands at tick 3, in time for the jump. A
        // transfer leaves only once the pipeline has decided on the tick (80 ms), so it lands at tick 4.
        var path = Path.path(prices: Self.early, latencyMs: 300)
        #expect(HindsightReport(path: path, liquidations: [("short", 3)]).avoidableLiquidations == 1)
        path.rules = HindsightRules(minimumDecisionNanos: 80 * Nanos.perMillisecond, decisionNanos: 80 * Nanos.perMillisecond)
        let report = HindsightReport(path: path, liquidations: [("short", 3)])
        #expect(report.firstUnavoidableTick == 3)
        #expect(report.avoidableLiquidations == 0 && report.unavoidableLiquidations == 1)
        // The schedule the old bound relied on, played through the market, does not save the short.
        let rescue = [HindsightPath.ScheduledTransfer(tick: 0, from: "spare", to: "short", amount: 100_00)]
        #expect(path.play(rescue, through: 5) == 3)
    }

    @Test func aSourceKeepsItsFloorBuffer() {
        // The spare venue holds $60; the short needs $55 at the jump, and the long holds just its
        // margin until then. The market lets the spare send all of it, the verifiers keep $10
        // there: no plan they sign gives the short enough.
        var path = Path.path(prices: HindsightPathTests.jump, latencyMs: 250, balances: (50_00, 100_00, 60_00))
        #expect(HindsightReport(path: path, liquidations: [("short", 4)]).avoidableLiquidations == 1)
        path.rules = HindsightRules(floorBuffers: ["spare": 10_00])
        let report = HindsightReport(path: path, liquidations: [("short", 4)])
        #expect(report.avoidableLiquidations == 0)
        #expect(report.undecidedLiquidations == 1)
        let all = [HindsightPath.ScheduledTransfer(tick: 0, from: "spare", to: "short", amount: 60_00)]
        #expect(path.play(all, through: 6) == 0)  // refused by the floor rule when it is decided
    }

    @Test func feesAreDeductedFromWhatLands() {
        // The spare venue holds exactly the $55 the short needs; $1 + 5 bp of it is a fee, so $53.97
        // lands (the long holds just its margin until the jump). The relaxation (fees not deducted)
        // still finds a schedule: the report says undecided.
        let path = Path.path(prices: HindsightPathTests.jump, latencyMs: 250, balances: (50_00, 100_00, 55_00))
        #expect(path.firstUnavoidableTick() == nil)
        let report = HindsightReport(path: path, liquidations: [("short", 4)])
        #expect(report.avoidableLiquidations == 0 && report.undecidedLiquidations == 1)
        #expect(path.play([.init(tick: 0, from: "spare", to: "short", amount: 55_00)], through: 6) == 4)
    }

    @Test func aFeasiblePlanIsNeverCalledUnavoidable() {
        // 200 ms routes and an 80 ms decision: sent after tick 0 it lands at tick 3, before the jump
        // at tick 4. The played plan keeps every venue, and the report agrees on both sides.
        var path = Path.path(prices: HindsightPathTests.jump, latencyMs: 200)
        path.rules = HindsightRules(minimumDecisionNanos: 80 * Nanos.perMillisecond, decisionNanos: 80 * Nanos.perMillisecond, floorBuffers: ["spare": 10_00])
        #expect(path.play([.init(tick: 0, from: "spare", to: "short", amount: 100_00)], through: 6) == nil)
        #expect(path.firstUnavoidableTick() == nil)
        let report = HindsightReport(path: path, liquidations: [("short", 4)])
        #expect(report.avoidableThrough == 6 && report.avoidableLiquidations == 1)
    }

    @Test func theReportsOwnScheduleSurvivesTheMarket() {
        // Up 30% over 30 ticks and back: each leg in turn loses $300 on $150 of collateral. The
        // schedule that proves "avoidable" keeps every venue alive when played through the market.
        let prices = (0...30).map { 100 + Double($0) } + (1...30).map { 130 - Double($0) }
        var path = Path.path(prices: prices, latencyMs: 250, balances: (150_00, 150_00, 1_000_00))
        path.rules = HindsightRules(minimumDecisionNanos: 80 * Nanos.perMillisecond, decisionNanos: 80 * Nanos.perMillisecond, floorBuffers: ["long": 5_00, "short": 5_00, "spare": 5_00])
        let (through, schedule) = path.provenSchedule()
        #expect(through == path.ticks)
        #expect(!schedule.isEmpty)
        #expect(path.play(schedule, through: through) == nil)
        // Without any transfer the same path liquidates a leg: the schedule is doing the work.
        #expect(path.play([], through: through) != nil)
    }

    @Test func oppositeTransfersOnOneTickAreNetted() {
        let netted = HindsightPath.netted([
            .init(tick: 2, from: "a", to: "b", amount: 500), .init(tick: 2, from: "b", to: "a", amount: 200),
            .init(tick: 3, from: "b", to: "a", amount: 100), .init(tick: 3, from: "a", to: "b", amount: 100),
        ])
        #expect(netted == [.init(tick: 2, from: "a", to: "b", amount: 300)])
    }
}
