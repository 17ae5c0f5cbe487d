import RebalancerCore

extension TopologyInit {
    static func venue(_ id: VenueID) -> Topology.Venue {
        Topology.Venue(
            id: id, asset: "USD", floorBuffer: 5_000_00, targetRatio: 3.0, lowerBand: 2.0, upperBand: 4.0,
            withdrawalLimit: 1_000_000_00
        )
    }

    /// Every ordered pair of venues; fees and latencies vary deterministically with the pair.
    static func routes(_ venues: [VenueID]) -> [Topology.Route] {
        var routes: [Topology.Route] = []
        for (i, from) in venues.enumerated() {
            for (j, to) in venues.enumerated() where i != j {
                routes.append(Topology.Route(
                    from: from, to: to,
                    feeBps: Double(2 + (3 * i + 5 * j) % 9),
                    fixedFee: Amount(100 + 100 * ((7 * i + 11 * j) % 5)),
                    latencyMs: Int64(300 + 200 * ((5 * i + 3 * j) % 7)),
                    capacity: 10_000_000_00
                ))
            }
        }
        return routes
    }

    /// A delta-neutral book: venues pair up, the first of each pair long 10 contracts and the second
    /// short 10, each the other's hedge; an odd last venue holds no position.
    static func market(_ venues: [VenueID]) -> MarketSpec {
        let accounts = venues.indices.map { index -> MarketSpec.Account in
            let isLong = index % 2 == 0
            let partner = isLong ? index + 1 : index - 1
            let hedged = partner < venues.count
            return MarketSpec.Account(
                venue: venues[index], balance: 100_000_00,
                position: hedged ? (isLong ? 10 : -10) : 0,
                hedgeVenue: hedged ? venues[partner] : venues[index],
                maintenanceRate: 0.05, initialRate: 0.10
            )
        }
        return MarketSpec(
            seed: 14, initialPrice: 60_000, drift: 10, volatility: 0.6, shockMultiplier: 4,
            secondsPerTick: 3600, tickMs: 100, liquidationPenalty: 0.02, accounts: accounts
        )
    }
}
