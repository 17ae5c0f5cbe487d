/// An integral min-cost flow solver: successive shortest paths with Johnson potentials.
///
/// The network is a directed graph of nodes `0..<nodeCount` and arcs with an integer capacity and
/// an integer cost per unit. `solve(supplies:)` finds a flow that meets every node's supply
/// (positive: the node sends that much; negative: it absorbs that much) at minimum total cost.
///
/// Method (primal-dual successive shortest paths):
/// 1. Arcs of negative cost are saturated up front (which moves their capacity into the supplies),
///    so every residual arc has a non-negative cost and the potentials can start at zero. (A warm
///    start does the same with reduced costs under the previous potentials.)
/// 2. Each phase runs one multi-source Dijkstra on reduced costs `c(u,v) + π(u) - π(v) ≥ 0` from
///    every node with excess, stopping once every node with a deficit is settled, and raises the
///    potentials by the distances (capped at the last settled distance) so that every arc of the
///    shortest-path tree has reduced cost zero.
/// 3. It then augments along the tree path of every node with a deficit, in node order, as far as
///    the residual capacities, the root's excess and the deficit allow. Every such path has
///    reduced cost zero, so the flow stays optimal for the supplies routed so far.
///
/// With integer capacities and supplies every augmentation is integral, so the result is an
/// integral optimum, which is also an optimum of the continuous problem (the constraint matrix is
/// totally unimodular). The potentials returned are a dual certificate (see `Certificate`).
/// A phase costs O(E log V); the number of phases is at most the number of augmentations and in
/// practice far smaller.
public struct MinCostFlow: Sendable, Equatable {
    /// One directed arc.
    public struct Arc: Sendable, Equatable {
        /// Tail node.
        public var from: Int
        /// Head node.
        public var to: Int
        /// Upper bound on the flow (the lower bound is zero).
        public var capacity: Int64
        /// Cost per unit of flow.
        public var cost: Int64
    }

    /// The result of one solve.
    public struct Solution: Sendable, Equatable {
        /// Flow on every arc, indexed like `arcs`.
        public var flows: [Int64]
        /// Total cost `Σ flow × cost`, in floating point (the exact sum may exceed Int64).
        public var cost: Double
        /// Node potentials π: reduced cost `c(u,v) + π(u) − π(v)` is ≥ 0 on every arc with residual
        /// capacity and ≤ 0 on every arc carrying flow. π(v) is the marginal cost of absorbing one
        /// more unit at `v` (up to a common constant).
        public var potentials: [Int64]
        /// False when some supply could not reach any deficit (the flow is then optimal for what was routed).
        public var feasible: Bool
        /// Excess that could not be routed (zero when feasible).
        public var unrouted: Int64
        /// Dijkstra phases run.
        public var phases: Int
    }

    /// Number of nodes.
    public private(set) var nodeCount: Int
    /// The arcs, in the order they were added.
    public private(set) var arcs: [Arc]

    /// Creates a network with `nodes` nodes and no arcs.
    public init(nodes: Int = 0) {
        nodeCount = nodes
        arcs = []
    }

    /// Adds a node and returns its index.
    @discardableResult
    public mutating func addNode() -> Int {
        nodeCount += 1
        return nodeCount - 1
    }

    /// Adds an arc and returns its index. Capacity must be ≥ 0; an arc of negative cost must have a
    /// finite capacity (it is saturated first).
    @discardableResult
    public mutating func addArc(from: Int, to: Int, capacity: Int64, cost: Int64) -> Int {
        precondition(from >= 0 && from < nodeCount && to >= 0 && to < nodeCount, "arc endpoint out of range")
        precondition(capacity >= 0, "negative capacity")
        arcs.append(Arc(from: from, to: to, capacity: capacity, cost: cost))
        return arcs.count - 1
    }

    /// Changes the capacity of an arc (for re-solving with an arc fixed to zero, for example).
    public mutating func setCapacity(_ arc: Int, _ capacity: Int64) {
        precondition(capacity >= 0, "negative capacity")
        arcs[arc].capacity = capacity
    }

    /// Changes the cost of an arc.
    public mutating func setCost(_ arc: Int, _ cost: Int64) { arcs[arc].cost = cost }

    /// A min-cost flow meeting `supplies` (one entry per node, summing to zero).
    ///
    /// `warmStart`, a solution of this network before some capacities or costs changed, lets the
    /// solver start from that flow and those potentials: arcs whose reduced cost now has the wrong
    /// sign are set to zero or to capacity, and only the imbalance this creates is re-routed. The
    /// result is optimal either way; a small change re-solves in a few phases.
    public func solve(supplies: [Int64], warmStart: Solution? = nil) -> Solution {
        precondition(supplies.count == nodeCount, "one supply per node")
        let warm = warmStart.flatMap { $0.flows.count == arcs.count && $0.potentials.count == nodeCount ? $0 : nil }
        var residual = ResidualNetwork(arcs: arcs, nodeCount: nodeCount, supplies: supplies, warm: warm)
        let (feasible, phases) = residual.run()
        return residual.solution(arcs: arcs, feasible: feasible, phases: phases)
    }
}
