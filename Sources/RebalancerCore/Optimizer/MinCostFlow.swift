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
        let n = nodeCount
        let m = arcs.count
        let warm = warmStart.flatMap { $0.flows.count == m && $0.potentials.count == n ? $0 : nil }
        var potential = warm?.potentials ?? [Int64](repeating: 0, count: n)
        // Residual edges: 2a is arc a forward, 2a+1 its reverse.
        var head = [Int32](repeating: 0, count: 2 * m)
        var residual = [Int64](repeating: 0, count: 2 * m)
        var cost = [Int64](repeating: 0, count: 2 * m)
        var excess = supplies
        var degree = [Int32](repeating: 0, count: n + 1)
        for (a, arc) in arcs.enumerated() {
            head[2 * a] = Int32(arc.to)
            head[2 * a + 1] = Int32(arc.from)
            cost[2 * a] = arc.cost
            cost[2 * a + 1] = -arc.cost
            // Start from the warm flow (or zero), then restore dual feasibility: an arc of negative
            // reduced cost is saturated, one of positive reduced cost emptied.
            var flow = min(max(0, warm?.flows[a] ?? 0), arc.capacity)
            let reduced = arc.cost + potential[arc.from] - potential[arc.to]
            if reduced < 0 { flow = arc.capacity } else if reduced > 0 { flow = 0 }
            residual[2 * a] = arc.capacity - flow
            residual[2 * a + 1] = flow
            excess[arc.from] -= flow
            excess[arc.to] += flow
            degree[arc.from + 1] += 1
            degree[arc.to + 1] += 1
        }
        // Compressed adjacency, edges of a node in arc order (deterministic).
        for v in 0..<n { degree[v + 1] += degree[v] }
        var fill = degree
        var adjacency = [Int32](repeating: 0, count: 2 * m)
        for (a, arc) in arcs.enumerated() {
            adjacency[Int(fill[arc.from])] = Int32(2 * a)
            fill[arc.from] += 1
            adjacency[Int(fill[arc.to])] = Int32(2 * a + 1)
            fill[arc.to] += 1
        }

        var distance = [Int64](repeating: .max, count: n)
        var parentEdge = [Int32](repeating: -1, count: n)
        var settled = [Bool](repeating: false, count: n)
        var touched: [Int32] = []
        touched.reserveCapacity(n)
        var heap = IndexedHeap(capacity: n)
        var phases = 0
        var feasible = true

        while true {
            var deficits = 0
            var hasExcess = false
            for v in 0..<n {
                if excess[v] < 0 { deficits += 1 } else if excess[v] > 0 { hasExcess = true }
            }
            if deficits == 0 || !hasExcess { feasible = deficits == 0 && !hasExcess; break }
            phases += 1

            // Multi-source Dijkstra on reduced costs.
            for v in touched { distance[Int(v)] = .max; parentEdge[Int(v)] = -1; settled[Int(v)] = false }
            touched.removeAll(keepingCapacity: true)
            heap.removeAll()
            for v in 0..<n where excess[v] > 0 {
                distance[v] = 0
                touched.append(Int32(v))
                heap.update(Int32(v), 0)
            }
            var remaining = deficits
            var lastSettled: Int64 = 0
            while remaining > 0, let (d, v32) = heap.pop() {
                let v = Int(v32)
                settled[v] = true
                lastSettled = d
                if excess[v] < 0 { remaining -= 1 }
                let pv = potential[v]
                var i = Int(degree[v])
                let end = Int(degree[v + 1])
                while i < end {
                    let e = Int(adjacency[i])
                    i += 1
                    guard residual[e] > 0 else { continue }
                    let w = Int(head[e])
                    if settled[w] { continue }
                    let nd = d + (cost[e] + pv - potential[w])
                    if nd < distance[w] {
                        if distance[w] == .max { touched.append(Int32(w)) }
                        distance[w] = nd
                        parentEdge[w] = Int32(e)
                        heap.update(Int32(w), nd)
                    }
                }
            }
            if remaining == deficits {
                // No deficit reachable from any excess: the rest cannot be routed.
                feasible = false
                break
            }
            // Johnson update, capped at the last settled distance so reduced costs stay ≥ 0.
            for v in 0..<n {
                potential[v] += settled[v] ? distance[v] : lastSettled
            }
            // Augment along the tree path of every settled deficit.
            for t in 0..<n where settled[t] && excess[t] < 0 {
                var bottleneck = -excess[t]
                var v = t
                while parentEdge[v] >= 0 {
                    let e = Int(parentEdge[v])
                    bottleneck = min(bottleneck, residual[e])
                    v = Int(head[e ^ 1])
                }
                bottleneck = min(bottleneck, excess[v])
                guard bottleneck > 0 else { continue }
                v = t
                while parentEdge[v] >= 0 {
                    let e = Int(parentEdge[v])
                    residual[e] -= bottleneck
                    residual[e ^ 1] += bottleneck
                    v = Int(head[e ^ 1])
                }
                excess[v] -= bottleneck
                excess[t] += bottleneck
            }
        }

        var flows = [Int64](repeating: 0, count: m)
        var total = 0.0
        for (a, arc) in arcs.enumerated() {
            flows[a] = residual[2 * a + 1]
            total += Double(flows[a]) * Double(arc.cost)
        }
        let unrouted = excess.reduce(Int64(0)) { $0 + max(0, $1) }
        return Solution(flows: flows, cost: total, potentials: potential, feasible: feasible, unrouted: unrouted, phases: phases)
    }
}

/// An indexed 4-ary min-heap of nodes keyed by distance, with decrease-key; ties break on the
/// node index so that runs are deterministic.
struct IndexedHeap {
    private struct Entry {
        var key: Int64
        var node: Int32
    }
    private var entries: [Entry] = []
    /// Position of each node in `entries`, −1 when absent.
    private var position: [Int32]

    init(capacity: Int) {
        position = [Int32](repeating: -1, count: capacity)
        entries.reserveCapacity(capacity)
    }

    mutating func removeAll() {
        for entry in entries { position[Int(entry.node)] = -1 }
        entries.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private static func less(_ a: Entry, _ b: Entry) -> Bool {
        a.key < b.key || (a.key == b.key && a.node < b.node)
    }

    /// Inserts `node` with `key`, or lowers its key.
    mutating func update(_ node: Int32, _ key: Int64) {
        var i = Int(position[Int(node)])
        if i < 0 {
            entries.append(Entry(key: key, node: node))
            i = entries.count - 1
        } else {
            entries[i].key = key
        }
        let entry = entries[i]
        while i > 0 {
            let p = (i - 1) >> 2
            let parent = entries[p]
            guard Self.less(entry, parent) else { break }
            entries[i] = parent
            position[Int(parent.node)] = Int32(i)
            i = p
        }
        entries[i] = entry
        position[Int(node)] = Int32(i)
    }

    /// Removes and returns the node with the smallest key.
    mutating func pop() -> (Int64, Int32)? {
        guard let top = entries.first else { return nil }
        position[Int(top.node)] = -1
        let last = entries.removeLast()
        let count = entries.count
        if count > 0 {
            var i = 0
            while true {
                let first = 4 * i + 1
                guard first < count else { break }
                var best = first
                let end = min(first + 4, count)
                var c = first + 1
                while c < end {
                    if Self.less(entries[c], entries[best]) { best = c }
                    c += 1
                }
                guard Self.less(entries[best], last) else { break }
                entries[i] = entries[best]
                position[Int(entries[i].node)] = Int32(i)
                i = best
            }
            entries[i] = last
            position[Int(last.node)] = Int32(i)
        }
        return (top.key, top.node)
    }
}
