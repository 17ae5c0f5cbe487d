extension PlanInput {
    /// The plan input of a topology and its views, everything inline (no topology file): what
    /// `bench optimizer` and the optimizer's oracle hand to an external solver
    /// (docs/tools/optimizer_milp.py). `resolvedTopology()` and `views` give them back.
    public init(topology: Topology, views: [VenueID: VenueView]) {
        let venues = topology.venues.map {
            Venue(id: $0.id, asset: $0.asset, floorBuffer: $0.floorBuffer, targetRatio: $0.targetRatio, lowerBand: $0.lowerBand, upperBand: $0.upperBand, withdrawalLimit: $0.withdrawalLimit)
        }
        let routes = topology.routes.map {
            Route(from: $0.from, to: $0.to, feeBps: $0.feeBps, fixedFee: $0.fixedFee, latencyMs: $0.latencyMs, capacity: $0.capacity)
        }
        let l = topology.limits
        let limits = Limits(perTransferCap: l.perTransferCap, perVenueOutflow: l.perVenueOutflow, perRouteOutflow: l.perRouteOutflow, globalNotional: l.globalNotional, windowSeconds: l.windowSeconds)
        let states = topology.venues.compactMap { venue -> State? in
            guard let view = views[venue.id] else { return nil }
            let s = view.state
            return State(
                venue: venue.id, balance: s.balance, maintenanceMargin: s.maintenanceMargin, initialMargin: s.initialMargin, markPrice: s.markPrice,
                volatility: s.volatility, positionSize: s.positionSize, utilisationTrend: s.utilisationTrend, withdrawalsEnabled: s.withdrawalsEnabled,
                pendingIn: s.pendingIn, pendingOut: s.pendingOut, inFlightIn: view.virtualIn, inFlightOut: view.virtualOut, stale: view.stale
            )
        }
        self.init(venues: venues, routes: routes, limits: limits, states: states)
    }
}
