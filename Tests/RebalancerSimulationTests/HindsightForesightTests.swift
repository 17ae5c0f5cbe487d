import Testing
@testable import RebalancerCore
@testable import RebalancerSimulation

/// Forks after which a strategy that does not see the future must guess: the path and its mirror
/// share everything up to the fork, and no schedule decided alike on both survives both, while
/// hindsight survives each alone.
struct HindsightForesightTests {
    /// A hedged pair of 10 contracts at $100 (margin 5%: $50 a leg) with `balance` on each leg,
    /// routes of 300 ms both ways (5 bp + $1), ticks 100 ms apart; flat at $100, then a jump to
    /// $110 at tick 11, flat after.
    static func pair(balance: Amount) -> HindsightPath {
        var prices = [Double](repeating: 100, count: 11)
        prices += [Double](repeating: 110, count: 10)
        let accounts: [MarketSpec.Account] = [
            .init(venue: "long", balance: balance, position: 10, hedgeVenue: "short", maintenanceRate: 0.05, initialRate: 0.1),
            .init(venue: "short", balance: balance, position: -10, hedgeVenue: "long", maintenanceRate: 0.05, initialRate: 0.1),
        ]
        let routes = MarketScenario.fullMesh(venues: ["long", "short"], feeBps: 5, fixedFee: 100, latencyMs: 300)
        return HindsightPath(accounts: accounts, routes: routes, prices: prices, tickNanos: 100 * Nanos.perMillisecond)
    }

    @Test func theMirrorSharesThePrefixAndMovesTheOtherWay() {
        let path = Self.pair(balance: 110_00)
        let mirror = path.mirrored(after: 10)
        #expect(Array(mirror.prices.prefix(11)) == Array(path.prices.prefix(11)))
        #expect(abs(mirror.prices[11] - 100 * 100 / 110) < 1e-9)
        #expect(abs(mirror.prices[20] - mirror.prices[11]) < 1e-9)
        // Around a drift, the mirror's log-return is 2 drift - r.
        let tilted = path.mirrored(after: 10, drift: 0.01)
        #expect(abs(PortableMath.log(tilted.prices[11] / tilted.prices[10]) - (0.02 - PortableMath.log(1.1))) < 1e-12)
    }

    @Test func whatIsDecidedAfterTheForkLandsAfterTheBlindTicks() {
        let path = Self.pair(balance: 110_00)
        // Decided on tick 9 (900 ms), due at 1,200 ms: lands at tick 12, so ticks 9 through 11
        // hold what was decided on tick 8 or before.
        #expect(path.blindThrough(fork: 8) == 11)
        #expect(path.blindThrough(fork: 7) == 10)
    }

    @Test func aJumpEitherWayThatTheBookCannotInsureBothWaysIsAFork() {
        // $220 in all. Up, the short needs $55 of margin plus the $100 it loses: $155, the long
        // keeps $65 (>= $50): hindsight survives. Down (the mirror), the long needs $45.45 + $90.91,
        // the short keeps the rest: hindsight survives. Both at once need $291.36.
        let path = Self.pair(balance: 110_00)
        #expect(path.firstUnavoidableTick() == nil)
        #expect(path.mirrored(after: 8).firstUnavoidableTick() == nil)
        #expect(path.avoidableThrough() == path.ticks)
        #expect(path.mirrored(after: 8).avoidableThrough() == path.ticks)
        let hedge = try! #require(path.mirrorHedge(fork: 8))
        #expect(abs(hedge.required - (155_00 + (4_545.45 + 9_090.91))) < 1)
        #expect(hedge.equity == 220_00)
        #expect(path.cannotHedgeMirror(fork: 8))
        // Before tick 8, a transfer decided after the fork still lands before the jump.
        #expect(!path.cannotHedgeMirror(fork: 7))
        let forks = path.foresightForks(through: path.ticks, most: 5)
        #expect(forks.first == HindsightPath.ForesightFork(fork: 8, through: 11, required: 29_137, equity: 220_00))
        #expect(forks.map(\.fork) == [8, 9, 10])
    }

    @Test func aBookThatCanInsureBothWaysHasNoFork() {
        // $400 in all covers the $291.36 both ways need: a causal strategy can hold it.
        let path = Self.pair(balance: 200_00)
        #expect(!path.cannotHedgeMirror(fork: 8))
        #expect(path.foresightForks(through: path.ticks, most: 5).isEmpty)
    }

    @Test func aForkWhoseMirrorHindsightCannotSurviveIsNoProof() {
        // $150 in all: hindsight cannot survive the real path (the short needs $155 + the long's
        // $50), so losing it is no strategy's fault and there is no fork to report.
        let path = Self.pair(balance: 75_00)
        #expect(path.cannotHedgeMirror(fork: 8))
        #expect(path.foresightForks(through: path.ticks, most: 5).isEmpty)
    }

    @Test func capitalThatCannotArriveInTimeDoesNotHedge() {
        // The $220 pair plus a spare venue with $1,000 whose routes take 2 s (20 ticks): enough
        // capital in all, but none of the spare's can reach the pair before the jump at tick 11.
        var prices = [Double](repeating: 100, count: 11)
        prices += [Double](repeating: 110, count: 10)
        let accounts: [MarketSpec.Account] = [
            .init(venue: "long", balance: 110_00, position: 10, hedgeVenue: "short", maintenanceRate: 0.05, initialRate: 0.1),
            .init(venue: "short", balance: 110_00, position: -10, hedgeVenue: "long", maintenanceRate: 0.05, initialRate: 0.1),
            .init(venue: "spare", balance: 1_000_00, position: 0, hedgeVenue: "spare", maintenanceRate: 0.05, initialRate: 0.1),
        ]
        var routes = MarketScenario.fullMesh(venues: ["long", "short"], feeBps: 5, fixedFee: 100, latencyMs: 300)
        for other in ["long", "short"] {
            routes.append(Topology.Route(from: "spare", to: other, feeBps: 5, fixedFee: 100, latencyMs: 2_000, capacity: 1_000_000_00))
            routes.append(Topology.Route(from: other, to: "spare", feeBps: 5, fixedFee: 100, latencyMs: 2_000, capacity: 1_000_000_00))
        }
        let path = HindsightPath(accounts: accounts, routes: routes, prices: prices, tickNanos: 100 * Nanos.perMillisecond)
        let hedge = try! #require(path.mirrorHedge(fork: 8))
        // The spare is blind through the end; it needs nothing.
        #expect(hedge.required < hedge.equity && hedge.equity == 1_220_00)
        #expect(path.cannotHedgeMirror(fork: 8))
        // With the spare's routes as fast as the pair's, its capital arrives in time.
        let fast = HindsightPath(
            accounts: accounts, routes: MarketScenario.fullMesh(venues: ["long", "short", "spare"], feeBps: 5, fixedFee: 100, latencyMs: 300),
            prices: prices, tickNanos: 100 * Nanos.perMillisecond
        )
        #expect(!fast.cannotHedgeMirror(fork: 8))
    }
}
