import Testing
@testable import RebalancerCore
import RebalancerSimulation

@Suite struct OptimizerMinCostFlowTests {
    @Test func solvesASmallTransportationProblem() {
        // Two suppliers (0, 1), two consumers (2, 3); the cheap arcs cannot carry everything.
        var network = MinCostFlow(nodes: 4)
        let a02 = network.addArc(from: 0, to: 2, capacity: 5, cost: 1)
        let a03 = network.addArc(from: 0, to: 3, capacity: 10, cost: 4)
        let a12 = network.addArc(from: 1, to: 2, capacity: 10, cost: 3)
        let a13 = network.addArc(from: 1, to: 3, capacity: 10, cost: 2)
        let supplies: [Int64] = [8, 7, -7, -8]
        let solution = network.solve(supplies: supplies)
        #expect(solution.feasible)
        #expect(solution.flows[a02] == 5)
        #expect(solution.flows[a12] == 2)
        #expect(solution.flows[a13] == 5)
        #expect(solution.flows[a03] == 3)
        #expect(solution.cost == 33)   // 5·1 + 2·3 + 5·2 + 3·4
        #expect(Certificate.check(network: network, supplies: supplies, solution: solution).isEmpty)
    }

    @Test func routesThroughIntermediateNodes() {
        var network = MinCostFlow(nodes: 3)
        let direct = network.addArc(from: 0, to: 2, capacity: 10, cost: 10)
        let first = network.addArc(from: 0, to: 1, capacity: 4, cost: 2)
        let second = network.addArc(from: 1, to: 2, capacity: 10, cost: 3)
        let solution = network.solve(supplies: [6, 0, -6])
        #expect(solution.flows[first] == 4)
        #expect(solution.flows[second] == 4)
        #expect(solution.flows[direct] == 2)
        #expect(Certificate.check(network: network, supplies: [6, 0, -6], solution: solution).isEmpty)
    }

    @Test func saturatesNegativeCostArcsAndCycles() {
        // A negative cycle 1 -> 2 -> 1 is saturated even with no supply at all.
        var network = MinCostFlow(nodes: 3)
        network.addArc(from: 0, to: 1, capacity: 5, cost: 1)
        let there = network.addArc(from: 1, to: 2, capacity: 3, cost: -4)
        let back = network.addArc(from: 2, to: 1, capacity: 2, cost: 1)
        let supplies: [Int64] = [0, 0, 0]
        let solution = network.solve(supplies: supplies)
        #expect(solution.feasible)
        #expect(solution.flows[there] == 2)
        #expect(solution.flows[back] == 2)
        #expect(Certificate.check(network: network, supplies: supplies, solution: solution).isEmpty)
    }

    @Test func reportsInfeasibleSuppliesWithoutCrashing() {
        var network = MinCostFlow(nodes: 3)
        network.addArc(from: 0, to: 1, capacity: 2, cost: 1)
        let solution = network.solve(supplies: [5, 0, -5])
        #expect(!solution.feasible)
        #expect(solution.unrouted == 5)
        #expect(solution.flows == [0])
    }

    @Test func certificateFlagsASuboptimalOrBrokenFlow() {
        var network = MinCostFlow(nodes: 3)
        network.addArc(from: 0, to: 2, capacity: 10, cost: 10)
        network.addArc(from: 0, to: 1, capacity: 10, cost: 1)
        network.addArc(from: 1, to: 2, capacity: 10, cost: 1)
        let supplies: [Int64] = [4, 0, -4]
        var solution = network.solve(supplies: supplies)
        #expect(Certificate.check(network: network, supplies: supplies, solution: solution).isEmpty)
        // Move the flow onto the expensive direct arc: conservation holds, optimality does not.
        solution.flows = [4, 0, 0]
        solution.cost = 40
        let violations = Certificate.check(network: network, supplies: supplies, solution: solution)
        #expect(violations.contains { $0.hasPrefix("complementary slackness") })
        solution.flows = [5, 0, 0]
        solution.cost = 50
        #expect(Certificate.check(network: network, supplies: supplies, solution: solution).contains { $0.hasPrefix("conservation") })
    }

    /// Random connected networks with supplies made from a random feasible flow: every solution
    /// carries a valid certificate and costs no more than the flow the supplies were made from.
    @Test func randomNetworksAreCertifiedOptimal() {
        var rng = SeededRandom(seed: 20_240_601)
        for instance in 0..<200 {
            let n = 2 + Int(rng.next() % 30)
            var network = MinCostFlow(nodes: n)
            var witness: [Int64] = []
            for v in 0..<n {
                // A ring keeps it connected; then random extra arcs, some of negative cost.
                witness.append(Int64(rng.next() % 50))
                network.addArc(from: v, to: (v + 1) % n, capacity: 50 + witness.last!, cost: Int64(rng.next() % 100))
            }
            for _ in 0..<(n * Int(1 + rng.next() % 4)) {
                let u = Int(rng.next() % UInt64(n))
                let v = Int(rng.next() % UInt64(n))
                guard u != v else { continue }
                let capacity = Int64(rng.next() % 100)
                let cost = Int64(rng.next() % 120) - (rng.next() % 10 == 0 ? 60 : 0)
                witness.append(Int64(rng.next() % UInt64(capacity + 1)))
                network.addArc(from: u, to: v, capacity: capacity, cost: cost)
            }
            var supplies = [Int64](repeating: 0, count: n)
            var witnessCost = 0.0
            for (a, arc) in network.arcs.enumerated() {
                supplies[arc.from] += witness[a]
                supplies[arc.to] -= witness[a]
                witnessCost += Double(witness[a] * arc.cost)
            }
            let solution = network.solve(supplies: supplies)
            let violations = Certificate.check(network: network, supplies: supplies, solution: solution)
            #expect(violations.isEmpty, "instance \(instance): \(violations.prefix(3))")
            #expect(solution.cost <= witnessCost, "instance \(instance)")
        }
    }
}

/// Warm starts (branch and bound's children, the heuristic's re-solves) reach the same optimum as a
/// cold solve after capacity and cost changes.
@Suite struct OptimizerWarmStartTests {
    @Test func warmStartedSolvesMatchColdSolves() {
        var rng = SeededRandom(seed: 7_130_013)
        for instance in 0..<150 {
            let n = 3 + Int(rng.next() % 25)
            var network = MinCostFlow(nodes: n)
            var supplies = [Int64](repeating: 0, count: n)
            for v in 0..<n {
                network.addArc(from: v, to: (v + 1) % n, capacity: 40 + Int64(rng.next() % 60), cost: Int64(rng.next() % 100))
            }
            for _ in 0..<(3 * n) {
                let (u, v) = (Int(rng.next() % UInt64(n)), Int(rng.next() % UInt64(n)))
                guard u != v else { continue }
                network.addArc(from: u, to: v, capacity: Int64(rng.next() % 80), cost: Int64(rng.next() % 150))
            }
            // A source and a sink whose supply the ring can always carry.
            let amount = Int64(rng.next() % 40)
            supplies[0] += amount
            supplies[n / 2] -= amount
            let first = network.solve(supplies: supplies)
            #expect(first.feasible)
            var changed = network
            for _ in 0..<3 {
                let a = n + Int(rng.next() % UInt64(max(1, network.arcs.count - n)))
                guard a < network.arcs.count else { continue }
                if rng.next() % 2 == 0 { changed.setCapacity(a, 0) } else { changed.setCost(a, Int64(rng.next() % 150)) }
            }
            let cold = changed.solve(supplies: supplies)
            let warm = changed.solve(supplies: supplies, warmStart: first)
            #expect(warm.cost == cold.cost, "instance \(instance)")
            #expect(Certificate.check(network: changed, supplies: supplies, solution: warm).isEmpty, "instance \(instance)")
            // Re-solving an unchanged network from its own optimum takes no phase.
            #expect(network.solve(supplies: supplies, warmStart: first).phases == 0)
        }
    }
}
