import RebalancerCore

extension MaxFlow {
    /// The capacity of an arc without a bound (far above any book's capital in cents).
    static let unbounded = Int64(1) << 60

    /// Connects every node's net supply in cents to a new source (what it supplies) or sink (what
    /// it demands), the reduction of a flow with lower bounds: the lower-bounded flow exists exactly
    /// when a maximum flow from `source` to `sink` carries `required`.
    mutating func attach(supply: [Int64]) -> (source: Int, sink: Int, required: Int64) {
        let source = addNode()
        let sink = addNode()
        var required: Int64 = 0
        for (v, amount) in supply.enumerated() where amount != 0 {
            if amount > 0 {
                addArc(from: source, to: v, capacity: amount)
                required += amount
            } else {
                addArc(from: v, to: sink, capacity: -amount)
            }
        }
        return (source, sink, required)
    }

    /// A holdover from `node` to `next` (the same venue a tick later, or the final sink) that
    /// carries at least `floor`: unbounded, with the floor moved from `node`'s supply to `next`'s
    /// (the lower-bound reduction `attach` completes).
    mutating func addHoldover(from node: Int, to next: Int, floor: Amount, supply: inout [Int64]) {
        supply[node] -= floor
        supply[next] += floor
        addArc(from: node, to: next, capacity: MaxFlow.unbounded)
    }
}

extension HindsightPath {
    /// The mark-to-market `account` books on tick `k` (at least 1), in whole cents as the market
    /// books it (a hedged pair's cancel exactly).
    func markToMarket(_ account: MarketSpec.Account, tick k: Int) -> Amount {
        Market.cents(account.position * (prices[k] - prices[k - 1]) * 100)
    }

    /// What `account` holds after tick `k` with nothing sent or received: its starting collateral
    /// plus its mark-to-market through `k`.
    func holdings(_ account: MarketSpec.Account, through k: Int) -> Amount {
        var held = account.balance
        if k > 0 { for tick in 1...k { held += markToMarket(account, tick: tick) } }
        return held
    }

    /// The maintenance margin of `account` at tick `k`'s price, in cents.
    func maintenanceMargin(_ account: MarketSpec.Account, tick k: Int) -> Amount {
        account.position != 0 ? Market.cents(abs(account.position) * prices[k] * account.maintenanceRate * 100) : 0
    }

    /// The transfer arcs of a flow over time, unbounded: for every route between two accounts and
    /// every tick `k` of `departures` (none before `rules.firstDepartureTick`), one arc from
    /// `node(from, k)` to `node(to, a)`, `a` being the first tick after `k` at least the route's
    /// latency plus `decision` later, when `a` is at most `last`. Returns each arc with its tick
    /// and route.
    func addTransferArcs(
        to network: inout MaxFlow, departures: Range<Int>, last: Int, decision: Nanos, node: (Int, Int) -> Int
    ) -> [(arc: Int, tick: Int, route: Topology.Route)] {
        let lower = max(departures.lowerBound, rules.firstDepartureTick)
        guard lower < departures.upperBound else { return [] }
        let index = Dictionary(accounts.enumerated().map { ($1.venue, $0) }, uniquingKeysWith: { first, _ in first })
        var arcs: [(arc: Int, tick: Int, route: Topology.Route)] = []
        for route in routes {
            guard let from = index[route.from], let to = index[route.to], from != to else { continue }
            let latency = max(0, route.latencyMs) * Nanos.perMillisecond + max(0, decision)
            var arrival = lower + 1
            for k in lower..<departures.upperBound {
                arrival = max(arrival, k + 1)
                while arrival <= last && times[arrival] < times[k] + latency { arrival += 1 }
                guard arrival <= last else { break }
                arcs.append((network.addArc(from: node(from, k), to: node(to, arrival), capacity: MaxFlow.unbounded), k, route))
            }
        }
        return arcs
    }
}
