import RebalancerCore

extension TopologyCheck {
    static func checkVenues(_ topology: Deployment) -> [TopologyError] {
        var errors = duplicates(topology.venues.map(\.id), describe: { "venue id \"\($0)\"" }, path: { "venues[\($0)].id" })
        if topology.venues.isEmpty { errors.append(TopologyError(path: "venues", message: "no venue")) }
        for (index, venue) in topology.venues.enumerated() {
            let path = "venues[\(index)]"
            if venue.id.isEmpty {
                errors.append(TopologyError(path: "\(path).id", message: "must not be empty"))
            } else if !isValidNodeID(venue.id) {
                // Venue ids are sorted by their bytes in the plan digest: ASCII keeps every implementation's order the same.
                errors.append(TopologyError(path: "\(path).id", message: "must be ASCII letters, digits, '.', '_' or '-' (not starting with '.'), got \"\(venue.id)\""))
            }
            if venue.asset.isEmpty { errors.append(TopologyError(path: "\(path).asset", message: "must not be empty")) }
            if venue.floorBuffer < 0 { errors.append(TopologyError(path: "\(path).floor_buffer", message: "must not be negative")) }
            if venue.withdrawalLimit <= 0 { errors.append(TopologyError(path: "\(path).withdrawal_limit", message: "must be positive")) }
            if !(0 < venue.lowerBand && venue.lowerBand < venue.targetRatio && venue.targetRatio < venue.upperBand) {
                errors.append(TopologyError(
                    path: "\(path).target_ratio",
                    message: "bands must satisfy 0 < lower_band < target_ratio < upper_band "
                        + "(have \(venue.lowerBand), \(venue.targetRatio), \(venue.upperBand))"
                ))
            }
        }
        return errors
    }

    static func checkRoutes(_ topology: Deployment) -> [TopologyError] {
        let venueIDs = Set(topology.venues.map(\.id))
        var errors = duplicates(
            topology.routes.map { [$0.from, $0.to] }, describe: { "route \($0[0]) -> \($0[1])" }, path: { "routes[\($0)]" }
        )
        for (index, route) in topology.routes.enumerated() {
            let path = "routes[\(index)]"
            if !venueIDs.contains(route.from) { errors.append(TopologyError(path: "\(path).from", message: "unknown venue \"\(route.from)\"")) }
            if !venueIDs.contains(route.to) { errors.append(TopologyError(path: "\(path).to", message: "unknown venue \"\(route.to)\"")) }
            if route.from == route.to { errors.append(TopologyError(path: "\(path).to", message: "a route from \(route.from) to itself")) }
            if route.capacity <= 0 { errors.append(TopologyError(path: "\(path).capacity", message: "must be positive")) }
            if route.feeBps < 0 { errors.append(TopologyError(path: "\(path).fee_bps", message: "must not be negative")) }
            if route.fixedFee < 0 { errors.append(TopologyError(path: "\(path).fixed_fee", message: "must not be negative")) }
            if route.latencyMs < 0 { errors.append(TopologyError(path: "\(path).latency_ms", message: "must not be negative")) }
        }
        return errors
    }

    static func checkMarket(_ topology: Deployment) -> [TopologyError] {
        let market = topology.market
        let venueIDs = Set(topology.venues.map(\.id))
        var errors = duplicates(
            market.accounts.map(\.venue), describe: { "account for venue \"\($0)\"" }, path: { "market.accounts[\($0)].venue" }
        )
        errors += positive([
            ("market.initial_price", market.initialPrice), ("market.shock_multiplier", market.shockMultiplier),
            ("market.seconds_per_tick", market.secondsPerTick), ("market.tick_ms", Double(market.tickMs)),
        ])
        if market.volatility < 0 { errors.append(TopologyError(path: "market.volatility", message: "must not be negative")) }
        if !(0...1).contains(market.liquidationPenalty) {
            errors.append(TopologyError(path: "market.liquidation_penalty", message: "must be a fraction between 0 and 1"))
        }
        for (index, account) in market.accounts.enumerated() {
            let path = "market.accounts[\(index)]"
            if !venueIDs.contains(account.venue) { errors.append(TopologyError(path: "\(path).venue", message: "unknown venue \"\(account.venue)\"")) }
            if !venueIDs.contains(account.hedgeVenue) {
                errors.append(TopologyError(path: "\(path).hedge_venue", message: "unknown venue \"\(account.hedgeVenue)\""))
            } else if account.hedgeVenue == account.venue && account.position != 0 {
                errors.append(TopologyError(path: "\(path).hedge_venue", message: "a position cannot be hedged on its own venue"))
            }
            if account.balance < 0 { errors.append(TopologyError(path: "\(path).balance", message: "must not be negative")) }
            errors += positive([("\(path).maintenance_rate", account.maintenanceRate), ("\(path).initial_rate", account.initialRate)])
            if account.initialRate < account.maintenanceRate {
                errors.append(TopologyError(path: "\(path).initial_rate", message: "must not be below maintenance_rate"))
            }
        }
        return errors
    }

    static func checkLimits(_ topology: Deployment) -> [TopologyError] {
        let limits = topology.limits, timing = topology.timing
        return positive([
            ("limits.per_transfer_cap", Double(limits.perTransferCap)), ("limits.per_venue_outflow", Double(limits.perVenueOutflow)), ("limits.per_route_outflow", Double(limits.perRouteOutflow)),
            ("limits.global_notional", Double(limits.globalNotional)), ("limits.window_seconds", Double(limits.windowSeconds)),
            ("timing.heartbeat_ms", Double(timing.heartbeatMs)), ("timing.stale_after_ms", Double(timing.staleAfterMs)),
            ("timing.plan_ttl_ms", Double(timing.planTTLms)), ("timing.basis_tolerance_ms", Double(timing.basisToleranceMs)),
        ])
    }

    private static func positive(_ fields: [(String, Double)]) -> [TopologyError] {
        fields.filter { !($0.1 > 0) }.map { TopologyError(path: $0.0, message: "must be positive") }
    }
}
