/// Branch and bound on small networks with each node's lossy linear program solved exactly
/// (`BoundedSimplex`); see docs/optimizer.md §5, "Small networks: the exact search".
///
/// `BranchAndBound` relaxes fee loss (its network counts delivered units and prices a venue's true
/// budget in by Lagrangian prices, refined heuristically), so on a few instances its bound stays
/// below the optimum, and a plan read from a min-cost flow can be a few hundred cents off. On a
/// network with few candidate routes (`applies`) this search finishes the job: its node program is
/// the exact problem's linear relaxation with the node's fixings, in delivered units `x_e`
///
/// ```
/// minimise   Σ_e (c_e − P) x_e + Σ_open F_e (1 + c_e) + Σ_free F_e (1 + c_e) x_e / N_e  (+ P Σ_v D_v)
/// subject to Σ_{e out of u} w_e (x_e + F_e y_e) ≤ supply_u        y_e = 1 open, x_e / N_e free
///            Σ_{e into v} x_e ≤ D_v
///            m_e ≤ x_e ≤ N_e open,  0 ≤ x_e ≤ N_e free,  x_e = 0 closed
/// ```
///
/// (`c_e` the route's fee and latency cost per delivered unit, `w_e = 1 / (1 − ρ_e)`: a transfer
/// delivering `x_e` sends `w_e (x_e + F_e)`), solved by the simplex; its bound is the Lagrangian
/// bound of the simplex's row multipliers with each budget relaxed by half a cent per route (fee
/// rounding), so it is valid whatever the solve's floating-point error. Nodes are taken best bound
/// first and branched on the route whose fixed charge or minimum the relaxation violates most.
struct ExactSearch {
    /// The best plan so far.
    var incumbent: (legs: [(route: Int, amount: Amount)], cost: PlanCostBreakdown)
    /// True when the search found a cheaper plan than the one it started from.
    var improved = false
    /// Proven lower bound on every valid plan's cost once the search ends.
    var lowerBound = -Double.infinity
    /// Nodes solved (one simplex solve each).
    var nodes = 0
    /// Work spent: per solve, the tableau's size times its pivots plus one.
    var work = 0

    /// The most candidate routes (binary choices) a network may have for this search.
    static let candidateLimit = 96
    /// Tableau work per unit of `searchEffort` (0.5 by default: 4 million multiply-adds, a few
    /// milliseconds at most). The oracle's 300 instances are all proven optimal with 8 times less
    /// (`workPerEffort` 1,000,000 at the default effort, measured).
    static let workPerEffort = 8_000_000.0
    /// Nodes per node of `nodeLimit` (200 by default: 4,000).
    static let nodesPerNodeLimit = 20

    /// One open node: per candidate route, 0 free, −1 closed, 1 open; the bound of its parent.
    struct Node {
        var bound: Double
        var id: Int
        var status: [Int8]
    }

    /// What every node shares.
    struct Setup {
        /// Budget row per venue (−1: none) and demand row per venue (−1: none).
        var supplyRow: [Int]
        var demandRow: [Int]
        var rows: Int
        var rhs: [Double]
        /// Half a cent of fee rounding per route out of the venue, in sent units, per budget row.
        var slack: [Double]
        var weight: [Double]
        var penalty: Double
        /// P × total demand: the cost of the empty plan's unmet demand.
        var base: Double
    }

    /// A node's program as solved.
    struct Relaxation {
        var x: [Double]
        var bound: Double
    }

    /// True when the search applies: at most `BranchAndBound.pricedVenueLimit` venues and
    /// `candidateLimit` candidate routes.
    static func applies(_ instance: OptimizerInstance) -> Bool {
        instance.roles.count <= BranchAndBound.pricedVenueLimit && !instance.candidates.isEmpty && instance.candidates.count <= candidateLimit
    }

    init(incumbent: (legs: [(route: Int, amount: Amount)], cost: PlanCostBreakdown)) {
        self.incumbent = incumbent
    }

    /// Searches until every open node is within the tolerance of the incumbent or a budget ends
    /// (`nodesPerNodeLimit × options.nodeLimit` nodes, `workPerEffort × options.searchEffort` work,
    /// `options.deadline`).
    mutating func run(_ instance: OptimizerInstance, options: TransferOptimizer) {
        let setup = Self.setup(instance, penalty: options.model.unmetPenalty)
        let nodeLimit = Self.nodesPerNodeLimit * options.nodeLimit
        let workLimit = Self.workPerEffort * options.searchEffort
        var open = [Node(bound: -.infinity, id: 0, status: [Int8](repeating: 0, count: instance.candidates.count))]
        var leaves: [Double] = []
        var nextID = 1
        while !open.isEmpty {
            var pick = 0
            for i in open.indices.dropFirst() where (open[i].bound, open[i].id) < (open[pick].bound, open[pick].id) { pick = i }
            if prunable(open[pick].bound) { open.removeAll(); break }
            if nodes >= nodeLimit || Double(work) >= workLimit || options.deadline?() == true { break }
            let node = open.remove(at: pick)
            nodes += 1
            guard let relaxation = solve(node, instance, setup) else { continue }
            if prunable(relaxation.bound) { continue }
            read(relaxation.x, instance)
            if prunable(relaxation.bound) { continue }
            let branch = branchingRoute(relaxation.x, node: node, instance: instance)
            guard branch >= 0 else { leaves.append(relaxation.bound); continue }
            var closed = node, opened = node
            closed.id = nextID; opened.id = nextID + 1
            nextID += 2
            closed.bound = relaxation.bound; opened.bound = relaxation.bound
            closed.status[branch] = -1; opened.status[branch] = 1
            open.append(closed); open.append(opened)
        }
        let tolerance = TransferOptimizer.tolerance(incumbent.cost.total)
        var bound = incumbent.cost.total
        for node in open { bound = min(bound, node.bound) }
        for leaf in leaves where leaf < incumbent.cost.total - tolerance { bound = min(bound, leaf) }
        lowerBound = bound
    }

    /// True when a bound is within the tolerance of the incumbent.
    func prunable(_ bound: Double) -> Bool { bound >= incumbent.cost.total - TransferOptimizer.tolerance(incumbent.cost.total) }

    /// The rows (a budget per venue with supply and a route, a demand per venue with demand and a route).
    static func setup(_ instance: OptimizerInstance, penalty: Double) -> Setup {
        let count = instance.roles.count
        var supplyRow = [Int](repeating: -1, count: count)
        var demandRow = [Int](repeating: -1, count: count)
        var rows = 0
        var rhs: [Double] = []
        var slack: [Double] = []
        let weight = instance.candidates.map { 1 / (1 - $0.feeRate) }
        for (e, c) in instance.candidates.enumerated() {
            if supplyRow[c.from] < 0 {
                supplyRow[c.from] = rows; rows += 1
                rhs.append(Double(instance.roles[c.from].supply)); slack.append(0)
            }
            slack[supplyRow[c.from]] += 0.5 * weight[e]
        }
        for c in instance.candidates where demandRow[c.to] < 0 {
            demandRow[c.to] = rows; rows += 1
            rhs.append(Double(instance.roles[c.to].demand)); slack.append(0)
        }
        let base = penalty * Double(instance.roles.reduce(Amount(0)) { $0 + $1.demand })
        return Setup(supplyRow: supplyRow, demandRow: demandRow, rows: rows, rhs: rhs, slack: slack, weight: weight, penalty: penalty, base: base)
    }

    /// Solves a node's program; nil when its open routes' minimums overdraw a budget or overfund a
    /// venue. The bound is the Lagrangian bound of the solve's multipliers with the budgets relaxed
    /// by `slack`, less a cent per route used (fee rounding), and at least the parent's.
    mutating func solve(_ node: Node, _ instance: OptimizerInstance, _ setup: Setup) -> Relaxation? {
        let candidates = instance.candidates
        var columns: [Int] = []
        for e in candidates.indices where node.status[e] >= 0 { columns.append(e) }
        let n = columns.count
        let m = setup.rows
        var a = [Double](repeating: 0, count: m * n)
        var c = [Double](repeating: 0, count: n)
        var upper = [Double](repeating: 0, count: n)
        var lower = [Double](repeating: 0, count: n)
        var b = setup.rhs
        var constant = setup.base
        for (j, e) in columns.enumerated() {
            let route = candidates[e]
            let usable = Double(route.usable)
            let fixed = Double(route.fixedFee)
            let w = setup.weight[e]
            let budgetRow = setup.supplyRow[route.from], demandRow = setup.demandRow[route.to]
            if node.status[e] > 0 {
                lower[j] = Double(route.minDelivered)
                c[j] = route.unitCost - setup.penalty
                a[budgetRow * n + j] = w
                b[budgetRow] -= w * fixed
                constant += fixed * (1 + route.unitCost)
            } else {
                c[j] = route.unitCost - setup.penalty + fixed * (1 + route.unitCost) / usable
                a[budgetRow * n + j] = w * (1 + fixed / usable)
            }
            a[demandRow * n + j] = 1
            upper[j] = usable - lower[j]
            if lower[j] > 0 {
                b[budgetRow] -= a[budgetRow * n + j] * lower[j]
                b[demandRow] -= lower[j]
                constant += c[j] * lower[j]
            }
        }
        // The open routes' minimums alone break a row: no valid plan in this node.
        for i in 0..<m where b[i] < -1e-6 { return nil }
        let result = BoundedSimplex.solve(c: c, a: a, b: b.map { max(0, $0) }, upper: upper)
        work += (result.pivots + 1) * m * (n + m) + m * n
        var x = [Double](repeating: 0, count: candidates.count)
        var used = 0.0
        var bound = constant
        for i in 0..<m { bound -= result.multipliers[i] * (b[i] + setup.slack[i]) }
        for (j, e) in columns.enumerated() {
            x[e] = lower[j] + result.x[j]
            if x[e] > 0.5 { used += 1 }
            var reduced = c[j]
            for i in 0..<m { reduced += result.multipliers[i] * a[i * n + j] }
            bound += min(0, reduced * upper[j])
        }
        return Relaxation(x: x, bound: max(node.bound, bound - used))
    }

    /// Reads a node's solution as a plan (whole cents delivered, grossed up, budgets clamped,
    /// transfers under the minimum dropped) and keeps it if it is cheaper than the incumbent.
    mutating func read(_ x: [Double], _ instance: OptimizerInstance) {
        let delivered = x.map { Amount(($0 + 1e-6).rounded(.down)) }
        let legs = instance.repaired(instance.grossUp(delivered: delivered))
        let cost = instance.costs.evaluate(legs)
        if cost.total < incumbent.cost.total {
            incumbent = (legs, cost)
            improved = true
        }
    }

    /// The free route whose relaxation is furthest from a valid transfer (its fixed charge only
    /// partly paid, `F_e (1 + c_e)(1 − x_e / N_e)`, or a delivery under the minimum's), or −1 when
    /// the solution is a valid plan's (a leaf).
    func branchingRoute(_ x: [Double], node: Node, instance: OptimizerInstance) -> Int {
        var branch = -1
        var worst = 0.0
        for (e, route) in instance.candidates.enumerated() where node.status[e] == 0 && x[e] > 1e-6 {
            var violation = 0.0
            if route.fixedFee > 0 && x[e] < Double(route.usable) - 1e-6 {
                violation += Double(route.fixedFee) * (1 + route.unitCost) * (1 - x[e] / Double(route.usable))
            }
            if x[e] < Double(route.minDelivered) - 1e-6 { violation += (Double(route.minDelivered) - x[e]) * (route.unitCost + 1e-6) }
            if violation > worst { worst = violation; branch = e }
        }
        return branch
    }
}
