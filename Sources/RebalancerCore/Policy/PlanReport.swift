/// What `rebalancer plan` prints: the plan a strategy makes now, its objective against doing
/// nothing, every venue before and after, and the optimizer's potentials.
public struct PlanReport: Sendable, Equatable, Codable {
    /// One transfer with its fee and latency.
    public struct Leg: Sendable, Equatable, Codable {
        public var from: VenueID
        public var to: VenueID
        public var amount: Amount
        public var fee: Amount
        public var latencyMs: Int64

        enum CodingKeys: String, CodingKey {
            case from, to, amount, fee
            case latencyMs = "latency_ms"
        }
    }

    /// One venue's balances around the plan, and the bands it was planned against.
    public struct VenueLine: Sendable, Equatable, Codable {
        public var venue: VenueID
        public var maintenanceMargin: Amount
        /// Effective balance (settled + pending + in flight) before the plan.
        public var before: Amount
        /// Effective balance once the plan's transfers land.
        public var after: Amount
        public var ratioBefore: Double?
        public var ratioAfter: Double?
        public var lowerBand: Double
        public var targetRatio: Double
        public var upperBand: Double
        public var needsCapital: Bool

        enum CodingKeys: String, CodingKey {
            case venue, before, after
            case maintenanceMargin = "maintenance_margin"
            case ratioBefore = "ratio_before"
            case ratioAfter = "ratio_after"
            case lowerBand = "lower_band"
            case targetRatio = "target_ratio"
            case upperBand = "upper_band"
            case needsCapital = "needs_capital"
        }
    }

    /// The strategy.
    public var strategy: String
    /// The transfers, in canonical order.
    public var transfers: [Leg]
    /// `planCost` of the plan under the strategy's bands.
    public var objective: Double
    /// `planCost` of doing nothing under the same bands.
    public var objectiveOfNothing: Double
    /// Demand left unmet, in minor units.
    public var unmet: Amount
    /// Every venue, in topology order.
    public var venues: [VenueLine]
    /// Node potentials (duals) of the optimizer, for optimizer strategies; empty otherwise.
    public var potentials: [VenueID: Double]
    /// How the optimizer solved it, for optimizer strategies; nil otherwise.
    public var solver: Solver?

    /// The optimizer's proof and effort (docs/optimizer.md §5).
    public struct Solver: Sendable, Equatable, Codable {
        /// Proven lower bound on every valid plan's cost (nil when no bound was computed).
        public var lowerBound: Double?
        /// The root linear-programming relaxation's bound (nil when not solved).
        public var lpBound: Double?
        /// objective − lower bound (nil without a bound).
        public var gap: Double?
        /// True when the plan is proven optimal within max($1, 1e-6 relative).
        public var provenOptimal: Bool
        /// Linear programs solved.
        public var solves: Int
        /// Branch-and-bound nodes solved.
        public var nodes: Int
        /// Wall time of the solve in milliseconds, when the caller passed a clock.
        public var solveMs: Double?

        enum CodingKeys: String, CodingKey {
            case gap, solves, nodes
            case lowerBound = "lower_bound"
            case lpBound = "lp_bound"
            case provenOptimal = "proven_optimal"
            case solveMs = "solve_ms"
        }
    }

    enum CodingKeys: String, CodingKey {
        case strategy, transfers, objective, unmet, venues, potentials, solver
        case objectiveOfNothing = "objective_of_nothing"
    }

    /// The report of `strategy` on these views; `clock` (nanoseconds, monotonic), when given, times the solve.
    public static func make(strategy: any Strategy, views: [VenueID: VenueView], topology: Topology, clock: (() -> UInt64)? = nil) -> PlanReport {
        let bands = strategy.policyTopology(views: views, topology: topology)
        var potentials: [VenueID: Double] = [:]
        var solver: Solver?
        let transfers: [Transfer]
        if let optimizer = PolicyCheck.optimizer(of: strategy, topology: topology) {
            let start = clock?()
            let solved = optimizer.solve(views: views, topology: bands)
            let end = clock?()
            transfers = solved.transfers
            potentials = solved.potentials
            let finite = { (x: Double) -> Double? in x.isFinite ? x : nil }
            solver = Solver(
                lowerBound: finite(solved.lowerBound), lpBound: finite(solved.rootBound), gap: finite(solved.gap),
                provenOptimal: solved.provenOptimal, solves: solved.solves, nodes: solved.nodes,
                solveMs: start.flatMap { s in end.map { Double($0 &- s) / 1e6 } }
            )
        } else {
            transfers = Plan.canonical(strategy.plan(views: views, topology: topology))
        }
        var delta: [VenueID: Amount] = [:]
        let legs = transfers.map { t -> Leg in
            let route = topology.route(from: t.from, to: t.to)
            let fee = route?.fee(for: t.amount) ?? 0
            delta[t.from, default: 0] -= t.amount
            delta[t.to, default: 0] += t.amount - fee
            return Leg(from: t.from, to: t.to, amount: t.amount, fee: fee, latencyMs: route?.latencyMs ?? 0)
        }
        let lines = bands.venues.compactMap { venue -> VenueLine? in
            guard let view = views[venue.id] else { return nil }
            let margin = view.state.maintenanceMargin
            let after = view.effectiveBalance + (delta[venue.id] ?? 0)
            return VenueLine(
                venue: venue.id, maintenanceMargin: margin, before: view.effectiveBalance, after: after,
                ratioBefore: margin > 0 ? Double(view.effectiveBalance) / Double(margin) : nil,
                ratioAfter: margin > 0 ? Double(after) / Double(margin) : nil,
                lowerBand: venue.lowerBand, targetRatio: venue.targetRatio, upperBand: venue.upperBand,
                needsCapital: Bands(venue: venue).needsCapital(view)
            )
        }
        let model = PolicyCheck.costModel(of: strategy, topology: topology)
        let breakdown = planCostBreakdown(transfers, views: views, topology: bands, model: model)
        return PlanReport(
            strategy: strategy.name, transfers: legs, objective: breakdown.total,
            objectiveOfNothing: planCost([], views: views, topology: bands, model: model), unmet: breakdown.unmet,
            venues: lines, potentials: potentials, solver: solver
        )
    }
}
