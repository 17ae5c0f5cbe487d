/// The rule public rebalancers use today: fixed ratio bands, and the largest surplus pays the
/// largest deficit until one runs out, then the next. Simple, fast, and not optimal: fees, routes
/// and latency play no part in the choice. It is the baseline the optimizer must beat.
public struct GreedyThresholdStrategy: Strategy {
    /// Smallest transfer worth making, in minor units.
    public var minimumTransfer: Amount

    /// Creates the strategy.
    public init(minimumTransfer: Amount = 100_00) { self.minimumTransfer = minimumTransfer }

    /// "threshold".
    public var name: String { StrategyName.threshold.rawValue }

    /// Largest surplus to largest deficit, grossed up for the route's fee so the deficit is filled.
    public func plan(views: [VenueID: VenueView], topology: Topology) -> [Transfer] {
        var deficits: [(VenueID, Amount)] = []
        var surpluses: [(VenueID, Amount)] = []
        for venue in topology.venues {
            guard let view = views[venue.id], !view.stale else { continue }
            let bands = Bands(venue: venue)
            let need = bands.deficit(view)
            if need > 0 { deficits.append((venue.id, need)) }
            let give = bands.surplus(view)
            if give > 0 && need == 0 { surpluses.append((venue.id, give)) }
        }
        guard !deficits.isEmpty, !surpluses.isEmpty else { return [] }
        deficits.sort { ($0.1, $1.0) > ($1.1, $0.0) }
        surpluses.sort { ($0.1, $1.0) > ($1.1, $0.0) }

        var transfers: [Transfer] = []
        for (destination, need) in deficits {
            var remaining = need
            for index in surpluses.indices where remaining > 0 && surpluses[index].1 > 0 {
                let (source, available) = surpluses[index]
                guard let route = topology.route(from: source, to: destination) else { continue }
                let gross = Self.gross(toDeliver: remaining, route: route)
                let amount = min(gross, available, route.capacity, topology.limits.perTransferCap)
                guard amount >= minimumTransfer else { continue }
                let delivered = amount - route.fee(for: amount)
                guard delivered > 0 else { continue }
                transfers.append(Transfer(from: source, to: destination, amount: amount))
                surpluses[index].1 -= amount
                remaining -= delivered
            }
        }
        return Plan.canonical(transfers)
    }

    /// The amount to send so that `net` arrives after the route's fee.
    static func gross(toDeliver net: Amount, route: Topology.Route) -> Amount {
        let rate = route.feeBps / 10_000
        guard rate < 1 else { return Amount.max }
        return Amount((Double(net + route.fixedFee) / (1 - rate)).rounded(.up))
    }
}
