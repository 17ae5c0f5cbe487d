/// Every leg kept near the book's ratio (`BookBands`), planned by the min-cost flow with a latency
/// weight in market time, so a venue that needs capital gets it over a fast route rather than a
/// cheap slow one.
///
/// Its bands read every venue's view, so its plans carry the whole book as their basis
/// (`plansFromWholeBook`) and a verifier recomputes the same bands and the same plan.
public struct BalancedStrategy: Strategy {
    /// How the bands follow the book.
    public var bands: BookBands
    /// The planner; its latency weight is per second of market time (`optimizer(for:)`).
    public var optimizer: TransferOptimizer

    /// λ per second of market time: 1e-2 per market hour. A unit sent to a venue at urgency 1
    /// over a route ten market hours long (one wall-clock second on `topology/local.yaml`) costs
    /// 10%, so even at urgency 0.1 a second of route latency outweighs any fee difference between
    /// its routes (at most 8 bps and $4); in `rebalancer sim` (market time is wall time) a
    /// half-hour route costs 50 bps at urgency 1. In `demo --replay` on `topology/local.yaml`,
    /// seeds 1-5 at 60 s, 1e-3, 1e-2 and 1e-1 per market hour had 12 avoidable liquidations, 1 had
    /// 13 (docs/strategies.md, "The live demo").
    public static let latencyWeightPerMarketSecond = 1e-2 / 3_600

    /// The optimizer `balanced` plans with, before its latency weight is scaled.
    public static let defaultOptimizer = TransferOptimizer(model: CostModel(latencyWeight: latencyWeightPerMarketSecond))

    /// Creates the strategy.
    public init(bands: BookBands = .standard, optimizer: TransferOptimizer = BalancedStrategy.defaultOptimizer) {
        self.bands = bands
        self.optimizer = optimizer
    }

    /// "balanced".
    public var name: String { StrategyName.balanced.rawValue }

    /// Its bands read the whole book.
    public var plansFromWholeBook: Bool { true }

    /// The topology with every venue's bands at the book's ratio.
    public func policyTopology(views: [VenueID: VenueView], topology: Topology) -> Topology {
        bands.apply(views: views, topology: topology)
    }

    /// The optimizer with its latency weight per wall-clock second of route latency on this
    /// topology: the weight per market second times the market seconds per second.
    public func optimizer(for topology: Topology) -> TransferOptimizer {
        var scaled = optimizer
        scaled.model.latencyWeight = optimizer.model.latencyWeight * RiskBands.marketSecondsPerSecond(topology)
        return scaled
    }

    /// The optimizer's transfers against the book's bands, in canonical order.
    public func plan(views: [VenueID: VenueView], topology: Topology) -> [Transfer] {
        optimizer(for: topology).solve(views: views, topology: policyTopology(views: views, topology: topology)).transfers
    }
}
