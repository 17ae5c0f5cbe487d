import RebalancerCore

/// Ready-made books and markets for `topology init`, demos and tests.
public enum MarketScenario {
    /// A delta-neutral book of offsetting pairs: venue `2i` is long `quantity` contracts, venue
    /// `2i+1` short as many, each the other's hedge, every venue starting with `balance` cents.
    ///
    /// With an odd number of venues the last one holds collateral only (no position, hedged to
    /// itself).
    public static func deltaNeutral(
        venues: [VenueID], balance: Amount, quantity: Double,
        maintenanceRate: Double = 0.05, initialRate: Double = 0.10
    ) -> [MarketSpec.Account] {
        venues.indices.map { i in
            let pair = i ^ 1
            let hasPartner = pair < venues.count
            return MarketSpec.Account(
                venue: venues[i], balance: balance,
                position: hasPartner ? (i % 2 == 0 ? quantity : -quantity) : 0,
                hedgeVenue: hasPartner ? venues[pair] : venues[i],
                maintenanceRate: maintenanceRate, initialRate: initialRate
            )
        }
    }

    /// A market specification with demo defaults: price 100, no drift, 80% calm volatility, shocks
    /// four times as volatile, one simulated second per 100 ms tick, 1% liquidation penalty.
    public static func spec(
        seed: UInt64, accounts: [MarketSpec.Account], initialPrice: Double = 100, drift: Double = 0,
        volatility: Double = 0.8, shockMultiplier: Double = 4, secondsPerTick: Double = 1,
        tickMs: Int64 = 100, liquidationPenalty: Double = 0.01
    ) -> MarketSpec {
        MarketSpec(
            seed: seed, initialPrice: initialPrice, drift: drift, volatility: volatility,
            shockMultiplier: shockMultiplier, secondsPerTick: secondsPerTick, tickMs: tickMs,
            liquidationPenalty: liquidationPenalty, accounts: accounts
        )
    }

    /// A route in each direction between every two distinct venues, all with the same terms.
    public static func fullMesh(
        venues: [VenueID], feeBps: Double = 5, fixedFee: Amount = 100, latencyMs: Int64 = 2_000,
        capacity: Amount = 100_000_000
    ) -> [Topology.Route] {
        venues.flatMap { from in
            venues.filter { $0 != from }.map { to in
                Topology.Route(from: from, to: to, feeBps: feeBps, fixedFee: fixedFee, latencyMs: latencyMs, capacity: capacity)
            }
        }
    }
}
