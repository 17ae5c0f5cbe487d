import RebalancerCore
import RebalancerSimulation

extension TopologyInit {
    static func venue(_ id: VenueID) -> Topology.Venue {
        Topology.Venue(
            id: id, asset: "USD", floorBuffer: 5_000_00, targetRatio: 3.0, lowerBand: 2.0, upperBand: 4.0,
            withdrawalLimit: 1_000_000_00
        )
    }

    /// Up to this many venues `init` routes every ordered pair (the 6-venue demo's full mesh).
    static let fullMeshLimit = 10
    /// Above `fullMeshLimit`, the first this many venues are treasury hubs: every venue routes to
    /// and from each of them.
    static let hubCount = 3
    /// Above `fullMeshLimit`, each venue also routes to this many neighbours on either side (a ring).
    static let neighbourReach = 2

    /// The routes `init` generates; fees and latencies vary deterministically with the pair.
    ///
    /// Up to `fullMeshLimit` venues, every ordered pair. Above it, a deployment's realistic shape
    /// rather than all n(n-1) pairs: each venue routes to and from the `hubCount` treasury hubs
    /// and to its `neighbourReach` neighbours on either side, so each venue has about 5-10
    /// routes of its own (a hub routes to every venue) and a 100-venue topology holds about 1,000
    /// routes, not 9,900. Every venue reaches every other in at most two hops, through a hub.
    static func routes(_ venues: [VenueID]) -> [Topology.Route] {
        let n = venues.count
        var pairs: [(Int, Int)] = []
        if n <= fullMeshLimit {
            for i in 0..<n { for j in 0..<n where i != j { pairs.append((i, j)) } }
        } else {
            var seen = Set<Int>()
            func add(_ i: Int, _ j: Int) {
                guard i != j, seen.insert(i * n + j).inserted else { return }
                pairs.append((i, j))
            }
            for i in 0..<n {
                for hub in 0..<hubCount {
                    add(i, hub)
                    add(hub, i)
                }
                for step in 1...neighbourReach {
                    add(i, (i + step) % n)
                    add(i, (i - step + n) % n)
                }
            }
            pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        }
        return pairs.map { i, j in
            Topology.Route(
                from: venues[i], to: venues[j],
                feeBps: Double(2 + (3 * i + 5 * j) % 9),
                fixedFee: Amount(100 + 100 * ((7 * i + 11 * j) % 5)),
                latencyMs: Int64(300 + 200 * ((5 * i + 3 * j) % 7)),
                capacity: 10_000_000_00
            )
        }
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
