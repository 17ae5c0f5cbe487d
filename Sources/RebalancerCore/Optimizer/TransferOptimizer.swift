/// A plan computed by `TransferOptimizer`, with the linear program it was read from.
public struct OptimizedPlan: Sendable {
    /// The transfers, in canonical order (`Plan.canonical`).
    public var transfers: [Transfer]
    /// `planCost` of the transfers: fees + latency penalty + unmet-demand penalty, in minor units.
    public var objective: Double
    /// Shadow prices of the root relaxation (docs/optimizer.md §3), per venue, in cost per unit: for
    /// a venue with demand, the marginal cost of delivering one more unit there (P when its demand
    /// is left unmet); for a venue with supply, the value of one more unit of it. Zero at the
    /// super-source. (Without branch and bound, `nodeLimit` 0: those of the best heuristic LP.)
    public var potentials: [VenueID: Double]
    /// Demand left unmet by the transfers, in minor units.
    public var unmet: Amount
    /// Objective of that linear program (its scaled integer costs divided by the scale).
    public var lpCost: Double
    /// planCost of the best plan read from the linear programs (before the greedy fallback).
    public var lpPlanCost: Double
    /// True when the greedy plan was strictly cheaper than every LP plan and was returned instead.
    public var baselineChosen: Bool
    /// Linear programs solved to produce the plan (heuristic passes and branch-and-bound nodes).
    public var solves: Int
    /// A proven lower bound on the cost of every valid plan (fixed fees, minimum transfer and fee
    /// loss included, up to one cent of rounding per transfer): the least bound of the
    /// branch-and-bound nodes left open, or the objective when the search finished.
    public var lowerBound: Double
    /// The best linear-programming relaxation bound at the root (before any branching).
    public var rootBound: Double
    /// Branch-and-bound nodes solved.
    public var nodes: Int
    /// `objective − lowerBound` (≥ 0): how much cheaper a valid plan could at most be.
    public var gap: Double { max(0, objective - lowerBound) }
    /// True when the search proved the plan optimal within `TransferOptimizer.tolerance(objective)`.
    public var provenOptimal: Bool
    /// The linear program of `potentials` (the root relaxation): its network, supplies and optimal
    /// solution, which `Certificate` checks.
    public var network: MinCostFlow
    /// Supplies of that linear program.
    public var supplies: [Int64]
    /// Optimal solution of that linear program.
    public var solution: MinCostFlow.Solution
}

/// Computes transfers as a min-cost flow over venues and routes; see docs/optimizer.md.
public struct TransferOptimizer: Sendable {
    /// The cost model (λ and P); `planCost` with the same model judges the result.
    public var model: CostModel
    /// Smallest transfer worth making, in minor units (as `GreedyThresholdStrategy`).
    public var minimumTransfer: Amount
    /// Rounds of fixed-fee slope scaling after the first solve (0 ignores fixed fees in the LP).
    public var fixedFeeRounds: Int
    /// Linear programs solved at most by the main loop (budget repair, fee-loss prices, slope scaling).
    public var maxSolves: Int
    /// Fixed-fee local search after the main loop: this many transfers of the best plan (those
    /// whose fixed fee weighs most on their amount) are tried closed, one warm re-solve each.
    public var dropTrials: Int
    /// Also evaluate the greedy plan and return it when it is strictly cheaper (see docs/optimizer.md).
    public var baselineFallback: Bool
    /// Integer cost units per unit of cost: LP arc costs are `round(cost × costScale)`.
    public var costScale: Double
    /// Branch-and-bound nodes solved at most after the heuristic passes (0: heuristic only). The
    /// search is deterministic: the same input and limit give the same plan.
    public var nodeLimit: Int
    /// Optional time budget, checked before each node: returns true once the search must stop. The
    /// core reads no clock; the caller passes one in (a plan that stops early carries its gap).
    public var deadline: (@Sendable () -> Bool)?
    /// Venues below target but inside their band may lend down to their lower band (docs/optimizer.md §2).
    /// Off, only venues at or above target give (their surplus).
    public var lendsFromBand: Bool

    /// Creates an optimizer.
    public init(
        model: CostModel = CostModel(), minimumTransfer: Amount = 100_00, fixedFeeRounds: Int = 2, maxSolves: Int = 4, dropTrials: Int = 2,
        baselineFallback: Bool = true, costScale: Double = 1e9, nodeLimit: Int = 200, deadline: (@Sendable () -> Bool)? = nil,
        lendsFromBand: Bool = true
    ) {
        self.model = model
        self.minimumTransfer = minimumTransfer
        self.fixedFeeRounds = fixedFeeRounds
        self.maxSolves = maxSolves
        self.dropTrials = dropTrials
        self.baselineFallback = baselineFallback
        self.costScale = costScale
        self.nodeLimit = nodeLimit
        self.deadline = deadline
        self.lendsFromBand = lendsFromBand
    }

    /// The optimality tolerance: a plan within this much of the lower bound counts as optimal,
    /// max(1 unit of the asset (100 minor units), 1e-6 of the cost), less a safety margin of half.
    public static func tolerance(_ objective: Double) -> Double { 0.5 * max(100, 1e-6 * abs(objective)) }

    /// The plan for these views.
    public func solve(views: [VenueID: VenueView], topology: Topology) -> OptimizedPlan {
        let instance = OptimizerInstance(views: views, topology: topology, model: model, minimumTransfer: minimumTransfer, lends: lendsFromBand)
        return instance.optimize(self)
    }
}

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
}

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
            guard costs.venueIndex[venue.id] == i, let view = costs.views[i], !view.stale else { continue }
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
            guard from >= 0, to >= 0, from != to, costs.routeIndex[from * costs.venueCount + to] == r else { continue }
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
                unitCost: unit, fixedFee: route.fixedFee
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

    /// The linear program: one network per instance, whose capacities and costs the solve loop adjusts.
    struct LPResult {
        var network: MinCostFlow
        var supplies: [Int64]
        var solution: MinCostFlow.Solution
        /// Arc index per candidate, −1 when absent.
        var arcOf: [Int]
        /// Per venue: the arc that bounds what it sends (S* → out), or −1.
        var budgetArc: [Int]
        var nodeOfVenue: [Int]
        var superSource: Int
    }

    /// Builds the network: S*, an in-node per venue with demand, an out-node per venue that can
    /// send, and arcs S* → out (supply), out → in (routes) and S* → in (unmet demand, cost P).
    /// Route arcs cost `unitCost` plus `fixedFee / usable` (the fixed fee spread over the most the
    /// route can deliver: the convex envelope, a valid relaxation of the fixed charge).
    func buildNetwork(scale: Double, unmetCost: Int64) -> LPResult {
        let n = costs.venueCount
        var network = MinCostFlow(nodes: 1)
        let superSource = 0
        var supplies: [Int64] = [0]
        var inNode = [Int](repeating: -1, count: n)
        var outNode = [Int](repeating: -1, count: n)
        var totalDemand: Int64 = 0
        for v in 0..<n {
            let role = roles[v]
            if role.demand > 0 {
                inNode[v] = network.addNode()
                supplies.append(-role.demand)
                totalDemand += role.demand
            }
            if role.supply > 0 {
                outNode[v] = network.addNode()
                supplies.append(0)
            }
        }
        supplies[superSource] = totalDemand
        // A venue's budget counts delivered units: what it sends, less at least the lowest fee rate
        // of its routes (Σ x_e ≤ Σ (1 − ρ_e) a_e ≤ (1 − ρ_min) · supply), a valid and tighter cap.
        // (Plus a cent per route: a fee rounded to the cent can be half a cent under ρ·a.)
        var lowestRate = [Double](repeating: 1, count: n)
        var routesOut = [Amount](repeating: 0, count: n)
        for c in candidates {
            lowestRate[c.from] = min(lowestRate[c.from], topology.routes[c.route].feeBps / 10_000)
            routesOut[c.from] += 1
        }
        var budgetArc = [Int](repeating: -1, count: n)
        for v in 0..<n {
            if roles[v].supply > 0 {
                let delivered = Amount((Double(roles[v].supply) * (1 - min(1, lowestRate[v]))).rounded(.down)) + routesOut[v]
                budgetArc[v] = network.addArc(from: superSource, to: outNode[v], capacity: min(roles[v].supply, max(0, delivered)), cost: 0)
            }
            if roles[v].demand > 0 {
                network.addArc(from: superSource, to: inNode[v], capacity: roles[v].demand, cost: unmetCost)
            }
        }
        var arcOf = [Int](repeating: -1, count: candidates.count)
        for (e, c) in candidates.enumerated() where outNode[c.from] >= 0 && inNode[c.to] >= 0 {
            let amortized = Double(c.fixedFee) / Double(c.usable)
            arcOf[e] = network.addArc(from: outNode[c.from], to: inNode[c.to], capacity: c.usable, cost: Self.scaled(c.unitCost + amortized, scale))
        }
        var nodeOfVenue = inNode
        for v in 0..<n where nodeOfVenue[v] < 0 { nodeOfVenue[v] = outNode[v] }
        let empty = MinCostFlow.Solution(flows: [], cost: 0, potentials: [], feasible: false, unrouted: 0, phases: 0)
        return LPResult(network: network, supplies: supplies, solution: empty, arcOf: arcOf, budgetArc: budgetArc, nodeOfVenue: nodeOfVenue, superSource: superSource)
    }

    /// A cost per unit as an integer arc cost, at least one unit so that optimal flows are acyclic.
    static func scaled(_ cost: Double, _ scale: Double) -> Int64 { max(1, Int64((cost * scale).rounded())) }

    /// Delivered flow per candidate in an LP solution (plus `extra`, the forced lower bounds of a
    /// branch-and-bound node).
    func delivered(_ lp: LPResult, extra: [Amount]? = nil) -> [Amount] {
        var out = [Amount](repeating: 0, count: candidates.count)
        for (e, arc) in lp.arcOf.enumerated() where arc >= 0 {
            out[e] = lp.solution.flows[arc] + (extra?[e] ?? 0)
        }
        return out
    }

    /// Sent amounts per candidate for the LP's delivered flows, grossed up for fees: every transfer
    /// sends the least amount that delivers its flow (every path is one route: no relays).
    func grossUp(_ lp: LPResult) -> [Amount] { grossUp(delivered: delivered(lp)) }

    /// `grossUp` of delivered amounts.
    func grossUp(delivered: [Amount]) -> [Amount] {
        var sent = [Amount](repeating: 0, count: candidates.count)
        for (e, x) in delivered.enumerated() where x > 0 {
            let c = candidates[e]
            sent[e] = Self.gross(toDeliver: min(x, c.netCap), route: topology.routes[c.route], cap: c.sendCap)
            // Fee rounding can make a delivery of the minimum's worth cost a cent less than the minimum.
            if x >= c.minDelivered && sent[e] < minimumTransfer && minimumTransfer <= c.sendCap { sent[e] = minimumTransfer }
        }
        return sent
    }

    /// A valid plan from sent amounts: each over-sending venue's transfers are cut (the largest
    /// first) to its supply, and transfers below the minimum are dropped.
    func repaired(_ sent: [Amount]) -> [(route: Int, amount: Amount)] {
        var sent = sent
        let over = overdraft(sent)
        if over.contains(where: { $0 > 0 }) { clamp(&sent, over) }
        return sent.indices.filter { sent[$0] >= max(1, minimumTransfer) }.map { (route: candidates[$0].route, amount: sent[$0]) }
    }

    /// Per venue, how far its total sent exceeds what it may send (its surplus or what it may lend).
    func overdraft(_ sent: [Amount]) -> [Amount] {
        var out = [Amount](repeating: 0, count: costs.venueCount)
        for (e, amount) in sent.enumerated() where amount > 0 { out[candidates[e].from] += amount }
        for v in 0..<out.count {
            out[v] = max(0, out[v] - roles[v].supply)
        }
        return out
    }

    func optimize(_ options: TransferOptimizer) -> OptimizedPlan {
        let scale = options.costScale
        let unmetCost = Int64((options.model.unmetPenalty * scale).rounded())
        var lp = buildNetwork(scale: scale, unmetCost: unmetCost)
        var amortized = [Double](repeating: 0, count: candidates.count)
        var lossPrice = [Double](repeating: 0, count: candidates.count)
        let useFixed = options.fixedFeeRounds > 0 && candidates.contains { $0.fixedFee > 0 }
        if useFixed {
            for (e, c) in candidates.enumerated() { amortized[e] = Double(c.fixedFee) / Double(c.usable) }
        }
        func applyCosts() {
            for (e, arc) in lp.arcOf.enumerated() where arc >= 0 {
                lp.network.setCost(arc, Self.scaled(candidates[e].unitCost + amortized[e] + lossPrice[e], scale))
            }
        }
        applyCosts()

        // The empty plan is always a candidate: the optimizer never does worse than doing nothing.
        var best: (legs: [(route: Int, amount: Amount)], cost: PlanCostBreakdown, lp: LPResult?) = ([], costs.evaluate([]), nil)
        var previous: MinCostFlow.Solution?
        var solves = 0
        var rounds = 0

        /// Solves the current LP (warm from the last solution), reads a feasible plan from it,
        /// records it if it is the best so far, and folds what it learned into the LP. Returns
        /// whether the LP changed.
        func step() -> Bool {
            solves += 1
            lp.solution = lp.network.solve(supplies: lp.supplies, warmStart: previous)
            previous = lp.solution
            let solved = lp   // the LP exactly as solved, before this step adjusts it
            var sent = grossUp(lp)
            var changed = false
            // Fees make a venue send more than the LP budget it delivers: clamp this plan, and move
            // each binding budget by the gap between what the venue may send and what it sent.
            let over = overdraft(sent)
            var totalSent = [Amount](repeating: 0, count: costs.venueCount)
            for (e, amount) in sent.enumerated() where amount > 0 { totalSent[candidates[e].from] += amount }
            for v in 0..<over.count where lp.budgetArc[v] >= 0 {
                let arc = lp.budgetArc[v]
                let capacity = lp.network.arcs[arc].capacity
                let allowed = roles[v].supply
                var adjusted = capacity
                if over[v] > 0 {
                    adjusted = max(0, capacity - over[v])
                } else if lp.solution.flows[arc] == capacity && totalSent[v] < allowed {
                    adjusted = min(allowed, capacity + allowed - totalSent[v])
                }
                if adjusted != capacity {
                    lp.network.setCapacity(arc, adjusted)
                    changed = true
                }
            }
            if over.contains(where: { $0 > 0 }) { clamp(&sent, over) }
            // Below the minimum transfer: drop from this plan, fix the arc to zero for the next solve.
            for e in sent.indices where sent[e] > 0 && sent[e] < minimumTransfer {
                sent[e] = 0
                lp.network.setCapacity(lp.arcOf[e], 0)
                changed = true
            }
            let legs = sent.indices.filter { sent[$0] > 0 }.map { (route: candidates[$0].route, amount: sent[$0]) }
            let cost = costs.evaluate(legs)
            if cost.total < best.cost.total || best.lp == nil && cost.total <= best.cost.total {
                best = (legs, cost, solved)
            }
            return changed
        }

        while solves < max(1, options.maxSolves) {
            var changed = step()
            // Fees are capital lost on the way: delivering a unit along e takes r/(1−r) more units
            // at e's tail, priced at what a unit there is worth in this solve (its potential over
            // the super-source's: the shadow price of a binding budget plus the path cost to it).
            // With supply scarce this makes low-fee routes deliver more of it.
            let pi = lp.solution.potentials
            let origin = pi[lp.superSource]
            var tailPrice = [Double](repeating: 0, count: candidates.count)
            for (e, arc) in lp.arcOf.enumerated() where arc >= 0 {
                let tail = lp.network.arcs[arc].from
                tailPrice[e] = min(options.model.unmetPenalty, Double(max(0, pi[tail] - origin)) / scale)
                let rate = topology.routes[candidates[e].route].feeBps / 10_000
                let loss = rate / (1 - rate) * tailPrice[e]
                if abs(loss - lossPrice[e]) > 1e-12 { lossPrice[e] = loss; changed = true }
            }
            if useFixed && rounds < options.fixedFeeRounds {
                // Slope scaling: charge each used arc its fixed fee spread over the flow it carries,
                // the fee counted once as a cost and once as capital lost at the tail's price.
                for (e, arc) in lp.arcOf.enumerated() where arc >= 0 && lp.solution.flows[arc] > 0 {
                    let spread = Double(candidates[e].fixedFee) * (1 + tailPrice[e]) / Double(lp.solution.flows[arc])
                    if spread != amortized[e] { amortized[e] = spread; changed = true }
                }
                rounds += 1
            }
            if !changed { break }
            applyCosts()
            // New costs move the optimum far: a cold start is faster than repairing the old flow.
            previous = nil
        }

        // Local search on fixed fees: try closing the arcs of the best plan's transfers whose fixed fee
        // weighs most on their amount, one re-solve each, keeping a closure only if the plan improves.
        if useFixed {
            let trials = best.legs.filter { topology.routes[$0.route].fixedFee > 0 }.sorted {
                let (a, b) = (Double(topology.routes[$0.route].fixedFee) / Double($0.amount), Double(topology.routes[$1.route].fixedFee) / Double($1.amount))
                return a != b ? a > b : $0.route < $1.route
            }
            for leg in trials.prefix(options.dropTrials) where solves < options.maxSolves + options.dropTrials {
                guard let e = candidates.firstIndex(where: { $0.route == leg.route }), lp.arcOf[e] >= 0 else { continue }
                let saved = (lp.network, previous)
                let before = best.cost.total
                lp.network.setCapacity(lp.arcOf[e], 0)
                _ = step()
                if best.cost.total >= before {
                    (lp.network, previous) = saved
                }
            }
        }

        let lpCandidate = best.cost
        var baselineChosen = false
        if options.baselineFallback {
            // The greedy plan is one more candidate: kept only if it is strictly cheaper under the
            // same cost function and every transfer is one the LP could have made.
            let greedy = GreedyBaseline.legs(GreedyThresholdStrategy(minimumTransfer: minimumTransfer), index: costs)
            let admissible = greedy.allSatisfy { leg in
                let (from, to) = (costs.routeFrom[leg.route], costs.routeTo[leg.route])
                return roles[to].canReceive && roles[from].supply > 0
                    && topology.venues[from].asset == topology.venues[to].asset && leg.amount >= minimumTransfer
            }
            if admissible && !greedy.isEmpty {
                let cost = costs.evaluate(greedy)
                if cost.total < best.cost.total {
                    best.legs = greedy
                    best.cost = cost
                    baselineChosen = true
                }
            }
        }

        // Branch and bound on the fixed fees and the minimum transfer, from the best plan so far.
        var search = BranchAndBound(incumbent: (best.legs, best.cost), lp: best.lp)
        search.run(self, options: options, unmetCost: unmetCost)
        solves += search.solves
        if search.improved {
            best.legs = search.incumbent.legs
            best.cost = search.incumbent.cost
            best.lp = search.incumbentLP ?? best.lp
            baselineChosen = false
        }
        // The LP the plan reports (potentials, certificate): the root relaxation when it was solved.
        let chosen = search.rootLP ?? best.lp ?? lp

        // Canonical order, and the objective summed in that order so it equals planCost bit for bit.
        let legs = best.legs.sorted {
            let (a, b) = (topology.routes[$0.route], topology.routes[$1.route])
            return (a.from, a.to, $0.amount) < (b.from, b.to, $1.amount)
        }
        let transfers = legs.map { Transfer(from: topology.routes[$0.route].from, to: topology.routes[$0.route].to, amount: $0.amount) }
        let final = costs.evaluate(legs)
        var potentials: [VenueID: Double] = [:]
        let base = chosen.solution.potentials[chosen.superSource]
        for (v, venue) in topology.venues.enumerated() where chosen.nodeOfVenue[v] >= 0 {
            potentials[venue.id] = Double(chosen.solution.potentials[chosen.nodeOfVenue[v]] - base) / scale
        }
        let lowerBound = min(final.total, search.lowerBound)
        return OptimizedPlan(
            transfers: transfers, objective: final.total, potentials: potentials, unmet: final.unmet,
            lpCost: chosen.solution.cost / scale, lpPlanCost: lpCandidate.total, baselineChosen: baselineChosen, solves: solves,
            lowerBound: lowerBound, rootBound: min(final.total, search.rootBound), nodes: search.nodes,
            provenOptimal: final.total - lowerBound <= TransferOptimizer.tolerance(final.total),
            network: chosen.network, supplies: chosen.supplies, solution: chosen.solution
        )
    }

    /// Makes a plan respect every venue's send limit: cuts the transfers of an overdrawn venue,
    /// those into venues that forward nothing first, then the largest.
    func clamp(_ sent: inout [Amount], _ over: [Amount]) {
        var excess = over
        var forwards = [Bool](repeating: false, count: costs.venueCount)
        for (e, amount) in sent.enumerated() where amount > 0 { forwards[candidates[e].from] = true }
        let order = sent.indices.filter { sent[$0] > 0 }.sorted {
            let (a, b) = (forwards[candidates[$0].to], forwards[candidates[$1].to])
            return a != b ? !a : (sent[$0], $1) > (sent[$1], $0)
        }
        for e in order {
            let v = candidates[e].from
            guard excess[v] > 0 else { continue }
            let cut = min(excess[v], sent[e])
            sent[e] -= cut
            excess[v] -= cut
        }
    }
}
