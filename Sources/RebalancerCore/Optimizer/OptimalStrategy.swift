/// The optimizer as a planning strategy: the transfers of `TransferOptimizer.solve`.
public struct OptimalStrategy: Strategy {
    /// The optimizer it wraps.
    public var optimizer: TransferOptimizer

    /// Creates the strategy.
    public init(optimizer: TransferOptimizer = TransferOptimizer()) { self.optimizer = optimizer }

    /// "optimal".
    public var name: String { "optimal" }

    /// The optimized transfers, in canonical order.
    public func plan(views: [VenueID: VenueView], topology: Topology) -> [Transfer] {
        optimizer(for: topology).solve(views: views, topology: topology).transfers
    }

    /// The optimizer with its latency weight at least `BalancedStrategy.latencyWeightPerMarketSecond`
    /// per second of market time: unchanged where market time is wall time (`rebalancer sim`, real
    /// venues), 0.1 per wall-clock second on `topology/local.yaml` (an hour per 100 ms), where a
    /// venue that needs capital then gets it over a fast route rather than a cheap slow one.
    public func optimizer(for topology: Topology) -> TransferOptimizer {
        var scaled = optimizer
        scaled.model.latencyWeight = max(optimizer.model.latencyWeight, BalancedStrategy.latencyWeightPerMarketSecond * RiskBands.marketSecondsPerSecond(topology))
        return scaled
    }
}
