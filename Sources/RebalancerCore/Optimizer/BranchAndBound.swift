/// Branch and bound over the min-cost-flow relaxation: solves fixed fees and the minimum transfer
/// exactly, within a node budget; see docs/optimizer.md §5.
///
/// Each node fixes some routes closed (capacity 0) and some open (the fixed fee paid, at least the
/// minimum transfer's delivery forced through as a lower bound). Its relaxation is the network of
/// `buildNetwork` with those changes: free routes cost `unitCost + fixedFee / usable` per delivered
/// unit, the convex envelope of the fixed charge, so its optimum is a lower bound on every valid
/// plan in the node (fee loss on the way is relaxed too: a source's budget caps what is delivered,
/// not what is sent). Every node's flow is also read as a plan (grossed up, repaired) for the
/// incumbent. Nodes are taken best bound first (ties: creation order), each warm-started from its
/// parent's solution; a node whose bound is within the tolerance of the incumbent is pruned.
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

    /// One open node: routes fixed closed or open, and the bound of its parent.
    struct Node {
        var bound: Double
        var id: Int
        var closed: [Int]
        var opened: [Int]
        var warm: MinCostFlow.Solution?
    }

    init(incumbent: (legs: [(route: Int, amount: Amount)], cost: PlanCostBreakdown), lp: OptimizerInstance.LPResult?) {
        self.incumbent = incumbent
        incumbentLP = lp
    }

    /// The least work a search with a positive `searchEffort` may spend, in phases × (nodes +
    /// residual edges): on small networks, where the root takes few phases, this still buys tens of
    /// nodes (well under a tenth of a millisecond); from about 100 venues the effort budget is larger.
    static let minimumWorkVolume = 6_000

    /// Work spent, in Dijkstra phases: each solve counts its phases plus two (building the residual
    /// network, reading the flow as a plan).
    var work = 0

    /// Searches from the root relaxation (warm-started from `rootWarmStart`, the heuristic's first
    /// solve of the same network, when given) until the open nodes are within the tolerance of the
    /// incumbent or a budget ends: `options.nodeLimit` nodes, `options.searchEffort × workScale`
    /// work (`workScale`: the phases of the cold root solve, plus one; on small networks at least
    /// `minimumWorkVolume` residual edges and nodes' worth of phases) or `options.deadline`.
    mutating func run(_ instance: OptimizerInstance, options: TransferOptimizer, unmetCost: Int64, rootWarmStart: MinCostFlow.Solution? = nil, workScale: Int = 1) {
        let base = instance.buildNetwork(scale: options.costScale, unmetCost: unmetCost)
        let size = Double(base.network.nodeCount + 2 * base.network.arcs.count)
        let workBudget = options.searchEffort > 0
            ? max(options.searchEffort * Double(max(1, workScale)), Double(Self.minimumWorkVolume) / max(1, size)) : 0
        let scale = options.costScale
        let candidates = instance.candidates
        var open: [Node] = [Node(bound: -.infinity, id: 0, closed: [], opened: [], warm: rootWarmStart)]
        var nextID = 1
        // Bounds of nodes that cannot be branched further but were not pruned (their relaxation
        // leaves fee loss open): they stay part of the global bound.
        var leaves: [Double] = []
        let unitScaled = candidates.map { OptimizerInstance.scaled($0.unitCost, scale) }

        while !open.isEmpty {
            let tolerance = TransferOptimizer.tolerance(incumbent.cost.total)
            var pick = 0
            for i in open.indices.dropFirst() where (open[i].bound, open[i].id) < (open[pick].bound, open[pick].id) { pick = i }
            if open[pick].bound >= incumbent.cost.total - tolerance {
                // Best-first: every open node is within the tolerance of the incumbent.
                open.removeAll()
                break
            }
            // The root is always solved (it is warm-started: nearly free) so the plan has a bound.
            if nodes >= options.nodeLimit || (nodes > 0 && Double(work) >= workBudget) || options.deadline?() == true { break }
            let node = open.remove(at: pick)
            nodes += 1

            var lp = base
            var forced = [Amount](repeating: 0, count: candidates.count)
            var constant = 0.0
            for e in node.closed where lp.arcOf[e] >= 0 { lp.network.setCapacity(lp.arcOf[e], 0) }
            for e in node.opened where lp.arcOf[e] >= 0 {
                let c = candidates[e]
                let arc = lp.arcOf[e]
                let least = c.minDelivered
                forced[e] = least
                lp.network.setCapacity(arc, c.usable - least)
                lp.network.setCost(arc, unitScaled[e])
                lp.supplies[lp.network.arcs[arc].from] -= least
                lp.supplies[lp.network.arcs[arc].to] += least
                constant += Double(least) * Double(unitScaled[e]) / scale + Double(c.fixedFee)
            }
            lp.solution = lp.network.solve(supplies: lp.supplies, warmStart: node.warm)
            solves += 1
            work += lp.solution.phases + 2
            guard lp.solution.feasible else { continue }   // the forced deliveries overfund a venue

            // The bound, less the rounding the relaxation cannot see: integer arc costs (at most
            // one cost unit per delivered unit) and each transfer's fee rounded to the cent.
            let flows = instance.delivered(lp, extra: forced)
            var deliveredTotal = 0.0
            var used = 0.0
            for x in flows where x > 0 { deliveredTotal += Double(x); used += 1 }
            let bound = lp.solution.cost / scale + constant - deliveredTotal / scale - used
            if node.id == 0 { rootBound = bound; rootLP = lp }
            // Every valid plan of this node costs at least the bound: pruned before it is read.
            if bound >= incumbent.cost.total - TransferOptimizer.tolerance(incumbent.cost.total) { continue }

            // The node's flow as a plan; when fees overdraw a budget, the budget is cut by the
            // overdraft and the node re-solved (a heuristic: the bound above stands).
            var repair = lp
            var repairFlows = flows
            for round in 0..<3 {
                let sent = instance.grossUp(delivered: repairFlows)
                let legs = instance.repaired(sent)
                let cost = instance.costs.evaluate(legs)
                if cost.total < incumbent.cost.total {
                    incumbent = (legs, cost)
                    incumbentLP = repair
                    improved = true
                }
                let over = instance.overdraft(sent)
                guard round < 2, over.contains(where: { $0 > 0 }) else { break }
                for v in over.indices where over[v] > 0 && repair.budgetArc[v] >= 0 {
                    let arc = repair.budgetArc[v]
                    repair.network.setCapacity(arc, max(0, repair.network.arcs[arc].capacity - over[v]))
                }
                repair.solution = repair.network.solve(supplies: repair.supplies, warmStart: repair.solution)
                solves += 1
                work += repair.solution.phases + 2
                guard repair.solution.feasible else { break }
                repairFlows = instance.delivered(repair, extra: forced)
            }
            if bound >= incumbent.cost.total - TransferOptimizer.tolerance(incumbent.cost.total) { continue }

            // Branch on the route whose relaxation is furthest from a valid transfer: a fixed fee
            // only partly charged, or a delivery below the minimum transfer's.
            var branch = -1
            var worst = 0.0
            let isOpen = Set(node.opened)
            for (e, x) in flows.enumerated() where x > 0 && !isOpen.contains(e) {
                let c = candidates[e]
                var violation = Double(c.fixedFee) * (1 - Double(x) / Double(c.usable))
                if x < c.minDelivered { violation += Double(c.minDelivered - x) * c.unitCost + 1e-9 * Double(c.minDelivered - x) }
                if violation > worst { worst = violation; branch = e }
            }
            guard branch >= 0 else { leaves.append(bound); continue }
            open.append(Node(bound: bound, id: nextID, closed: node.closed + [branch], opened: node.opened, warm: lp.solution))
            open.append(Node(bound: bound, id: nextID + 1, closed: node.closed, opened: node.opened + [branch], warm: lp.solution))
            nextID += 2
        }
        let tolerance = TransferOptimizer.tolerance(incumbent.cost.total)
        var bound = incumbent.cost.total
        for node in open { bound = min(bound, node.bound) }
        for leaf in leaves where leaf < incumbent.cost.total - tolerance { bound = min(bound, leaf) }
        lowerBound = bound
    }
}
