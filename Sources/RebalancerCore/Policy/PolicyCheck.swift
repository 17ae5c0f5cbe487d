/// What a verifier needs for rule 4 (policy): recompute a plan deterministically from the basis
/// states with the plan's strategy, and judge any plan by that strategy's objective.
///
/// The objective of a plan is `planCost` (fees + urgency-weighted latency + penalty on unmet
/// demand) evaluated against the strategy's bands (`Strategy.policyTopology`); doing nothing is
/// `objective(of: [])`. A plan passes when its objective is within tolerance of the recomputed
/// one and below doing nothing.
public enum PolicyCheck {
    /// The strategy a plan names, or nil for an unknown name.
    public static func strategy(named name: String) -> (any Strategy)? {
        StrategyName(rawValue: name)?.make()
    }

    /// The optimizer `strategy` plans with on `topology`, nil for a strategy without one:
    /// `optimal` and `balanced` weigh latency in market time (`OptimalStrategy.optimizer(for:)`,
    /// `BalancedStrategy.optimizer(for:)`).
    public static func optimizer(of strategy: any Strategy, topology: Topology) -> TransferOptimizer? {
        (strategy as? PredictiveStrategy)?.optimizer ?? (strategy as? OptimalStrategy)?.optimizer(for: topology)
            ?? (strategy as? BalancedStrategy)?.optimizer(for: topology)
    }

    /// The cost model a strategy's objective is judged by on `topology`: its optimizer's, else the default.
    public static func costModel(of strategy: any Strategy, topology: Topology) -> CostModel {
        optimizer(of: strategy, topology: topology)?.model ?? CostModel()
    }

    /// Planner views from basis states, with capital already approved but not visible in them.
    public static func views(
        basis: [VenueID: VenueState], virtual: [VenueID: (inbound: Amount, outbound: Amount)] = [:]
    ) -> [VenueID: VenueView] {
        basis.mapValues { state in
            VenueView(state: state, virtualIn: virtual[state.venue]?.inbound ?? 0, virtualOut: virtual[state.venue]?.outbound ?? 0)
        }
    }

    /// The topology whose bands `strategy` plans against for these basis states (for example to
    /// check "the destination is below its target" with the plan's own targets); nil for an
    /// unknown strategy.
    public static func policyTopology(
        strategy: String, basis: [VenueID: VenueState], topology: Topology,
        virtual: [VenueID: (inbound: Amount, outbound: Amount)] = [:]
    ) -> Topology? {
        guard let s = self.strategy(named: strategy) else { return nil }
        return s.policyTopology(views: views(basis: basis, virtual: virtual), topology: topology)
    }

    /// The plan `strategy` makes from these basis states, with its objective; nil for an unknown strategy.
    public static func recompute(
        strategy: String, basis: [VenueID: VenueState], topology: Topology,
        virtual: [VenueID: (inbound: Amount, outbound: Amount)] = [:]
    ) -> (transfers: [Transfer], objective: Double)? {
        guard let s = self.strategy(named: strategy) else { return nil }
        let v = views(basis: basis, virtual: virtual)
        let transfers = s.plan(views: v, topology: topology)
        return (transfers, planCost(transfers, views: v, topology: s.policyTopology(views: v, topology: topology), model: costModel(of: s, topology: topology)))
    }

    /// A proven lower bound on the objective `recompute` would return for these basis states,
    /// cheaper than recomputing (one linear program): the optimizer's root bound for a strategy
    /// that is the optimizer on fixed bands (`optimal`); nil for every other strategy.
    public static func lowerBound(
        strategy: String, basis: [VenueID: VenueState], topology: Topology,
        virtual: [VenueID: (inbound: Amount, outbound: Amount)] = [:]
    ) -> Double? {
        guard let s = self.strategy(named: strategy) as? OptimalStrategy else { return nil }
        return s.optimizer(for: topology).rootBound(views: views(basis: basis, virtual: virtual), topology: topology)
    }

    /// The objective of `transfers` under `strategy`'s bands and cost model: `planCost` against
    /// `policyTopology`; for an unknown strategy, against the topology's fixed bands.
    public static func objective(
        of transfers: [Transfer], basis: [VenueID: VenueState], topology: Topology, strategy: String,
        virtual: [VenueID: (inbound: Amount, outbound: Amount)] = [:]
    ) -> Double {
        let v = views(basis: basis, virtual: virtual)
        guard let s = self.strategy(named: strategy) else { return planCost(transfers, views: v, topology: topology) }
        return planCost(transfers, views: v, topology: s.policyTopology(views: v, topology: topology), model: costModel(of: s, topology: topology))
    }
}
