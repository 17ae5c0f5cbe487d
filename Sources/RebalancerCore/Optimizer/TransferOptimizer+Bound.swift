extension TransferOptimizer {
    /// A proven lower bound on the objective of every plan `solve` could return for these views,
    /// so on `solve(views:topology:).objective` itself, from one solve of the root relaxation
    /// (branch and bound's root node: fixed fees by their convex envelope, fee loss unpriced).
    /// A verifier that finds a proposal within tolerance of this bound knows it is within
    /// tolerance of the recomputed plan too, without running the search. Margin: one cent per
    /// candidate route beyond the rounding the node's bound already takes off.
    public func rootBound(views: [VenueID: VenueView], topology: Topology) -> Double {
        let instance = OptimizerInstance(views: views, topology: topology, model: model, minimumTransfer: minimumTransfer, lends: lendsFromBand)
        let empty = instance.costs.evaluate([])
        let unmetCost = Int64((model.unmetPenalty * costScale).rounded())
        var search = BranchAndBound(incumbent: ([], empty), lp: nil)
        let setup = BranchAndBound.setup(instance, options: self, unmetCost: unmetCost, workScale: 1)
        let root = BranchAndBound.Node(bound: -.infinity, id: 0, closed: [], opened: [], warm: nil)
        // The empty plan is always valid, so an infeasible root says nothing sound: no bound.
        guard let relaxation = search.solve(root, instance, setup) else { return -.infinity }
        return min(empty.total, relaxation.bound - Double(instance.candidates.count))
    }
}
