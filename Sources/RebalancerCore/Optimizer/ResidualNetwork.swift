/// The working state of one `MinCostFlow.solve`: the residual network in flat arrays (struct of
/// arrays, `Int32` indices, allocated once per solve, no per-phase allocation) and the phases of
/// primal-dual successive shortest paths over it (docs/optimizer.md §6).
///
/// Residual edge `2a` is arc `a` forward, `2a + 1` its reverse; a node's edges are contiguous
/// (compressed adjacency, in arc order, so runs are deterministic). Per-phase marks are phase stamps,
/// so nothing is cleared between phases.
struct ResidualNetwork: ~Copyable {
    let nodeCount: Int
    let edgeCount: Int
    /// Head node of each residual edge.
    let head: UnsafeMutablePointer<Int32>
    /// Residual capacity of each edge (the flow of arc `a` is `residual[2a + 1]`).
    let residual: UnsafeMutablePointer<Int64>
    /// Cost of each edge (the reverse edge costs minus the arc's cost).
    let cost: UnsafeMutablePointer<Int64>
    /// `first[v] ..< first[v + 1]`: the positions of `v`'s edges in `adjacency`.
    let first: UnsafeMutablePointer<Int32>
    let adjacency: UnsafeMutablePointer<Int32>
    /// Supply not yet routed (positive) or demand not yet met (negative).
    let excess: UnsafeMutablePointer<Int64>
    let potential: UnsafeMutablePointer<Int64>
    let distance: UnsafeMutablePointer<Int64>
    let parentEdge: UnsafeMutablePointer<Int32>
    /// Phase in which a node was reached (its distance is valid) / settled.
    let reached: UnsafeMutablePointer<Int32>
    let settled: UnsafeMutablePointer<Int32>
    /// Indexed 4-ary min-heap on (distance, node): keys, nodes, and each node's position (−1 when absent).
    let heapKey: UnsafeMutablePointer<Int64>
    let heapNode: UnsafeMutablePointer<Int32>
    let heapPosition: UnsafeMutablePointer<Int32>
    var heapCount = 0
    /// Nodes reached at the distance being settled, settled before the heap's next.
    let stack: UnsafeMutablePointer<Int32>
    var phase: Int32 = 0

    /// Starts from the warm flow (or zero) and potentials (or zero), then restores dual
    /// feasibility: an arc of negative reduced cost is saturated, one of positive reduced cost
    /// emptied; the difference moves into the node excesses.
    init(arcs: [MinCostFlow.Arc], nodeCount n: Int, supplies: [Int64], warm: MinCostFlow.Solution?) {
        nodeCount = n
        edgeCount = 2 * arcs.count
        let m2 = max(1, edgeCount)
        head = .allocate(capacity: m2)
        residual = .allocate(capacity: m2)
        cost = .allocate(capacity: m2)
        adjacency = .allocate(capacity: m2)
        first = .allocate(capacity: n + 1)
        excess = .allocate(capacity: max(1, n))
        potential = .allocate(capacity: max(1, n))
        distance = .allocate(capacity: max(1, n))
        parentEdge = .allocate(capacity: max(1, n))
        reached = .allocate(capacity: max(1, n))
        settled = .allocate(capacity: max(1, n))
        heapKey = .allocate(capacity: max(1, n))
        heapNode = .allocate(capacity: max(1, n))
        heapPosition = .allocate(capacity: max(1, n))
        stack = .allocate(capacity: max(1, n))
        first.initialize(repeating: 0, count: n + 1)
        reached.initialize(repeating: 0, count: max(1, n))
        settled.initialize(repeating: 0, count: max(1, n))
        heapPosition.initialize(repeating: -1, count: max(1, n))
        for v in 0..<n { excess[v] = supplies[v] }
        if let warm {
            for v in 0..<n { potential[v] = warm.potentials[v] }
        } else {
            potential.initialize(repeating: 0, count: max(1, n))
        }
        for (a, arc) in arcs.enumerated() {
            head[2 * a] = Int32(truncatingIfNeeded: arc.to)
            head[2 * a + 1] = Int32(truncatingIfNeeded: arc.from)
            cost[2 * a] = arc.cost
            cost[2 * a + 1] = -arc.cost
            var flow = min(max(0, warm?.flows[a] ?? 0), arc.capacity)
            let reduced = arc.cost + potential[arc.from] - potential[arc.to]
            if reduced < 0 { flow = arc.capacity } else if reduced > 0 { flow = 0 }
            residual[2 * a] = arc.capacity - flow
            residual[2 * a + 1] = flow
            excess[arc.from] -= flow
            excess[arc.to] += flow
            first[arc.from + 1] += 1
            first[arc.to + 1] += 1
        }
        for v in 0..<n { first[v + 1] += first[v] }
        // Fill each node's slice in arc order, using `distance` as the fill cursor.
        for v in 0..<n { distance[v] = Int64(first[v]) }
        for (a, arc) in arcs.enumerated() {
            adjacency[Int(distance[arc.from])] = Int32(2 * a)
            distance[arc.from] += 1
            adjacency[Int(distance[arc.to])] = Int32(2 * a + 1)
            distance[arc.to] += 1
        }
    }

    deinit {
        for pointer in [head, parentEdge, adjacency, first, reached, settled, heapNode, heapPosition, stack] { pointer.deallocate() }
        for pointer in [residual, cost, excess, potential, distance, heapKey] { pointer.deallocate() }
    }

    /// Runs phases until no excess is left (feasible) or no deficit is reachable from any excess.
    mutating func run() -> (feasible: Bool, phases: Int) {
        var phases = 0
        while true {
            let (deficits, hasExcess) = imbalance()
            if deficits == 0 || !hasExcess { return (deficits == 0 && !hasExcess, phases) }
            phases += 1
            phase += 1
            guard let last = shortestPaths(deficits: deficits) else { return (false, phases) }
            raisePotentials(lastSettled: last)
            augmentSettledDeficits()
        }
    }

    /// Nodes with a deficit, and whether any node has excess.
    func imbalance() -> (deficits: Int, hasExcess: Bool) {
        var deficits = 0
        var hasExcess = false
        for v in 0..<nodeCount {
            let x = excess[v]
            if x < 0 { deficits += 1 } else if x > 0 { hasExcess = true }
        }
        return (deficits, hasExcess)
    }

    /// Multi-source Dijkstra on reduced costs from every node with excess, until every node with a
    /// deficit is settled. Returns the last settled distance, or nil when no deficit was reached.
    ///
    /// A node first reached at the distance being settled (a zero reduced-cost edge: most tree
    /// edges of the previous phase) goes on a stack, not the heap: it is settled next, at no heap cost.
    mutating func shortestPaths(deficits: Int) -> Int64? {
        heapCount = 0
        var stackCount = 0
        for v in 0..<nodeCount where excess[v] > 0 {
            reached[v] = phase
            distance[v] = 0
            parentEdge[v] = -1
            stack[stackCount] = Int32(v)
            stackCount += 1
        }
        var remaining = deficits
        var d: Int64 = 0
        while remaining > 0 {
            let v: Int
            if stackCount > 0 {
                stackCount -= 1
                v = Int(stack[stackCount])
            } else if heapCount > 0 {
                let (key, node) = heapPop()
                d = key
                v = Int(node)
            } else {
                break
            }
            settled[v] = phase
            if excess[v] < 0 { remaining -= 1 }
            let base = d + potential[v]
            var i = Int(first[v])
            let end = Int(first[v + 1])
            while i < end {
                let e = Int(adjacency[i])
                i += 1
                if residual[e] <= 0 { continue }
                let w = Int(head[e])
                if settled[w] == phase { continue }
                let nd = base + cost[e] - potential[w]
                if reached[w] != phase {
                    reached[w] = phase
                    distance[w] = nd
                    parentEdge[w] = Int32(e)
                    if nd == d {
                        stack[stackCount] = Int32(w)
                        stackCount += 1
                    } else {
                        heapPush(Int32(w), nd)
                    }
                } else if nd < distance[w] {
                    distance[w] = nd
                    parentEdge[w] = Int32(e)
                    heapDecrease(Int32(w), nd)
                }
            }
        }
        while heapCount > 0 { heapCount -= 1; heapPosition[Int(heapNode[heapCount])] = -1 }
        return remaining == deficits ? nil : d
    }

    /// Johnson update, capped at the last settled distance so reduced costs stay ≥ 0: every arc of
    /// the shortest-path tree now has reduced cost zero.
    func raisePotentials(lastSettled: Int64) {
        for v in 0..<nodeCount {
            potential[v] += settled[v] == phase ? distance[v] : lastSettled
        }
    }

    /// Augments along the tree path of every settled deficit, in node order, by the least of the
    /// path's residual capacities, the root's excess and the deficit.
    func augmentSettledDeficits() {
        for t in 0..<nodeCount where settled[t] == phase && excess[t] < 0 {
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

    /// The flows, cost and potentials as a `Solution`.
    func solution(arcs: [MinCostFlow.Arc], feasible: Bool, phases: Int) -> MinCostFlow.Solution {
        var flows = [Int64](repeating: 0, count: arcs.count)
        var total = 0.0
        for a in 0..<arcs.count {
            flows[a] = residual[2 * a + 1]
            total += Double(flows[a]) * Double(arcs[a].cost)
        }
        var unrouted: Int64 = 0
        for v in 0..<nodeCount { unrouted += max(0, excess[v]) }
        let potentials = [Int64](UnsafeBufferPointer(start: potential, count: nodeCount))
        return MinCostFlow.Solution(flows: flows, cost: total, potentials: potentials, feasible: feasible, unrouted: unrouted, phases: phases)
    }

    // MARK: heap (ties broken on the node index, so runs are deterministic)

    @inline(__always)
    func less(_ ka: Int64, _ na: Int32, _ kb: Int64, _ nb: Int32) -> Bool { ka < kb || (ka == kb && na < nb) }

    mutating func heapPush(_ node: Int32, _ key: Int64) {
        heapCount += 1
        siftUp(heapCount - 1, node, key)
    }

    func heapDecrease(_ node: Int32, _ key: Int64) {
        siftUp(Int(heapPosition[Int(node)]), node, key)
    }

    @inline(__always)
    func siftUp(_ start: Int, _ node: Int32, _ key: Int64) {
        var i = start
        while i > 0 {
            let p = (i - 1) >> 2
            guard less(key, node, heapKey[p], heapNode[p]) else { break }
            heapKey[i] = heapKey[p]
            heapNode[i] = heapNode[p]
            heapPosition[Int(heapNode[i])] = Int32(i)
            i = p
        }
        heapKey[i] = key
        heapNode[i] = node
        heapPosition[Int(node)] = Int32(i)
    }

    mutating func heapPop() -> (Int64, Int32) {
        let topKey = heapKey[0]
        let topNode = heapNode[0]
        heapPosition[Int(topNode)] = -1
        heapCount -= 1
        let count = heapCount
        if count > 0 {
            let key = heapKey[count]
            let node = heapNode[count]
            var i = 0
            while true {
                let c0 = 4 * i + 1
                if c0 >= count { break }
                var best = c0
                var c = c0 + 1
                let end = min(c0 + 4, count)
                while c < end {
                    if less(heapKey[c], heapNode[c], heapKey[best], heapNode[best]) { best = c }
                    c += 1
                }
                guard less(heapKey[best], heapNode[best], key, node) else { break }
                heapKey[i] = heapKey[best]
                heapNode[i] = heapNode[best]
                heapPosition[Int(heapNode[i])] = Int32(i)
                i = best
            }
            heapKey[i] = key
            heapNode[i] = node
            heapPosition[Int(node)] = Int32(i)
        }
        return (topKey, topNode)
    }
}
