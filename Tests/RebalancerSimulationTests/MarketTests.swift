import Testing
import RebalancerCore
import RebalancerSimulation

/// Shared builders for the market tests.
enum MarketFixtures {
    /// A market spec around the given accounts with test-friendly defaults.
    static func spec(
        _ accounts: [MarketSpec.Account], seed: UInt64 = 1, volatility: Double = 0.8, secondsPerTick: Double = 1,
        liquidationPenalty: Double = 0.01
    ) -> MarketSpec {
        MarketScenario.spec(
            seed: seed, accounts: accounts, volatility: volatility, secondsPerTick: secondsPerTick,
            liquidationPenalty: liquidationPenalty
        )
    }

    /// A long/short pair A, B of `quantity` contracts plus C with collateral only.
    static func pairAndSpare(balance: Amount = 1_000_000, quantity: Double = 10) -> [MarketSpec.Account] {
        MarketScenario.deltaNeutral(venues: ["A", "B", "C"], balance: balance, quantity: quantity)
    }

    /// A route with the given terms.
    static func route(_ from: VenueID, _ to: VenueID, feeBps: Double = 10, fixedFee: Amount = 50, latencyMs: Int64 = 250) -> Topology.Route {
        Topology.Route(from: from, to: to, feeBps: feeBps, fixedFee: fixedFee, latencyMs: latencyMs, capacity: 1_000_000_000)
    }

    /// Everything observable about a market, for "state unchanged" checks.
    struct Snapshot: Equatable {
        var states: [VenueState]
        var counters: [Int64]
    }

    /// Captures a snapshot.
    static func snapshot(_ market: Market) -> Snapshot {
        Snapshot(
            states: market.venues.map { market.state(of: $0, seq: 0, observedAt: 0)! },
            counters: [
                market.feesPaid, market.penaltiesCharged, Int64(market.transfersSettled), Int64(market.liquidations),
                Int64(market.transfersInFlight), market.capitalInSystem, market.cumulativePnL,
            ]
        )
    }

    /// The conservation identity every market must keep.
    static func conserves(_ market: Market) -> Bool {
        market.capitalInSystem + market.feesPaid + market.penaltiesCharged == market.initialCapital + market.cumulativePnL
    }
}

@Suite("Market")
struct MarketTests {
    @Test func startsFromTheSpec() {
        let market = Market(spec: MarketFixtures.spec(MarketFixtures.pairAndSpare()), routes: [])
        #expect(market.venues == ["A", "B", "C"])
        #expect(market.initialCapital == 3_000_000)
        #expect(market.capitalInSystem == 3_000_000)
        #expect(market.price == 100)
        #expect(market.balance(of: "B") == 1_000_000)
        #expect(market.position(of: "A") == 10)
        #expect(market.position(of: "B") == -10)
        #expect(market.position(of: "C") == 0)
        #expect(market.balance(of: "Z") == nil)
        #expect(market.regime == .calm)
    }

    @Test func marksToMarketSymmetricallySoHedgedLegsCancel() {
        let accounts = MarketScenario.deltaNeutral(venues: ["A", "B"], balance: 1_000_000, quantity: 1)
        var market = Market(spec: MarketFixtures.spec(accounts), routes: [], prices: .replay([100, 100.125, 99.5, 99.5]))
        _ = market.tick(now: 1)
        #expect(market.balance(of: "A") == 1_000_000)
        _ = market.tick(now: 2)  // 1 × 0.125 × 100 = 12.5 cents: rounds away from zero on both legs
        #expect(market.balance(of: "A") == 1_000_013)
        #expect(market.balance(of: "B") == 999_987)
        _ = market.tick(now: 3)  // 1 × -0.625 × 100 = -62.5
        #expect(market.balance(of: "A") == 999_950)
        #expect(market.balance(of: "B") == 1_000_050)
        #expect(market.cumulativePnL == 0)
        #expect(market.capitalInSystem == market.initialCapital)
    }

    @Test func fractionalHedgedPositionsNetToZeroOverAWildPath() {
        let accounts = MarketScenario.deltaNeutral(venues: ["A", "B", "C", "D"], balance: 500_000_000, quantity: 0.37)
        var market = Market(spec: MarketFixtures.spec(accounts, seed: 4, volatility: 2), routes: [])
        for t in 1...20_000 {
            _ = market.tick(now: Nanos(t))
            #expect(market.cumulativePnL == 0)
        }
        #expect(market.balance(of: "A")! + market.balance(of: "B")! == 1_000_000_000)
        #expect(market.balance(of: "A") != 500_000_000)
    }

    @Test func unhedgedPositionKeepsConservationWithNonZeroPnL() {
        let accounts = [MarketSpec.Account(venue: "A", balance: 10_000_000, position: 5, hedgeVenue: "", maintenanceRate: 0.05, initialRate: 0.1)]
        var market = Market(spec: MarketFixtures.spec(accounts, seed: 9), routes: [])
        for t in 1...1_000 { _ = market.tick(now: Nanos(t)) }
        #expect(market.cumulativePnL != 0)
        #expect(market.cumulativePnL == market.balance(of: "A")! - 10_000_000)
        #expect(MarketFixtures.conserves(market))
    }

    @Test func sameSeedReplaysPricesAndEventsDifferentSeedDoesNot() {
        func run(seed: UInt64) -> ([Double], [Market.Event], [Amount]) {
            let accounts = MarketScenario.deltaNeutral(venues: ["A", "B", "C", "D"], balance: 12_000, quantity: 10)
            var market = Market(spec: MarketFixtures.spec(accounts, seed: seed, volatility: 3, secondsPerTick: 60), routes: [])
            var prices: [Double] = []
            var events: [Market.Event] = []
            for t in 1...3_000 {
                events += market.tick(now: Nanos(t))
                prices.append(market.price)
            }
            return (prices, events, market.venues.map { market.balance(of: $0)! })
        }
        let a = run(seed: 31)
        let b = run(seed: 31)
        let c = run(seed: 32)
        #expect(a.0 == b.0)
        #expect(a.1 == b.1)
        #expect(a.2 == b.2)
        #expect(a.1.contains { if case .liquidated = $0 { true } else { false } })
        #expect(a.1.contains(.regimeChanged(.shock)))
        #expect(a.0 != c.0)
    }

    @Test func reportsVenueState() {
        var market = Market(spec: MarketFixtures.spec(MarketFixtures.pairAndSpare()), routes: [])
        let long = market.state(of: "A", seq: 7, observedAt: 123)!
        #expect(long.venue == "A")
        #expect(long.seq == 7)
        #expect(long.observedAt == 123)
        #expect(long.balance == 1_000_000)
        #expect(long.maintenanceMargin == 5_000)  // 10 × 100 × 0.05 × 100
        #expect(long.initialMargin == 10_000)
        #expect(long.markPrice == 100)
        #expect(long.positionSize == 10)
        #expect(abs(long.volatility - 0.8) < 1e-12)
        #expect(long.depth == 2_000_000)
        #expect(long.withdrawalsEnabled)
        #expect(market.state(of: "B", seq: 1, observedAt: 0)!.maintenanceMargin == 5_000)
        #expect(market.state(of: "C", seq: 1, observedAt: 0)!.depth == Market.minimumDepth)
        #expect(market.state(of: "Z", seq: 1, observedAt: 0) == nil)
        let knownVenue = market.setWithdrawals(venue: "A", enabled: false)
        let unknownVenue = market.setWithdrawals(venue: "Z", enabled: false)
        #expect(knownVenue)
        #expect(!unknownVenue)
        #expect(market.state(of: "A", seq: 8, observedAt: 0)!.withdrawalsEnabled == false)
    }

    @Test func volatilityEstimateTracksTheRealisedVolatility() {
        let spec = MarketFixtures.spec(MarketFixtures.pairAndSpare(), volatility: 0.3)
        let path = PricePath(
            seed: 3, initialPrice: 100, drift: 0, volatility: 0.9, shockMultiplier: 1, secondsPerTick: 1,
            shockEntryProbability: 0
        )
        var market = Market(spec: spec, routes: [], prices: path)
        #expect(abs(market.estimatedVolatility - 0.3) < 1e-12)
        for t in 1...2_000 { _ = market.tick(now: Nanos(t)) }
        #expect(abs(market.state(of: "A", seq: 0, observedAt: 0)!.volatility - 0.9) < 0.2)
    }
}
