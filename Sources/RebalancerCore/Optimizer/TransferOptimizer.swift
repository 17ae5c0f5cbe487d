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
    /// Branch-and-bound work budget, deterministic and relative to the problem: the search stops once
    /// its solves have run `searchEffort` times the Dijkstra phases of the root relaxation's cold solve
    /// (each node counting its phases plus two). The plan then carries its proven gap.
    public var searchEffort: Double
    /// Optional time budget, checked before each node: returns true once the search must stop. The
    /// core reads no clock; the caller passes one in (a plan that stops early carries its gap).
    public var deadline: (@Sendable () -> Bool)?
    /// Venues below target but inside their band may lend down to their lower band (docs/optimizer.md §2).
    /// Off, only venues at or above target give (their surplus).
    public var lendsFromBand: Bool

    /// Creates an optimizer.
    public init(
        model: CostModel = CostModel(), minimumTransfer: Amount = 100_00, fixedFeeRounds: Int = 2, maxSolves: Int = 2, dropTrials: Int = 1,
        baselineFallback: Bool = true, costScale: Double = 1e9, nodeLimit: Int = 200, searchEffort: Double = 0.5, deadline: (@Sendable () -> Bool)? = nil,
        lendsFromBand: Bool = true
    ) {
        self.searchEffort = searchEffort
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
