import RebalancerCore

/// A maximum flow on a directed network with integer capacities (Dinic's algorithm: BFS levels,
/// then blocking flows along them). The hindsight feasibility check is its one user: whether a
/// network with lower bounds admits a flow reduces to one maximum flow.
struct MaxFlow {
    private var head: [Int]
    private var next: [Int] = []
    private var to: [Int] = []
    private var capacity: [Int64] = []

    /// A network of `nodes` nodes, numbered from 0.
    init(nodes: Int) { head = Array(repeating: -1, count: nodes) }

    /// Number of nodes.
    var nodeCount: Int { head.count }

    /// Adds a node and returns its number.
    mutating func addNode() -> Int {
        head.append(-1)
        return head.count - 1
    }

    /// Adds an arc `from → to` of this capacity (and its residual twin); returns the arc's number.
    @discardableResult
    mutating func addArc(from: Int, to target: Int, capacity c: Int64) -> Int {
        next.append(head[from]); to.append(target); capacity.append(max(0, c)); head[from] = to.count - 1
        next.append(head[target]); to.append(from); capacity.append(0); head[target] = to.count - 1
        return to.count - 2
    }

    /// The flow `maximize` sent along arc `arc` (the capacity its residual twin gained).
    func flow(on arc: Int) -> Int64 { capacity[arc ^ 1] }

    /// The value of a maximum flow from `source` to `sink`; the network keeps the residual capacities.
    mutating func maximize(from source: Int, to sink: Int) -> Int64 {
        var total: Int64 = 0
        var level = [Int](repeating: -1, count: head.count)
        var cursor = head
        var queue = [Int]()
        queue.reserveCapacity(head.count)
        while true {
            for i in level.indices { level[i] = -1 }
            level[source] = 0
            queue.removeAll(keepingCapacity: true)
            queue.append(source)
            var q = 0
            while q < queue.count {
                let v = queue[q]; q += 1
                var e = head[v]
                while e >= 0 {
                    if capacity[e] > 0 && level[to[e]] < 0 {
                        level[to[e]] = level[v] + 1
                        queue.append(to[e])
                    }
                    e = next[e]
                }
            }
            guard level[sink] >= 0 else { return total }
            cursor = head
            while true {
                let pushed = push(from: source, to: sink, limit: .max, level: level, cursor: &cursor)
                if pushed == 0 { break }
                total += pushed
            }
        }
    }

    /// One augmenting path along increasing levels, found depth first with an explicit stack (the
    /// paths of a time-expanded network are thousands of arcs long).
    private mutating func push(from source: Int, to sink: Int, limit: Int64, level: [Int], cursor: inout [Int]) -> Int64 {
        var path: [Int] = []  // arcs
        var v = source
        while true {
            if v == sink {
                var amount = limit
                for e in path { amount = min(amount, capacity[e]) }
                for e in path {
                    capacity[e] -= amount
                    capacity[e ^ 1] += amount
                }
                return amount
            }
            var advanced = false
            while cursor[v] >= 0 {
                let e = cursor[v]
                if capacity[e] > 0 && level[to[e]] == level[v] + 1 {
                    path.append(e)
                    v = to[e]
                    advanced = true
                    break
                }
                cursor[v] = next[e]
            }
            if advanced { continue }
            // Dead end: retreat one arc and skip it from now on.
            guard let last = path.popLast() else { return 0 }
            v = to[last ^ 1]
            cursor[v] = next[cursor[v]]
        }
    }
}
