/// Branch and bound over the min-cost-flow relaxation: solves fixed fees and the minimum transfer
/// exactly, within a work budget; see docs/optimizer.md §5.
///
/// Each node fixes some routes closed (capacity 0) and some open (the fixed fee paid, at least the
/// minimum transfer's delivery forced through as a lower bound). Its relaxation is the network of
/// `buildNetwork` with those changes: free routes cost `unitCost + fixedFee / usable` per delivered
/// unit, the convex envelope of the fixed charge, so its optimum is a lower bound on every valid
/// plan in the node. Fee loss (a budget caps what is *sent*, the network counts what is
/// *delivered*) is priced in by Lagrangian budget prices `μ_u ≥ 0` (`BudgetPrices`), refined at the
/// leaves. Every node's flow is also read as a plan (grossed up, repaired) for the incumbent. Nodes
/// are taken best bound first (ties: creation order), each warm-started from its parent's
/// solution; a node whose bound is within the tolerance of the incumbent is pruned.
struct BranchAndBound {
    /// The best plan so far.
    var incumbent: (legs: [(route: Int, amount: Amount)], cost: PlanCostBreakdown)
    /// The linear program the incumbent was read from, when the search found it.
    var incumbentLP: OptimizerInstance.LPResult?
    /// True when the search found a plan cheaper than the one it started from.
    var improved = false
    /// Proven lower bound on every valid plan's cost.
    var lowerBound = -Double.infinity
    /// The root relaxation's bound.
    var rootBound = -Double.infinity
    /// The root relaxation as solved (costs `c_e + F_e / N_e`, nothing fixed): its potentials are
    /// the marginal prices the plan reports, its certificate proves `rootBound`.
    var rootLP: OptimizerInstance.LPResult?
    /// Linear programs solved.
    var solves = 0
    /// Nodes solved.
    var nodes = 0
    /// Work spent, in Dijkstra phases: each solve counts its phases plus two (building the residual
    /// network, reading the flow as a plan).
    var work = 0

    /// One open node: routes fixed closed or open, the bound of its parent and the budget prices
    /// its relaxation is solved with.
    struct Node {
        var bound: Double
        var id: Int
        var closed: [Int]
        var opened: [Int]
        var warm: MinCostFlow.Solution?
        /// Lagrangian price per venue of its true budget (empty: all zero).
        var prices: [Double] = []
        /// Times this node's budget prices were refined (a leaf re-solved with better prices).
        var refinements = 0
    }

    /// A node's relaxation as solved: the LP, the delivered flow per candidate (forced deliveries
    /// included) and the node's proven bound.
    struct Relaxation {
        var lp: OptimizerInstance.LPResult
        var flows: [Amount]
        var forced: [Amount]
        var bound: Double
    }

    /// What every node shares: the base network, the routes' scaled unit costs and fee-loss weights,
    /// each venue's rounding slack, and the budgets.
    struct Setup {
        let base: OptimizerInstance.LPResult
        let scale: Double
        /// `round(c_e · scale)` per candidate.
        let unitScaled: [Int64]
        /// `1 / (1 − ρ_e)` per candidate: what sending one delivered unit takes from the tail's budget.
        let weight: [Double]
        /// Per venue: its supply plus the fee rounding its transfers may gain (half a cent per
        /// candidate route, weighted): the right-hand side of its true budget.
        let budget: [Double]
        let workBudget: Double
        let nodeLimit: Int
        /// P, the unmet-demand penalty per unit.
        let penalty: Double
        /// Whether budget prices are refined (at most `pricedVenueLimit` venues).
        let priced: Bool
        /// Whether a plan's repair also raises a cut budget (at most `raisingVenueLimit` venues).
        let raises: Bool
    }

    init(incumbent: (legs: [(route: Int, amount: Amount)], cost: PlanCostBreakdown), lp: OptimizerInstance.LPResult?) {
        self.incumbent = incumbent
        incumbentLP = lp
    }

    /// The least work a search with a positive `searchEffort` may spend, in phases × (nodes +
    /// residual edges): on small networks, where the root takes few phases, this buys a search to
    /// completion in practice (a few milliseconds at most); from about 100 venues the effort budget
    /// is larger.
    static let minimumWorkVolume = 40_000

    /// Budget-price refinements per leaf (each one warm re-solve).
    static let maxRefinements = 4

    /// The most venues a search refines budget prices for and repairs plans `repairRounds` times;
    /// larger networks search unpriced with `largeRepairRounds` (the work budget goes further).
    static let pricedVenueLimit = 32

    /// Re-solves of a node's flow read as a plan on networks above `pricedVenueLimit` venues.
    static let largeRepairRounds = 2

    /// The most venues whose plan repair raises a cut budget as well as cutting it. Measured with
    /// `bench optimizer --family realistic`: raising finds a better incumbent early at 100 venues
    /// (median 0.67 against 1.1 ms) but costs more re-solves than it saves from 1,000 (18 against
    /// 9.5 ms; 430 against 67 ms at 5,000).
    static let raisingVenueLimit = 500

    /// How far each budget price is set under its minimiser (cost per unit; see `refinedPrices`).
    static let priceMargin = 1e-8

    /// Searches from the root relaxation (warm-started from `rootWarmStart`, the heuristic's first
    /// solve of the same network, when given) until the open nodes are within the tolerance of the
    /// incumbent or a budget ends: `options.nodeLimit` nodes, `options.searchEffort × workScale`
    /// work (`workScale`: the phases of the cold root solve, plus one; on small networks at least
    /// `minimumWorkVolume` residual edges and nodes' worth of phases) or `options.deadline`.
    mutating func run(_ instance: OptimizerInstance, options: TransferOptimizer, unmetCost: Int64, rootWarmStart: MinCostFlow.Solution? = nil, workScale: Int = 1) {
        let setup = Self.setup(instance, options: options, unmetCost: unmetCost, workScale: workScale)
        var open: [Node] = [Node(bound: -.infinity, id: 0, closed: [], opened: [], warm: rootWarmStart)]
        var nextID = 1
        // Bounds of nodes that cannot be branched further but were not pruned: they stay part of
        // the global bound.
        var leaves: [Double] = []
        while let node = nextNode(&open, setup: setup, options: options) {
            guard let relaxation = solve(node, instance, setup) else { continue }
            if node.id == 0 { rootBound = relaxation.bound; rootLP = relaxation.lp }
            // Every valid plan of this node costs at least the bound: pruned before it is read.
            if prunable(relaxation.bound) { continue }
            readPlans(relaxation, instance, setup)
            if prunable(relaxation.bound) { continue }
            let branch = branchingRoute(relaxation.flows, node: node, candidates: instance.candidates)
            // Fee loss left open: the node is solved again with better budget prices before it is
            // branched on (once, when it has none yet: the root, whose children inherit them) or
            // given up as a leaf (up to `maxRefinements` times).
            // Only on small networks (`pricedVenueLimit`): on large ones a refinement's re-solves
            // cost more than the bound they tighten is worth within the work budget.
            let refine = setup.priced && (branch < 0 ? node.refinements < Self.maxRefinements : node.prices.isEmpty)
            if refine, let prices = refinedPrices(node, relaxation, instance, setup) {
                var again = node
                again.id = nextID; again.bound = relaxation.bound; again.warm = relaxation.lp.solution
                again.prices = prices; again.refinements += 1
                open.append(again)
                nextID += 1
            } else if branch >= 0 {
                var closed = node, opened = node
                closed.id = nextID; opened.id = nextID + 1
                closed.bound = relaxation.bound; opened.bound = relaxation.bound
                closed.warm = relaxation.lp.solution; opened.warm = relaxation.lp.solution
                closed.closed.append(branch); opened.opened.append(branch)
                open.append(closed); open.append(opened)
                nextID += 2
            } else {
                leaves.append(relaxation.bound)
            }
        }
        finish(open: open, leaves: leaves)
    }

    /// The shared data of a search.
    static func setup(_ instance: OptimizerInstance, options: TransferOptimizer, unmetCost: Int64, workScale: Int) -> Setup {
        let base = instance.buildNetwork(scale: options.costScale, unmetCost: unmetCost)
        let size = Double(base.network.nodeCount + 2 * base.network.arcs.count)
        let workBudget = options.searchEffort > 0
            ? max(options.searchEffort * Double(max(1, workScale)), Double(Self.minimumWorkVolume) / max(1, size)) : 0
        let candidates = instance.candidates
        let weight = candidates.map { 1 / (1 - $0.feeRate) }
        var budget = instance.roles.map { Double($0.supply) }
        for (e, c) in candidates.enumerated() { budget[c.from] += 0.5 * weight[e] }
        return Setup(
            base: base, scale: options.costScale, unitScaled: candidates.map { OptimizerInstance.scaled($0.unitCost, options.costScale) },
            weight: weight, budget: budget, workBudget: workBudget, nodeLimit: options.nodeLimit,
            penalty: options.model.unmetPenalty, priced: instance.roles.count <= Self.pricedVenueLimit,
            raises: instance.roles.count <= Self.raisingVenueLimit
        )
    }

    /// True when a bound is within the tolerance of the incumbent.
    func prunable(_ bound: Double) -> Bool { bound >= incumbent.cost.total - TransferOptimizer.tolerance(incumbent.cost.total) }

    /// The next node to solve, best bound first (ties: creation order), removed from `open`; nil when
    /// every open node is within the tolerance of the incumbent (then `open` is emptied) or a budget
    /// has ended (then `open` keeps the nodes left). The root is always solved, so the plan has a bound.
    mutating func nextNode(_ open: inout [Node], setup: Setup, options: TransferOptimizer) -> Node? {
        guard !open.isEmpty else { return nil }
        var pick = 0
        for i in open.indices.dropFirst() where (open[i].bound, open[i].id) < (open[pick].bound, open[pick].id) { pick = i }
        if prunable(open[pick].bound) {
            open.removeAll()
            return nil
        }
        if nodes >= setup.nodeLimit || (nodes > 0 && Double(work) >= setup.workBudget) || options.deadline?() == true { return nil }
        nodes += 1
        return open.remove(at: pick)
    }

    /// Solves a node's relaxation, warm-started from its parent's solution; nil when it is
    /// infeasible (the forced deliveries overfund a venue). Its bound: LP cost + Σ open `F_e (1 + μ w_e)`
    /// + forced deliveries' cost − Σ μ_u budget_u, less the rounding the relaxation cannot see
    /// (integer arc costs: one cost unit per delivered unit; each used route's fee rounded to the
    /// cent), and at least the parent's.
    mutating func solve(_ node: Node, _ instance: OptimizerInstance, _ setup: Setup) -> Relaxation? {
        let candidates = instance.candidates
        var lp = setup.base
        var forced = [Amount](repeating: 0, count: candidates.count)
        var constant = 0.0
        let priced = !node.prices.isEmpty
        if priced {
            for (e, arc) in lp.arcOf.enumerated() where arc >= 0 {
                let c = candidates[e]
                let price = node.prices[c.from] * setup.weight[e]
                let amortized = Double(c.fixedFee) / Double(c.usable)
                lp.network.setCost(arc, OptimizerInstance.scaled(c.unitCost + amortized + price * (1 + amortized), setup.scale))
            }
            for (u, price) in node.prices.enumerated() where price > 0 { constant -= price * setup.budget[u] }
        }
        for e in node.closed where lp.arcOf[e] >= 0 { lp.network.setCapacity(lp.arcOf[e], 0) }
        for e in node.opened where lp.arcOf[e] >= 0 {
            let c = candidates[e]
            let arc = lp.arcOf[e]
            let least = c.minDelivered
            let price = priced ? node.prices[c.from] * setup.weight[e] : 0
            let cost = priced ? OptimizerInstance.scaled(c.unitCost + price, setup.scale) : setup.unitScaled[e]
            forced[e] = least
            lp.network.setCapacity(arc, c.usable - least)
            lp.network.setCost(arc, cost)
            lp.supplies[lp.network.arcs[arc].from] -= least
            lp.supplies[lp.network.arcs[arc].to] += least
            constant += Double(least) * Double(cost) / setup.scale + Double(c.fixedFee) * (1 + price)
        }
        lp.solution = lp.network.solve(supplies: lp.supplies, warmStart: node.warm)
        solves += 1
        work += lp.solution.phases + 2
        guard lp.solution.feasible else { return nil }
        let flows = instance.delivered(lp, extra: forced)
        var deliveredTotal = 0.0
        var used = 0.0
        for x in flows where x > 0 { deliveredTotal += Double(x); used += 1 }
        let bound = lp.solution.cost / setup.scale + constant - deliveredTotal / setup.scale - used
        return Relaxation(lp: lp, flows: flows, forced: forced, bound: max(node.bound, bound))
    }

    /// Reads a node's flow as a plan for the incumbent. When fees make a venue send more than it
    /// may, its delivered budget is cut by the overdraft, and when a cut budget leaves some of what
    /// it may send unspent, raised by the rest; the node is re-solved (warm) and read again, at most
    /// `repairRounds` times (a heuristic: the bound stands).
    mutating func readPlans(_ relaxation: Relaxation, _ instance: OptimizerInstance, _ setup: Setup) {
        var repair = relaxation.lp
        var flows = relaxation.flows
        let rounds = setup.priced ? Self.repairRounds : Self.largeRepairRounds
        for round in 0...rounds {
            let sent = instance.grossUp(delivered: flows)
            let legs = instance.repaired(sent)
            let cost = instance.costs.evaluate(legs)
            if cost.total < incumbent.cost.total {
                incumbent = (legs, cost)
                incumbentLP = repair
                improved = true
            }
            guard round < rounds, Self.repairBudgets(&repair, sent: sent, instance, raise: setup.raises) else { break }
            repair.solution = repair.network.solve(supplies: repair.supplies, warmStart: repair.solution)
            solves += 1
            work += repair.solution.phases + 2
            guard repair.solution.feasible else { break }
            flows = instance.delivered(repair, extra: relaxation.forced)
        }
    }

    /// Re-solves of a node's flow read as a plan (`readPlans`).
    static let repairRounds = 3

    /// Moves each venue's delivered budget by what its sent amounts overdraw (down) or, once it was
    /// cut, leave unspent while the budget binds (up). Returns whether
    /// a budget moved.
    static func repairBudgets(_ lp: inout OptimizerInstance.LPResult, sent: [Amount], _ instance: OptimizerInstance, raise: Bool = true) -> Bool {
        var total = [Amount](repeating: 0, count: instance.roles.count)
        for (e, amount) in sent.enumerated() where amount > 0 { total[instance.candidates[e].from] += amount }
        var changed = false
        for v in total.indices where lp.budgetArc[v] >= 0 {
            let arc = lp.budgetArc[v]
            let capacity = lp.network.arcs[arc].capacity
            let supply = instance.roles[v].supply
            var adjusted = capacity
            if total[v] > supply {
                adjusted = max(0, capacity - (total[v] - supply))
            } else if raise, lp.solution.flows[arc] == capacity, total[v] < supply {
                adjusted = capacity + supply - total[v]
            }
            if adjusted != capacity {
                lp.network.setCapacity(arc, adjusted)
                changed = true
            }
        }
        return changed
    }

    /// The route whose relaxation is furthest from a valid transfer (a fixed fee only partly
    /// charged, or a delivery below the minimum transfer's), or −1 when there is none (a leaf).
    func branchingRoute(_ flows: [Amount], node: Node, candidates: [CandidateRoute]) -> Int {
        var branch = -1
        var worst = 0.0
        let isOpen = Set(node.opened)
        for (e, x) in flows.enumerated() where x > 0 && !isOpen.contains(e) {
            let c = candidates[e]
            var violation = Double(c.fixedFee) * (1 - Double(x) / Double(c.usable))
            if x < c.minDelivered { violation += Double(c.minDelivered - x) * c.unitCost + 1e-9 * Double(c.minDelivered - x) }
            if violation > worst { worst = violation; branch = e }
        }
        return branch
    }

    /// Better budget prices for a leaf, or nil when they would not change. With `p_v` the marginal
    /// value of a unit delivered to `v` in this solve (its potential, at most `P`), the dual of the
    /// leaf's true linear program (fee loss included) is feasible for any `μ_u ≥ 0` with
    /// `β_e = max(0, p_v − c_e − μ_u w_e)` on each route `e = (u → v)`, and costs
    /// `μ_u · budget_u + Σ_e β_e N_e` at `u`: each `μ_u` is set to the minimiser of that convex
    /// piecewise-linear function (its breakpoints are `(p_v − c_e) / w_e`). Any `μ ≥ 0` gives a valid
    /// bound (weak duality); these give the best one for the values `p` of this solve.
    func refinedPrices(_ node: Node, _ relaxation: Relaxation, _ instance: OptimizerInstance, _ setup: Setup) -> [Double]? {
        let lp = relaxation.lp
        let candidates = instance.candidates
        let count = instance.roles.count
        let old = node.prices.isEmpty ? [Double](repeating: 0, count: count) : node.prices
        let isOpen = Set(node.opened)
        let origin = lp.solution.potentials[lp.superSource]
        // Per venue: its routes' (value − cost, weight, capacity), and its budget less the open routes' fixed use.
        var routes = [[(gain: Double, weight: Double, capacity: Double)]](repeating: [], count: count)
        var budget = setup.budget
        for (e, arc) in lp.arcOf.enumerated() where arc >= 0 {
            let c = candidates[e]
            let capacity = Double(lp.network.arcs[arc].capacity)
            let value = min(setup.penalty, Double(lp.solution.potentials[lp.network.arcs[arc].to] - origin) / setup.scale)
            if isOpen.contains(e) {
                budget[c.from] -= setup.weight[e] * Double(c.minDelivered + c.fixedFee)
                if capacity > 0 { routes[c.from].append((value - c.unitCost, setup.weight[e], capacity)) }
            } else if capacity > 0 {
                let amortized = Double(c.fixedFee) / Double(c.usable)
                routes[c.from].append((value - c.unitCost - amortized, setup.weight[e] * (1 + amortized), capacity))
            }
        }
        var prices = old
        var changed = false
        for u in 0..<count where !routes[u].isEmpty {
            func dual(_ mu: Double) -> Double {
                var total = mu * budget[u]
                for r in routes[u] { total += r.capacity * max(0, r.gain - mu * r.weight) }
                return total
            }
            var best = 0.0
            var bestValue = dual(0)
            for r in routes[u] where r.gain > 0 {
                let mu = r.gain / r.weight
                let value = dual(mu)
                if value < bestValue - 1e-9 * abs(bestValue) || (value <= bestValue && mu < best) { best = mu; bestValue = value }
            }
            // A hair under the minimiser: delivering on the marginal route stays strictly cheaper than
            // leaving demand unmet, so the flow read as a plan spends the budget (the bound moves by
            // about a cent).
            best = max(0, best - Self.priceMargin)
            if abs(best - old[u]) > 1e-9 * max(1, best) { changed = true }
            prices[u] = best
        }
        return changed ? prices : nil
    }

    /// The lower bound once the search ends: the least bound of the nodes left open and of the
    /// leaves that were not within the tolerance of the incumbent.
    mutating func finish(open: [Node], leaves: [Double]) {
        let tolerance = TransferOptimizer.tolerance(incumbent.cost.total)
        var bound = incumbent.cost.total
        for node in open { bound = min(bound, node.bound) }
        for leaf in leaves where leaf < incumbent.cost.total - tolerance { bound = min(bound, leaf) }
        lowerBound = bound
    }
}
