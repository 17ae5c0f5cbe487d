/// Capital positioned before the move, by risk: (s, S) bands from each venue's liquidation
/// probability over its inbound latency, refills only when worth their cost, planned optimally.
///
/// Each venue's bands come from `RiskBands` (its signed volatility forecast, the latency of its
/// fastest inbound route, its margins, the cost of a refill); the transfers are the min-cost flow
/// of `TransferOptimizer` against those bands. Pure: the same views and topology always give the
/// same plan, which is what lets a verifier recompute it.
public struct PredictiveStrategy: Strategy {
    /// How bands follow risk.
    public var bands: RiskBands
    /// The planner.
    public var optimizer: TransferOptimizer

    /// The optimizer `predictive` plans with: a light latency weight (λ = 1e-5 per second at
    /// urgency 1: the risk bands already hold more at slow venues, so a slow cheap route is taken
    /// only when the destination is far from urgent) and a $20,000 minimum transfer, so a fixed
    /// fee is at most 0.2% of a transfer on the scenario's routes. It lends from the band: a venue
    /// between its trigger and refill level may give down to its trigger, and in a rescue
    /// (`RiskBands.apply`) every venue that is not critical down to its liquidation level.
    public static let defaultOptimizer = TransferOptimizer(model: CostModel(latencyWeight: 1e-5), minimumTransfer: 20_000_00, maxSolves: 4, dropTrials: 2, lendsFromBand: true)

    /// Creates the strategy.
    public init(bands: RiskBands = RiskBands(), optimizer: TransferOptimizer = PredictiveStrategy.defaultOptimizer) {
        self.bands = bands
        self.optimizer = optimizer
    }

    /// "predictive".
    public var name: String { StrategyName.predictive.rawValue }

    /// The topology with every venue's (s, S) bands.
    public func policyTopology(views: [VenueID: VenueView], topology: Topology) -> Topology {
        var sized = bands
        sized.minimumRefill = max(bands.minimumRefill, optimizer.minimumTransfer)
        return sized.apply(views: views, topology: topology)
    }

    /// The optimizer's transfers against the risk bands, in canonical order.
    public func plan(views: [VenueID: VenueView], topology: Topology) -> [Transfer] {
        optimizer.solve(views: views, topology: policyTopology(views: views, topology: topology)).transfers
    }
}
