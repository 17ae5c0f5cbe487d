import RebalancerCore

extension SimulationScenario {
    /// The `sim` command's scenario: a delta-neutral book of three hedged pairs on six venues, a
    /// month-long calendar of one-minute ticks.
    ///
    /// - Price: BTC-like, 60% annualised calm volatility, no drift; shocks four times as volatile
    ///   start about once every two days (1/2880 per minute) and last about 90 minutes (1/90).
    /// - Book: each pair holds $1.2M notional per leg (20 contracts at $60,000), maintenance margin
    ///   5%, initial margin 10%, and starts with $240,000 on each leg (4x maintenance, 2x initial),
    ///   so a pair carries 8x its maintenance margin in total; liquidation costs 1% of notional.
    /// - Venues: four exchanges (`cex-*`) and two on-chain venues (`dex-*`). Exchange to exchange:
    ///   10 minutes, 8 bp + $10; exchange to chain or back: 30 minutes, 4 bp + $25; chain to
    ///   chain: 60 minutes, 2 bp + $40 (bridges are slow and cheap).
    /// - Fixed bands (the pipeline's `threshold` policy, as `topology init` writes them): target
    ///   3x maintenance margin, lower band 2x, upper band 4x; floor buffer $5,000.
    /// - Desk: after a liquidation the desk re-opens the pair an hour later at the largest size
    ///   both legs can carry at initial margin, capped at the original size, and re-sizes it up as
    ///   collateral allows; capital in transit costs 10% a year (`latency_cost`).
    public static func deltaNeutralMonth(
        seed: UInt64, initialPrice: Double = 60_000, balancePerLeg: Amount = 180_000_00,
        bands: (target: Double, lower: Double, upper: Double) = (2.5, 1.8, 3.2), volatility: Double = 0.8
    ) -> SimulationScenario {
        let price = initialPrice > 0 && initialPrice.isFinite ? initialPrice : 60_000
        let pairs: [(long: VenueID, short: VenueID)] = [("cex-a", "cex-b"), ("dex-arb", "cex-c"), ("cex-d", "dex-sol")]
        let notional = 1_200_000.0
        let quantity = notional / price
        var accounts: [MarketSpec.Account] = []
        for pair in pairs {
            accounts.append(.init(venue: pair.long, balance: balancePerLeg, position: quantity, hedgeVenue: pair.short, maintenanceRate: 0.05, initialRate: 0.10))
            accounts.append(.init(venue: pair.short, balance: balancePerLeg, position: -quantity, hedgeVenue: pair.long, maintenanceRate: 0.05, initialRate: 0.10))
        }
        let ids = accounts.map(\.venue)
        let venues = ids.map {
            Topology.Venue(id: $0, asset: "USD", floorBuffer: 5_000_00, targetRatio: bands.target, lowerBand: bands.lower, upperBand: bands.upper, withdrawalLimit: 2_000_000_00)
        }
        var routes: [Topology.Route] = []
        for from in ids {
            for to in ids where to != from {
                let chainEnds = [from, to].filter { $0.hasPrefix("dex-") }.count
                let terms: (bps: Double, fixed: Amount, minutes: Int64) =
                    chainEnds == 0 ? (8, 10_00, 10) : chainEnds == 1 ? (4, 25_00, 30) : (2, 40_00, 60)
                routes.append(Topology.Route(
                    from: from, to: to, feeBps: terms.bps, fixedFee: terms.fixed,
                    latencyMs: terms.minutes * 60_000, capacity: 2_000_000_00
                ))
            }
        }
        let market = MarketSpec(
            seed: seed, initialPrice: price, drift: 0, volatility: volatility, shockMultiplier: 4,
            secondsPerTick: 60, tickMs: 0, liquidationPenalty: 0.01, accounts: accounts
        )
        let topology = Topology(
            id: "sim-delta-neutral", epoch: 1, quorum: 1, nodes: [], venues: venues, routes: routes,
            limits: .init(perTransferCap: 2_000_000_00, perVenueOutflow: 10_000_000_00, globalNotional: 50_000_000_00, windowSeconds: 3_600),
            timing: .init(heartbeatMs: 60_000, staleAfterMs: 180_000, planTTLms: 60_000, basisToleranceMs: 120_000)
        )
        return SimulationScenario(
            name: "delta-neutral-month", topology: topology, market: market,
            shockEntryProbability: 1.0 / 2_880, shockExitProbability: 1.0 / 90
        )
    }
}
