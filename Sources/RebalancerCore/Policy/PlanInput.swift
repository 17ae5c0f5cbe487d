/// What `rebalancer plan --input` reads: venue states, and the venues and routes (inline, from a
/// topology file, or both: inline entries replace the file's entries of the same id). See
/// docs/plan-input.md. Decoded with snake_case keys; amounts in minor units (cents).
public struct PlanInput: Sendable, Equatable, Codable {
    /// A topology YAML file, relative to the input file; its venues, routes and limits are the base.
    public var topology: String?
    /// Venues, added to (or replacing those of) the topology file.
    public var venues: [Venue]?
    /// Routes, added to (or replacing those of) the topology file.
    public var routes: [Route]?
    /// Limits; without them and without a topology file, no cap applies.
    public var limits: Limits?
    /// One state per venue, as its watcher would publish it.
    public var states: [State]

    /// Creates an input.
    public init(topology: String? = nil, venues: [Venue]? = nil, routes: [Route]? = nil, limits: Limits? = nil, states: [State]) {
        self.topology = topology
        self.venues = venues
        self.routes = routes
        self.limits = limits
        self.states = states
    }

    /// A venue and its fixed bands; omitted fields take the `topology init` defaults.
    public struct Venue: Sendable, Equatable, Codable {
        public var id: VenueID
        public var asset: String?
        public var floorBuffer: Amount?
        public var targetRatio: Double?
        public var lowerBand: Double?
        public var upperBand: Double?
        public var withdrawalLimit: Amount?

        /// Creates a venue entry.
        public init(id: VenueID, asset: String? = nil, floorBuffer: Amount? = nil, targetRatio: Double? = nil, lowerBand: Double? = nil, upperBand: Double? = nil, withdrawalLimit: Amount? = nil) {
            self.id = id
            self.asset = asset
            self.floorBuffer = floorBuffer
            self.targetRatio = targetRatio
            self.lowerBand = lowerBand
            self.upperBand = upperBand
            self.withdrawalLimit = withdrawalLimit
        }

        var resolved: Topology.Venue {
            Topology.Venue(
                id: id, asset: asset ?? "USD", floorBuffer: floorBuffer ?? 0, targetRatio: targetRatio ?? 3,
                lowerBand: lowerBand ?? 2, upperBand: upperBand ?? 4, withdrawalLimit: withdrawalLimit ?? Amount.max / 4
            )
        }
    }

    /// Outflow limits; an omitted one does not cap (`per_route_outflow` defaults to `per_venue_outflow`).
    public struct Limits: Sendable, Equatable, Codable {
        public var perTransferCap: Amount?
        public var perVenueOutflow: Amount?
        public var perRouteOutflow: Amount?
        public var globalNotional: Amount?
        public var windowSeconds: Int64?

        /// Creates limits.
        public init(perTransferCap: Amount? = nil, perVenueOutflow: Amount? = nil, perRouteOutflow: Amount? = nil, globalNotional: Amount? = nil, windowSeconds: Int64? = nil) {
            self.perTransferCap = perTransferCap
            self.perVenueOutflow = perVenueOutflow
            self.perRouteOutflow = perRouteOutflow
            self.globalNotional = globalNotional
            self.windowSeconds = windowSeconds
        }

        var resolved: Topology.Limits {
            let none = Amount.max / 4
            return Topology.Limits(
                perTransferCap: perTransferCap ?? none, perVenueOutflow: perVenueOutflow ?? none,
                perRouteOutflow: perRouteOutflow, globalNotional: globalNotional ?? none, windowSeconds: windowSeconds ?? 3_600
            )
        }
    }

    /// A directed route; capacity defaults to unlimited, fees to zero.
    public struct Route: Sendable, Equatable, Codable {
        public var from: VenueID
        public var to: VenueID
        public var feeBps: Double?
        public var fixedFee: Amount?
        public var latencyMs: Int64
        public var capacity: Amount?

        /// Creates a route entry.
        public init(from: VenueID, to: VenueID, feeBps: Double? = nil, fixedFee: Amount? = nil, latencyMs: Int64, capacity: Amount? = nil) {
            self.from = from
            self.to = to
            self.feeBps = feeBps
            self.fixedFee = fixedFee
            self.latencyMs = latencyMs
            self.capacity = capacity
        }

        var resolved: Topology.Route {
            Topology.Route(from: from, to: to, feeBps: feeBps ?? 0, fixedFee: fixedFee ?? 0, latencyMs: latencyMs, capacity: capacity ?? Amount.max / 4)
        }
    }

    /// A venue's state; `in_flight_in`/`in_flight_out` are approved transfers its state does not show yet.
    public struct State: Sendable, Equatable, Codable {
        public var venue: VenueID
        public var balance: Amount
        public var maintenanceMargin: Amount
        public var initialMargin: Amount?
        public var markPrice: Double?
        public var volatility: Double?
        public var positionSize: Double?
        public var utilisationTrend: Double?
        public var withdrawalsEnabled: Bool?
        public var pendingIn: Amount?
        public var pendingOut: Amount?
        public var inFlightIn: Amount?
        public var inFlightOut: Amount?
        /// True when the state is older than the staleness bound: nothing is planned from or to the venue.
        public var stale: Bool?

        /// Creates a state entry.
        public init(
            venue: VenueID, balance: Amount, maintenanceMargin: Amount, initialMargin: Amount? = nil, markPrice: Double? = nil,
            volatility: Double? = nil, positionSize: Double? = nil, utilisationTrend: Double? = nil, withdrawalsEnabled: Bool? = nil,
            pendingIn: Amount? = nil, pendingOut: Amount? = nil, inFlightIn: Amount? = nil, inFlightOut: Amount? = nil, stale: Bool? = nil
        ) {
            self.venue = venue
            self.balance = balance
            self.maintenanceMargin = maintenanceMargin
            self.initialMargin = initialMargin
            self.markPrice = markPrice
            self.volatility = volatility
            self.positionSize = positionSize
            self.utilisationTrend = utilisationTrend
            self.withdrawalsEnabled = withdrawalsEnabled
            self.pendingIn = pendingIn
            self.pendingOut = pendingOut
            self.inFlightIn = inFlightIn
            self.inFlightOut = inFlightOut
            self.stale = stale
        }

        var view: VenueView {
            VenueView(
                state: VenueState(
                    venue: venue, seq: 0, observedAt: 0, balance: balance, maintenanceMargin: maintenanceMargin,
                    initialMargin: initialMargin ?? maintenanceMargin * 2, markPrice: markPrice ?? 0, volatility: volatility ?? 0,
                    positionSize: positionSize ?? 0, withdrawalsEnabled: withdrawalsEnabled ?? true, pendingIn: pendingIn ?? 0,
                    pendingOut: pendingOut ?? 0, utilisationTrend: utilisationTrend ?? 0
                ),
                virtualIn: inFlightIn ?? 0, virtualOut: inFlightOut ?? 0, stale: stale ?? false
            )
        }
    }

    /// A problem in the input.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// The topology to plan on: `base` (from the `topology` file) with the inline venues, routes
    /// and limits laid over it. Throws when a state or route names an unknown venue.
    public func resolvedTopology(base: Topology? = nil) throws -> Topology {
        // Linear in the input: entries are matched to the base's by a dictionary, not a scan.
        var venues = base?.venues ?? []
        var venueAt: [VenueID: Int] = [:]
        for (i, v) in venues.enumerated() where venueAt[v.id] == nil { venueAt[v.id] = i }
        for v in self.venues ?? [] {
            if let i = venueAt[v.id] { venues[i] = v.resolved } else { venueAt[v.id] = venues.count; venues.append(v.resolved) }
        }
        var routes = base?.routes ?? []
        var routeAt: [String: Int] = [:]
        for (i, r) in routes.enumerated() where routeAt[r.from + "\u{0}" + r.to] == nil { routeAt[r.from + "\u{0}" + r.to] = i }
        for r in self.routes ?? [] {
            let key = r.from + "\u{0}" + r.to
            if let i = routeAt[key] { routes[i] = r.resolved } else { routeAt[key] = routes.count; routes.append(r.resolved) }
        }
        let known = Set(venues.map(\.id))
        guard !known.isEmpty else { throw Problem(description: "no venues: give \"venues\" or a \"topology\" file") }
        for s in states where !known.contains(s.venue) { throw Problem(description: "state for unknown venue '\(s.venue)'") }
        for r in routes where !known.contains(r.from) || !known.contains(r.to) {
            throw Problem(description: "route \(r.from)->\(r.to) names an unknown venue")
        }
        var topology = Topology(
            id: base?.id ?? "plan-input", epoch: base?.epoch ?? 0, quorum: base?.quorum ?? 1,
            nodes: base?.nodes ?? [], venues: venues, routes: routes,
            limits: limits?.resolved ?? base?.limits ?? Limits().resolved,
            timing: base?.timing ?? Topology.Timing(heartbeatMs: 1_000, staleAfterMs: 5_000, planTTLms: 5_000, basisToleranceMs: 2_000)
        )
        topology.marketSecondsPerSecond = base?.marketSecondsPerSecond ?? 1
        return topology
    }

    /// The planner views of the states.
    public var views: [VenueID: VenueView] {
        Dictionary(states.map { ($0.venue, $0.view) }, uniquingKeysWith: { _, last in last })
    }
}
