/// The optimality certificate of a min-cost flow: primal feasibility plus dual feasibility of the
/// potentials, which together (with complementary slackness) prove the flow optimal for the
/// continuous problem, not just among integral flows.
///
/// For an arc `a = (u, v)` with cost `c`, capacity `U` and flow `x`, the reduced cost is
/// `r = c + π(u) − π(v)`. The flow is optimal if and only if there are potentials with
/// - `r ≥ 0` on every arc with residual capacity (`x < U`),
/// - `r ≤ 0` on every arc carrying flow (`x > 0`),
/// which is complementary slackness: `r > 0 ⇒ x = 0`, `r < 0 ⇒ x = U`, `0 < x < U ⇒ r = 0`.
/// The check also recomputes the dual objective `−Σ b(v)π(v) − Σ U·max(0, −r)` and compares it
/// with the primal cost (strong duality).
public struct Certificate: Sendable {
    /// Every violation found, as human-readable lines; empty when the solution is certified optimal.
    public static func check(network: MinCostFlow, supplies: [Int64], solution: MinCostFlow.Solution) -> [String] {
        var violations: [String] = []
        let n = network.nodeCount
        guard supplies.count == n, solution.potentials.count == n, solution.flows.count == network.arcs.count else {
            return ["shape: \(supplies.count) supplies, \(solution.potentials.count) potentials for \(n) nodes; \(solution.flows.count) flows for \(network.arcs.count) arcs"]
        }
        if !solution.feasible { violations.append("solver reported the supplies infeasible (\(solution.unrouted) unrouted)") }
        var net = [Int64](repeating: 0, count: n)
        var primal = 0.0
        var dualPenalty = 0.0
        for (a, arc) in network.arcs.enumerated() {
            let x = solution.flows[a]
            if x < 0 || x > arc.capacity {
                violations.append("capacity: arc \(a) \(arc.from)->\(arc.to) flow \(x) outside [0, \(arc.capacity)]")
            }
            net[arc.from] += x
            net[arc.to] -= x
            let (sum, o1) = arc.cost.addingReportingOverflow(solution.potentials[arc.from])
            let (reduced, o2) = sum.subtractingReportingOverflow(solution.potentials[arc.to])
            if o1 || o2 {
                violations.append("overflow computing the reduced cost of arc \(a)")
                continue
            }
            if x < arc.capacity && reduced < 0 {
                violations.append("dual feasibility: arc \(a) \(arc.from)->\(arc.to) has residual capacity and reduced cost \(reduced) < 0")
            }
            if x > 0 && reduced > 0 {
                violations.append("complementary slackness: arc \(a) \(arc.from)->\(arc.to) carries \(x) with reduced cost \(reduced) > 0")
            }
            primal += Double(x) * Double(arc.cost)
            if reduced < 0 { dualPenalty += Double(arc.capacity) * Double(-reduced) }
        }
        var dual = -dualPenalty
        var magnitude = dualPenalty
        for v in 0..<n {
            if net[v] != supplies[v] {
                violations.append("conservation: node \(v) sends \(net[v]) net, supply is \(supplies[v])")
            }
            let term = Double(supplies[v]) * Double(solution.potentials[v])
            dual -= term
            magnitude += abs(term)
        }
        let scale = max(1.0, abs(primal), magnitude)
        if abs(primal - dual) > 1e-9 * scale {
            violations.append("duality gap: primal \(primal), dual \(dual)")
        }
        if abs(primal - solution.cost) > 1e-9 * max(1.0, abs(primal)) {
            violations.append("reported cost \(solution.cost) differs from Σ flow × cost = \(primal)")
        }
        return violations
    }

    /// The certificate of the final linear program an optimized plan was read from.
    public static func check(_ plan: OptimizedPlan) -> [String] {
        check(network: plan.network, supplies: plan.supplies, solution: plan.solution)
    }
}
