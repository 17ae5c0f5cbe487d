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
        optimizer.solve(views: views, topology: topology).transfers
    }
}
