extension OptimizerInstance {
    /// The linear program: one network per instance, whose capacities and costs the solve loop adjusts.
    struct LPResult {
        var network: MinCostFlow
        var supplies: [Int64]
        var solution: MinCostFlow.Solution
        /// Arc index per candidate, −1 when absent.
        var arcOf: [Int]
        /// Per venue: the arc that bounds what it sends (S* → out), or −1.
        var budgetArc: [Int]
        var nodeOfVenue: [Int]
        var superSource: Int
    }

    /// Builds the network: S*, an in-node per venue with demand, an out-node per venue that can
    /// send, and arcs S* → out (supply), out → in (routes) and S* → in (unmet demand, cost P).
    /// Route arcs cost `unitCost` plus `fixedFee / usable` (the fixed fee spread over the most the
    /// route can deliver: the convex envelope, a valid relaxation of the fixed charge).
    func buildNetwork(scale: Double, unmetCost: Int64) -> LPResult {
        let n = costs.venueCount
        var network = MinCostFlow(nodes: 1)
        let superSource = 0
        var supplies: [Int64] = [0]
        var inNode = [Int](repeating: -1, count: n)
        var outNode = [Int](repeating: -1, count: n)
        var totalDemand: Int64 = 0
        for v in 0..<n {
            let role = roles[v]
            if role.demand > 0 {
                inNode[v] = network.addNode()
                supplies.append(-role.demand)
                totalDemand += role.demand
            }
            if role.supply > 0 {
                outNode[v] = network.addNode()
                supplies.append(0)
            }
        }
        supplies[superSource] = totalDemand
        // A venue's budget counts delivered units: what it sends, less at least the lowest fee rate
        // of its routes (Σ x_e ≤ Σ (1 − ρ_e) a_e ≤ (1 − ρ_min) · supply), a valid and tighter cap.
        // (Plus a cent per route: a fee rounded to the cent can be half a cent under ρ·a.)
        var lowestRate = [Double](repeating: 1, count: n)
        var routesOut = [Amount](repeating: 0, count: n)
        for c in candidates {
            lowestRate[c.from] = min(lowestRate[c.from], topology.routes[c.route].feeBps / 10_000)
            routesOut[c.from] += 1
        }
        var budgetArc = [Int](repeating: -1, count: n)
        for v in 0..<n {
            if roles[v].supply > 0 {
                let delivered = Amount((Double(roles[v].supply) * (1 - min(1, lowestRate[v]))).rounded(.down)) + routesOut[v]
                budgetArc[v] = network.addArc(from: superSource, to: outNode[v], capacity: min(roles[v].supply, max(0, delivered)), cost: 0)
            }
            if roles[v].demand > 0 {
                network.addArc(from: superSource, to: inNode[v], capacity: roles[v].demand, cost: unmetCost)
            }
        }
        var arcOf = [Int](repeating: -1, count: candidates.count)
        for (e, c) in candidates.enumerated() where outNode[c.from] >= 0 && inNode[c.to] >= 0 {
            let amortized = Double(c.fixedFee) / Double(c.usable)
            arcOf[e] = network.addArc(from: outNode[c.from], to: inNode[c.to], capacity: c.usable, cost: Self.scaled(c.unitCost + amortized, scale))
        }
        var nodeOfVenue = inNode
        for v in 0..<n where nodeOfVenue[v] < 0 { nodeOfVenue[v] = outNode[v] }
        let empty = MinCostFlow.Solution(flows: [], cost: 0, potentials: [], feasible: false, unrouted: 0, phases: 0)
        return LPResult(network: network, supplies: supplies, solution: empty, arcOf: arcOf, budgetArc: budgetArc, nodeOfVenue: nodeOfVenue, superSource: superSource)
    }

    /// A cost per unit as an integer arc cost, at least one unit so that optimal flows are acyclic.
    static func scaled(_ cost: Double, _ scale: Double) -> Int64 { max(1, Int64((cost * scale).rounded())) }

    /// Delivered flow per candidate in an LP solution (plus `extra`, the forced lower bounds of a
    /// branch-and-bound node).
    func delivered(_ lp: LPResult, extra: [Amount]? = nil) -> [Amount] {
        var out = [Amount](repeating: 0, count: candidates.count)
        for (e, arc) in lp.arcOf.enumerated() where arc >= 0 {
            out[e] = lp.solution.flows[arc] + (extra?[e] ?? 0)
        }
        return out
    }
}
