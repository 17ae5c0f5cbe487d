/// One venue's role in the flow problem.
struct VenueRole {
    /// Demand (Bands.deficit).
    var demand: Amount = 0
    /// Most the venue may send: its surplus (Bands.surplus) at or above target; below target but
    /// inside its band, what it may lend down to its lower band (`lendable`).
    var supply: Amount = 0
    /// True when `supply` is lending from inside the band (below target).
    var lends = false
    /// The verifier accepts inflows to it (below target, not stale).
    var canReceive = false
}

/// A route the optimizer may use.
struct CandidateRoute {
    var route: Int
    var from: Int
    var to: Int
    /// Most one transfer may send: min(route capacity, per-transfer cap).
    var sendCap: Amount
    /// Most one transfer may deliver: sendCap − fee(sendCap).
    var netCap: Amount
    /// Most this route can deliver in any valid plan: min(netCap, demand at the head, supply at the tail).
    var usable: Amount
    /// Least a transfer of `minimumTransfer` delivers (the delivered-flow lower bound when the route is open).
    var minDelivered: Amount
    /// (feeBps/1e4 + latency penalty) / (1 − feeBps/1e4): linear cost per unit delivered.
    var unitCost: Double
    var fixedFee: Amount
    /// feeBps / 10⁴.
    var feeRate: Double
}

/// One instance of the optimizer's problem: the cost index, each venue's role and the candidate
/// routes (docs/optimizer.md §2), built once per plan.
struct OptimizerInstance {
    let topology: Topology
    let costs: CostIndex
    let minimumTransfer: Amount
    var roles: [VenueRole]
    var candidates: [CandidateRoute] = []

    /// What a venue below target but inside its band may lend: down to `max(floor, ⌈lowerBand · M⌉)`,
    /// from its settled balance and its effective balance, within its withdrawal limit.
    static func lendable(_ view: VenueView, venue: Topology.Venue) -> Amount {
        guard view.canSend else { return 0 }
        let bands = Bands(venue: venue)
        let lower = Amount((Double(view.state.maintenanceMargin) * venue.lowerBand).rounded(.up))
        let keep = max(bands.floor(view.state), lower)
        let settled = view.state.balance - view.virtualOut
        return max(0, min(settled - keep, view.effectiveBalance - keep, venue.withdrawalLimit))
    }

    init(views: [VenueID: VenueView], topology: Topology, model: CostModel, minimumTransfer: Amount, lends: Bool = true) {
        self.topology = topology
        self.minimumTransfer = minimumTransfer
        costs = CostIndex(views: views, topology: topology, model: model)
        roles = Array(repeating: VenueRole(), count: costs.venueCount)
        for (i, venue) in topology.venues.enumerated() {
            guard costs.canonical[i], let view = costs.views[i], !view.stale else { continue }
            let bands = Bands(venue: venue)
            let target = bands.target(view.state)
            var role = VenueRole()
            role.demand = bands.deficit(view)
            // The verifier rejects an inflow to a venue whose basis balance is at or above target.
            role.canReceive = view.effectiveBalance < target && view.state.balance + view.state.pendingIn < target
            if role.demand == 0 {
                if view.effectiveBalance >= target {
                    role.supply = bands.surplus(view)
                } else if lends {
                    role.supply = Self.lendable(view, venue: venue)
                    role.lends = role.supply > 0
                }
            }
            roles[i] = role
        }
        let cap = topology.limits.perTransferCap
        for (r, route) in topology.routes.enumerated() {
            let from = costs.routeFrom[r]
            let to = costs.routeTo[r]
            guard from >= 0, to >= 0, from != to, costs.firstOfPair[r] else { continue }
            guard topology.venues[from].asset == topology.venues[to].asset else { continue }
            guard roles[from].supply > 0, roles[to].demand > 0, roles[to].canReceive else { continue }
            guard route.feeBps >= 0, route.feeBps < 10_000, route.fixedFee >= 0 else { continue }
            let sendCap = min(route.capacity, cap, roles[from].supply)
            guard sendCap >= max(1, minimumTransfer) else { continue }
            let netCap = sendCap - route.fee(for: sendCap)
            guard netCap > 0 else { continue }
            let rate = route.feeBps / 10_000
            let unit = (rate + model.latencyPenalty(route: route, urgency: costs.urgency[to])) / (1 - rate)
            let usable = min(netCap, roles[to].demand)
            let least = max(0, minimumTransfer - route.fee(for: minimumTransfer))
            guard least <= usable else { continue }
            candidates.append(CandidateRoute(
                route: r, from: from, to: to, sendCap: sendCap, netCap: usable, usable: usable, minDelivered: least,
                unitCost: unit, fixedFee: route.fixedFee, feeRate: rate
            ))
        }
    }

    /// The smallest amount to send along a route so that `net` arrives (clamped to the send cap).
    static func gross(toDeliver net: Amount, route: Topology.Route, cap: Amount) -> Amount {
        guard net > 0 else { return 0 }
        let rate = route.feeBps / 10_000
        var amount = min(cap, Amount((Double(net + route.fixedFee) / (1 - rate)).rounded(.up)))
        while amount < cap && amount - route.fee(for: amount) < net { amount += 1 }
        while amount > 1 && (amount - 1) - route.fee(for: amount - 1) >= net { amount -= 1 }
        return amount
    }
}
