/// Capital positioned by direction: each venue's bands from the move that hurts it (its exposure
/// sign), sized over its inbound latency plus decision time, raised by the continuation of a move
/// that is draining it; the winning legs give their gains as they arrive (`DirectionalBands`).
/// Planned by the same min-cost flow as `predictive`. Pure: the same views and topology always give
/// the same plan, which is what lets a verifier recompute it.
public struct DirectionalStrategy: Strategy {
    /// How bands follow risk and direction.
    public var bands: DirectionalBands
    /// The planner.
    public var optimizer: TransferOptimizer

    /// Creates the strategy.
    public init(bands: DirectionalBands = .standard, optimizer: TransferOptimizer = PredictiveStrategy.defaultOptimizer) {
        self.bands = bands
        self.optimizer = optimizer
    }

    /// "directional".
    public var name: String { StrategyName.directional.rawValue }

    /// The topology with every venue's direction-aware bands.
    public func policyTopology(views: [VenueID: VenueView], topology: Topology) -> Topology {
        var sized = bands
        sized.base.minimumRefill = max(bands.base.minimumRefill, optimizer.minimumTransfer)
        return sized.apply(views: views, topology: topology)
    }

    /// The optimizer's transfers against the direction-aware bands, in canonical order.
    public func plan(views: [VenueID: VenueView], topology: Topology) -> [Transfer] {
        optimizer.solve(views: views, topology: policyTopology(views: views, topology: topology)).transfers
    }
}
