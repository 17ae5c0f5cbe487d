/// `GreedyThresholdStrategy.plan`, transfer for transfer, with indexed route lookups.
///
/// The strategy looks up a route for every (deficit, surplus) pair with a linear scan of the
/// routes, which is cubic on large topologies. Here each deficit walks only the sources with a
/// route into it, in the strategy's surplus order, which visits the same pairs in the same order.
/// The optimizer evaluates this plan as one more candidate (see `TransferOptimizer.baselineFallback`);
/// the benchmark uses it as the baseline. Tests check it against the strategy.
public enum GreedyBaseline {
    /// The strategy's plan for `views`, computed with the indexed lookups: the baseline the
    /// optimizer's benchmark (RebalancerSimulation) times the optimizer against.
    public static func plan(_ strategy: GreedyThresholdStrategy, views: [VenueID: VenueView], topology: Topology) -> [Transfer] {
        let index = CostIndex(views: views, topology: topology, model: CostModel())
        return legs(strategy, index: index).map {
            let route = topology.routes[$0.route]
            return Transfer(from: route.from, to: route.to, amount: $0.amount)
        }
    }

    static func legs(_ strategy: GreedyThresholdStrategy, index: CostIndex) -> [(route: Int, amount: Amount)] {
        let topology = index.topology
        var deficits: [(Int, Amount)] = []
        var surpluses: [(Int, Amount)] = []
        for (v, venue) in topology.venues.enumerated() {
            guard index.canonical[v], let view = index.views[v], !view.stale else { continue }
            let bands = Bands(venue: venue)
            let need = bands.deficit(view)
            if need > 0 { deficits.append((v, need)) }
            let give = bands.surplus(view)
            if give > 0 && need == 0 { surpluses.append((v, give)) }
        }
        guard !deficits.isEmpty, !surpluses.isEmpty else { return [] }
        let id = { (v: Int) in topology.venues[v].id }
        deficits.sort { ($0.1, id($1.0)) > ($1.1, id($0.0)) }
        surpluses.sort { ($0.1, id($1.0)) > ($1.1, id($0.0)) }
        var rank = [Int](repeating: -1, count: index.venueCount)
        for (k, s) in surpluses.enumerated() { rank[s.0] = k }
        // Routes into each venue from a surplus venue (the first route per pair, as Topology.route finds it).
        var into = [[(rank: Int, route: Int)]](repeating: [], count: index.venueCount)
        for r in index.firstOfPair.indices where index.firstOfPair[r] && rank[index.routeFrom[r]] >= 0 {
            into[index.routeTo[r]].append((rank[index.routeFrom[r]], r))
        }
        var legs: [(route: Int, amount: Amount)] = []
        for (destination, need) in deficits {
            var remaining = need
            for (k, r) in into[destination].sorted(by: { $0.rank < $1.rank }) where remaining > 0 && surpluses[k].1 > 0 {
                let route = topology.routes[r]
                let gross = GreedyThresholdStrategy.gross(toDeliver: remaining, route: route)
                let amount = min(gross, surpluses[k].1, route.capacity, topology.limits.perTransferCap)
                guard amount >= strategy.minimumTransfer else { continue }
                let delivered = amount - route.fee(for: amount)
                guard delivered > 0 else { continue }
                legs.append((r, amount))
                surpluses[k].1 -= amount
                remaining -= delivered
            }
        }
        return legs.sorted {
            let (a, b) = (topology.routes[$0.route], topology.routes[$1.route])
            return (a.from, a.to, $0.amount) < (b.from, b.to, $1.amount)
        }
    }
}
