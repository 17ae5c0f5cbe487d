import Testing
import RebalancerCore
import RebalancerSimulation

@Suite("Market liquidation")
struct MarketLiquidationTests {
    static func pair(longBalance: Amount = 6_000, shortBalance: Amount = 6_000, shortSize: Double = 10) -> [MarketSpec.Account] {
        [
            MarketSpec.Account(venue: "A", balance: longBalance, position: 10, hedgeVenue: "B", maintenanceRate: 0.05, initialRate: 0.1),
            MarketSpec.Account(venue: "B", balance: shortBalance, position: -shortSize, hedgeVenue: "A", maintenanceRate: 0.05, initialRate: 0.1),
        ]
    }

    @Test func liquidatesBelowMaintenanceWithPenaltyAndUnwindsTheHedge() {
        var market = Market(spec: MarketFixtures.spec(Self.pair()), routes: [], prices: .replay([100, 99, 98, 97]))
        #expect(market.tick(now: 1) == [])
        #expect(market.tick(now: 2) == [])  // A: 5 000 ≥ 4 950 maintenance
        #expect(market.balance(of: "A") == 5_000)
        let events = market.tick(now: 3)  // A: 4 000 < 4 900
        #expect(events == [.liquidated(venue: "A", penalty: 980)])  // 1% of 98 000 notional
        #expect(market.balance(of: "A") == 3_020)
        #expect(market.balance(of: "B") == 8_000)
        #expect(market.position(of: "A") == 0)
        #expect(market.position(of: "B") == 0)
        #expect(market.liquidations == 1)
        #expect(market.penaltiesCharged == 980)
        #expect(market.cumulativePnL == 0)
        #expect(MarketFixtures.conserves(market))
        #expect(market.tick(now: 4) == [])
        #expect(market.balance(of: "A") == 3_020)
        #expect(market.balance(of: "B") == 8_000)
        #expect(market.state(of: "A", seq: 0, observedAt: 0)!.maintenanceMargin == 0)
    }

    @Test func shortLegIsLiquidatedWhenThePriceRises() {
        var market = Market(spec: MarketFixtures.spec(Self.pair()), routes: [], prices: .replay([100, 102]))
        _ = market.tick(now: 1)
        let events = market.tick(now: 2)  // B: 4 000 < 5 100
        #expect(events == [.liquidated(venue: "B", penalty: 1_020)])
        #expect(market.position(of: "A") == 0)
        #expect(market.balance(of: "B") == Amount(4_000 - 1_020))
        #expect(MarketFixtures.conserves(market))
    }

    @Test func penaltyNeverExceedsTheBalanceAndNeverGoesNegative() {
        var market = Market(spec: MarketFixtures.spec(Self.pair()), routes: [], prices: .replay([100, 90]))
        _ = market.tick(now: 1)
        let events = market.tick(now: 2)  // A: 6 000 - 10 000 = -4 000
        #expect(events == [.liquidated(venue: "A", penalty: 0)])
        #expect(market.balance(of: "A") == -4_000)
        #expect(market.balance(of: "B") == 16_000)
        #expect(market.penaltiesCharged == 0)
        #expect(MarketFixtures.conserves(market))

        var thin = Market(spec: MarketFixtures.spec(Self.pair(longBalance: 5_000), liquidationPenalty: 0.5), routes: [], prices: .replay([100, 99.5]))
        _ = thin.tick(now: 1)
        #expect(thin.tick(now: 2) == [.liquidated(venue: "A", penalty: 4_500)])  // all of the 4 500 left
        #expect(thin.balance(of: "A") == 0)
    }

    @Test func unwindsOnlyTheLiquidatedSizeOfALargerHedge() {
        var market = Market(spec: MarketFixtures.spec(Self.pair(shortBalance: 1_000_000, shortSize: 15)), routes: [], prices: .replay([100, 98, 90]))
        _ = market.tick(now: 1)
        #expect(market.tick(now: 2) == [.liquidated(venue: "A", penalty: 980)])
        #expect(market.position(of: "B") == -5)
        _ = market.tick(now: 3)  // the remaining short earns 5 × 8 × 100
        #expect(market.balance(of: "B") == Amount(1_000_000 + 3_000 + 4_000))
        #expect(market.cumulativePnL == -2_000 + 3_000 + 4_000)
        #expect(MarketFixtures.conserves(market))
    }
}
