/// The cost model every plan is judged by, optimal or greedy: fees, an urgency-weighted latency
/// penalty and a penalty on demand left unmet. All terms are in minor units (cents) of the asset.
public struct CostModel: Sendable, Equatable, Codable {
    /// λ: cost per unit sent per second of route latency, when the destination's urgency is 1.
    /// The default, 1e-4, is one basis point per second.
    public var latencyWeight: Double
    /// P: cost per unit of demand (shortfall below target of a venue under its lower band) left unmet.
    public var unmetPenalty: Double

    /// Creates a cost model.
    public init(latencyWeight: Double = 1e-4, unmetPenalty: Double = 10) {
        self.latencyWeight = latencyWeight
        self.unmetPenalty = unmetPenalty
    }

    /// How close a venue is to liquidation, in [0, 1]: 0 at or above its target balance, rising
    /// linearly to 1 as its effective balance falls to its maintenance margin (1 below it).
    public static func urgency(_ view: VenueView, venue: Topology.Venue) -> Double {
        let target = Double(Bands(venue: venue).target(view.state))
        let margin = Double(view.state.maintenanceMargin)
        let balance = Double(view.effectiveBalance)
        guard balance < target else { return 0 }
        guard target > margin else { return 1 }
        return min(1, max(0, (target - balance) / (target - margin)))
    }

    /// The latency penalty per unit sent along `route` to a destination of this urgency:
    /// `latencyMs / 1000 × λ × urgency`.
    public func latencyPenalty(route: Topology.Route, urgency: Double) -> Double {
        Double(route.latencyMs) / 1000 * latencyWeight * urgency
    }
}

/// The terms of a plan's cost.
public struct PlanCostBreakdown: Sendable, Equatable {
    /// Route fees actually charged (fixed plus proportional, as `Route.fee(for:)` rounds them).
    public var fees: Double
    /// Σ amount × latency penalty per unit.
    public var latency: Double
    /// Demand left unmet after the plan, in minor units.
    public var unmet: Amount
    /// fees + latency + P × unmet; infinite when a transfer is invalid (no route, unknown venue, amount ≤ 0).
    public var total: Double
}

/// The one cost function plans are compared by: fees + latency penalty + unmet-demand penalty,
/// evaluated on the balances the plan leaves.
///
/// Each transfer is charged `route.fee(for: amount)` plus `amount × latencyPenalty(route, urgency(dest))`,
/// with urgency taken from the views before the plan. The destination is credited
/// `amount − fee`, the source debited `amount`. Every non-stale venue under its lower band has a
/// demand `Bands.deficit`; the part of it its net credit does not cover is unmet and costs P a unit.
public func planCost(_ transfers: [Transfer], views: [VenueID: VenueView], topology: Topology, model: CostModel = CostModel()) -> Double {
    planCostBreakdown(transfers, views: views, topology: topology, model: model).total
}

/// `planCost` with its terms.
public func planCostBreakdown(_ transfers: [Transfer], views: [VenueID: VenueView], topology: Topology, model: CostModel = CostModel()) -> PlanCostBreakdown {
    let index = CostIndex(views: views, topology: topology, model: model)
    var legs: [(route: Int, amount: Amount)] = []
    legs.reserveCapacity(transfers.count)
    var invalid = false
    for t in transfers {
        guard t.amount > 0, t.from != t.to, let from = index.venueIndex[t.from], let to = index.venueIndex[t.to],
              let route = index.route(from: from, to: to)
        else { invalid = true; continue }
        legs.append((route, t.amount))
    }
    var breakdown = index.evaluate(legs)
    if invalid { breakdown.total = .infinity }
    return breakdown
}

/// Everything the cost function needs, indexed once per instance, in flat arrays: venue names are
/// hashed once per venue and once per route endpoint, nothing is hashed afterwards.
struct CostIndex {
    let topology: Topology
    let model: CostModel
    let venueCount: Int
    var venueIndex: [VenueID: Int] = [:]
    /// True for the first venue of each id (the one `venueIndex` names).
    var canonical: [Bool]
    var routeFrom: [Int] = []
    var routeTo: [Int] = []
    /// True for the first route of each (from, to) pair, the one `Topology.route(from:to:)` finds.
    var firstOfPair: [Bool] = []
    /// Routes by tail venue: `routesByTail[routeStart[v] ..< routeStart[v + 1]]`, in route order.
    var routeStart: [Int] = []
    var routesByTail: [Int] = []
    /// Demand (Bands.deficit) per venue; zero for stale or missing views.
    var demand: [Amount]
    /// Urgency per venue.
    var urgency: [Double]
    /// Views per venue index (nil when missing).
    var views: [VenueView?]

    init(views: [VenueID: VenueView], topology: Topology, model: CostModel) {
        self.topology = topology
        self.model = model
        venueCount = topology.venues.count
        demand = Array(repeating: 0, count: venueCount)
        urgency = Array(repeating: 0, count: venueCount)
        canonical = Array(repeating: false, count: venueCount)
        self.views = Array(repeating: nil, count: venueCount)
        venueIndex.reserveCapacity(venueCount)
        for (i, venue) in topology.venues.enumerated() where venueIndex[venue.id] == nil {
            venueIndex[venue.id] = i
            canonical[i] = true
            guard let view = views[venue.id] else { continue }
            self.views[i] = view
            guard !view.stale else { continue }
            demand[i] = Bands(venue: venue).deficit(view)
            urgency[i] = CostModel.urgency(view, venue: venue)
        }
        indexRoutes()
    }

    /// Resolves route endpoints (consecutive routes usually share a tail: its name is looked up
    /// once), groups routes by tail and marks the first route of each pair.
    private mutating func indexRoutes() {
        let routes = topology.routes
        routeFrom = Array(repeating: -1, count: routes.count)
        routeTo = Array(repeating: -1, count: routes.count)
        firstOfPair = Array(repeating: false, count: routes.count)
        routeStart = Array(repeating: 0, count: venueCount + 1)
        var lastName: VenueID?
        var lastIndex: Int?
        for (r, route) in routes.enumerated() {
            if route.from != lastName {
                lastName = route.from
                lastIndex = venueIndex[route.from]
            }
            guard let from = lastIndex, let to = venueIndex[route.to] else { continue }
            routeFrom[r] = from
            routeTo[r] = to
            routeStart[from + 1] += 1
        }
        for v in 0..<venueCount { routeStart[v + 1] += routeStart[v] }
        var cursor = routeStart
        routesByTail = Array(repeating: 0, count: routeStart[venueCount])
        for r in 0..<routes.count where routeFrom[r] >= 0 {
            routesByTail[cursor[routeFrom[r]]] = r
            cursor[routeFrom[r]] += 1
        }
        // Per tail, in route order: a head seen for the first time marks the pair's first route.
        var seenFrom = [Int](repeating: -1, count: venueCount)
        for v in 0..<venueCount {
            for k in routeStart[v]..<routeStart[v + 1] {
                let r = routesByTail[k]
                if seenFrom[routeTo[r]] != v {
                    seenFrom[routeTo[r]] = v
                    firstOfPair[r] = true
                }
            }
        }
    }

    /// The first route from venue index `from` to `to` (as `Topology.route(from:to:)`), if any.
    func route(from: Int, to: Int) -> Int? {
        for k in routeStart[from]..<routeStart[from + 1] where routeTo[routesByTail[k]] == to { return routesByTail[k] }
        return nil
    }

    /// The cost of legs given as (index in topology.routes, amount sent).
    func evaluate(_ legs: [(route: Int, amount: Amount)]) -> PlanCostBreakdown {
        var fees = 0.0
        var latency = 0.0
        var delta = [Amount](repeating: 0, count: venueCount)
        for leg in legs {
            let route = topology.routes[leg.route]
            let fee = route.fee(for: leg.amount)
            let to = routeTo[leg.route]
            fees += Double(fee)
            latency += Double(leg.amount) * model.latencyPenalty(route: route, urgency: urgency[to])
            delta[routeFrom[leg.route]] -= leg.amount
            delta[to] += leg.amount - fee
        }
        var unmet: Amount = 0
        for (v, need) in demand.enumerated() where need > 0 {
            unmet += max(0, need - delta[v])
        }
        return PlanCostBreakdown(fees: fees, latency: latency, unmet: unmet, total: fees + latency + model.unmetPenalty * Double(unmet))
    }
}
