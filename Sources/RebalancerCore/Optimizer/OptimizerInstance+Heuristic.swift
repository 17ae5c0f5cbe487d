extension OptimizerInstance {
    /// The plan: heuristic passes (§4), the greedy fallback, branch and bound (§5), in that order.
    func optimize(_ options: TransferOptimizer) -> OptimizedPlan {
        var search = HeuristicSearch(self, options: options)
        search.mainLoop()
        search.fixedFeeLocalSearch()
        let lpPlanCost = search.best.cost.total
        search.greedyFallback()
        search.branchAndBound()
        search.exactSearch()
        return search.plan(lpPlanCost: lpPlanCost)
    }
}

/// The state of one `optimize`: the LP the heuristic passes adjust, their prices, and the best plan
/// so far. Each phase of docs/optimizer.md §4–§5 is one method.
struct HeuristicSearch {
    typealias Legs = [(route: Int, amount: Amount)]

    let instance: OptimizerInstance
    let options: TransferOptimizer
    let scale: Double
    let unmetCost: Int64
    /// Whether fixed fees are priced (slope scaling, local search).
    let useFixed: Bool
    var lp: OptimizerInstance.LPResult
    /// Per candidate: fixed-fee amortisation φ_e and fee-loss price ψ_e (per delivered unit).
    var amortized: [Double]
    var lossPrice: [Double]
    /// The best plan so far (initially the empty plan: never worse than doing nothing).
    var best: (legs: Legs, cost: PlanCostBreakdown, lp: OptimizerInstance.LPResult?)
    /// The last solution, the next solve's warm start (nil: cold).
    var previous: MinCostFlow.Solution?
    /// The first solve, when its costs are the root relaxation's (`c_e + F_e / N_e`): branch and
    /// bound's root starts from it.
    var rootSolution: MinCostFlow.Solution?
    var solves = 0
    /// Dijkstra phases of the first (cold) solve: the unit of branch and bound's work budget.
    var firstPhases = 0
    var rounds = 0
    var baselineChosen = false
    var search: BranchAndBound?

    init(_ instance: OptimizerInstance, options: TransferOptimizer) {
        self.instance = instance
        self.options = options
        scale = options.costScale
        unmetCost = Int64((options.model.unmetPenalty * options.costScale).rounded())
        let candidates = instance.candidates
        lp = instance.buildNetwork(scale: scale, unmetCost: unmetCost)
        amortized = [Double](repeating: 0, count: candidates.count)
        lossPrice = [Double](repeating: 0, count: candidates.count)
        useFixed = options.fixedFeeRounds > 0 && candidates.contains { $0.fixedFee > 0 }
        if useFixed {
            for (e, c) in candidates.enumerated() { amortized[e] = Double(c.fixedFee) / Double(c.usable) }
        }
        best = ([], instance.costs.evaluate([]), nil)
        applyCosts()
    }

    /// Sets every route arc's cost to `c_e + φ_e + ψ_e`.
    mutating func applyCosts() {
        for (e, arc) in lp.arcOf.enumerated() where arc >= 0 {
            lp.network.setCost(arc, OptimizerInstance.scaled(instance.candidates[e].unitCost + amortized[e] + lossPrice[e], scale))
        }
    }

    /// Solves, re-prices and re-solves until nothing changes or `maxSolves` solves.
    mutating func mainLoop() {
        let rootCosts = useFixed || !instance.candidates.contains { $0.fixedFee > 0 }
        while solves < max(1, options.maxSolves) {
            var changed = step()
            if solves == 1 {
                firstPhases = lp.solution.phases
                if rootCosts { rootSolution = previous }
            }
            changed = reprice() || changed
            if !changed { break }
            applyCosts()
            // New costs move the optimum far: a cold start is faster than repairing the old flow.
            previous = nil
        }
    }

    /// Solves the current LP (warm from the last solution), reads a feasible plan from it, records
    /// it if it is the best so far, and folds what it learned into the LP (budget repair, arcs
    /// below the minimum closed). Returns whether the LP changed.
    mutating func step() -> Bool {
        solves += 1
        lp.solution = lp.network.solve(supplies: lp.supplies, warmStart: previous)
        previous = lp.solution
        let solved = lp   // the LP exactly as solved, before this step adjusts it
        var sent = instance.grossUp(lp)
        let over = instance.overdraft(sent)
        var changed = repairBudgets(sent: sent, over: over)
        if over.contains(where: { $0 > 0 }) { instance.clamp(&sent, over) }
        // Below the minimum transfer: drop from this plan, fix the arc to zero for the next solve.
        for e in sent.indices where sent[e] > 0 && sent[e] < instance.minimumTransfer {
            sent[e] = 0
            lp.network.setCapacity(lp.arcOf[e], 0)
            changed = true
        }
        let legs = sent.indices.filter { sent[$0] > 0 }.map { (route: instance.candidates[$0].route, amount: sent[$0]) }
        let cost = instance.costs.evaluate(legs)
        if cost.total < best.cost.total || best.lp == nil && cost.total <= best.cost.total {
            best = (legs, cost, solved)
        }
        return changed
    }

    /// Fees make a venue send more than the LP budget it delivers: each binding budget moves by
    /// the gap between what the venue may send and what it sent. Returns whether a budget moved.
    mutating func repairBudgets(sent: [Amount], over: [Amount]) -> Bool {
        var changed = false
        var totalSent = [Amount](repeating: 0, count: instance.costs.venueCount)
        for (e, amount) in sent.enumerated() where amount > 0 { totalSent[instance.candidates[e].from] += amount }
        for v in 0..<over.count where lp.budgetArc[v] >= 0 {
            let arc = lp.budgetArc[v]
            let capacity = lp.network.arcs[arc].capacity
            let allowed = instance.roles[v].supply
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
        return changed
    }

    /// Fee-loss prices and fixed-fee slope scaling from the last solve's potentials. Returns
    /// whether a price changed.
    mutating func reprice() -> Bool {
        var changed = false
        let candidates = instance.candidates
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
            let rate = candidates[e].feeRate
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
        return changed
    }

    /// Local search on fixed fees: try closing the arcs of the best plan's transfers whose fixed fee
    /// weighs most on their amount, one re-solve each, keeping a closure only if the plan improves.
    mutating func fixedFeeLocalSearch() {
        guard useFixed else { return }
        let routes = instance.topology.routes
        let trials = best.legs.filter { routes[$0.route].fixedFee > 0 }.sorted {
            let (a, b) = (Double(routes[$0.route].fixedFee) / Double($0.amount), Double(routes[$1.route].fixedFee) / Double($1.amount))
            return a != b ? a > b : $0.route < $1.route
        }
        for leg in trials.prefix(options.dropTrials) where solves < options.maxSolves + options.dropTrials {
            guard let e = instance.candidates.firstIndex(where: { $0.route == leg.route }), lp.arcOf[e] >= 0 else { continue }
            let saved = (lp.network, previous)
            let before = best.cost.total
            lp.network.setCapacity(lp.arcOf[e], 0)
            _ = step()
            if best.cost.total >= before {
                (lp.network, previous) = saved
            }
        }
    }

    /// The greedy plan is one more candidate: kept only if it is strictly cheaper under the same
    /// cost function and every transfer is one the LP could have made.
    mutating func greedyFallback() {
        guard options.baselineFallback else { return }
        let costs = instance.costs
        let roles = instance.roles
        let venues = instance.topology.venues
        let greedy = GreedyBaseline.legs(GreedyThresholdStrategy(minimumTransfer: instance.minimumTransfer), index: costs)
        let admissible = greedy.allSatisfy { leg in
            let (from, to) = (costs.routeFrom[leg.route], costs.routeTo[leg.route])
            return roles[to].canReceive && roles[from].supply > 0
                && venues[from].asset == venues[to].asset && leg.amount >= instance.minimumTransfer
        }
        guard admissible && !greedy.isEmpty else { return }
        let cost = costs.evaluate(greedy)
        if cost.total < best.cost.total {
            best.legs = greedy
            best.cost = cost
            baselineChosen = true
        }
    }

    /// Branch and bound on the fixed fees and the minimum transfer, from the best plan so far.
    mutating func branchAndBound() {
        var search = BranchAndBound(incumbent: (best.legs, best.cost), lp: best.lp)
        search.run(instance, options: options, unmetCost: unmetCost, rootWarmStart: rootSolution, workScale: (rootSolution?.phases ?? firstPhases) + 1)
        solves += search.solves
        if search.improved {
            best.legs = search.incumbent.legs
            best.cost = search.incumbent.cost
            best.lp = search.incumbentLP ?? best.lp
            baselineChosen = false
        }
        self.search = search
    }

    /// On a small network whose plan the search left short of proven optimal, the exact search
    /// (`ExactSearch`, every node's lossy linear program solved by the simplex) from the best plan so
    /// far; its bound joins the one already proven.
    mutating func exactSearch() {
        guard options.nodeLimit > 0, options.searchEffort > 0, ExactSearch.applies(instance), var search else { return }
        guard best.cost.total - search.lowerBound > TransferOptimizer.tolerance(best.cost.total) else { return }
        var exact = ExactSearch(incumbent: (best.legs, best.cost))
        exact.run(instance, options: options)
        solves += exact.nodes
        search.nodes += exact.nodes
        if exact.improved {
            best.legs = exact.incumbent.legs
            best.cost = exact.incumbent.cost
            baselineChosen = false
        }
        search.lowerBound = max(search.lowerBound, exact.lowerBound)
        self.search = search
    }

    /// The plan in canonical order, its objective summed in that order (so it equals planCost bit
    /// for bit), the reported LP's potentials, and the bounds.
    func plan(lpPlanCost: Double) -> OptimizedPlan {
        let topology = instance.topology
        // The LP the plan reports (potentials, certificate): the root relaxation when it was solved.
        let chosen = search?.rootLP ?? best.lp ?? lp
        let legs = best.legs.sorted {
            let (a, b) = (topology.routes[$0.route], topology.routes[$1.route])
            return (a.from, a.to, $0.amount) < (b.from, b.to, $1.amount)
        }
        let transfers = legs.map { Transfer(from: topology.routes[$0.route].from, to: topology.routes[$0.route].to, amount: $0.amount) }
        let final = instance.costs.evaluate(legs)
        var potentials: [VenueID: Double] = [:]
        let base = chosen.solution.potentials[chosen.superSource]
        for (v, venue) in topology.venues.enumerated() where chosen.nodeOfVenue[v] >= 0 {
            potentials[venue.id] = Double(chosen.solution.potentials[chosen.nodeOfVenue[v]] - base) / scale
        }
        let lowerBound = min(final.total, search?.lowerBound ?? -.infinity)
        return OptimizedPlan(
            transfers: transfers, objective: final.total, potentials: potentials, unmet: final.unmet,
            lpCost: chosen.solution.cost / scale, lpPlanCost: lpPlanCost, baselineChosen: baselineChosen, solves: solves,
            lowerBound: lowerBound, rootBound: min(final.total, search?.rootBound ?? -.infinity), nodes: search?.nodes ?? 0,
            provenOptimal: final.total - lowerBound <= TransferOptimizer.tolerance(final.total),
            network: chosen.network, supplies: chosen.supplies, solution: chosen.solution
        )
    }
}
