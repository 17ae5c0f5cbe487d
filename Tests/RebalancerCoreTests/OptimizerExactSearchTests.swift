import Testing
@testable import RebalancerCore
import RebalancerSimulation

/// The dense simplex and the exact search on small networks (docs/optimizer.md §5).
@Suite struct OptimizerExactSearchTests {
    /// The Lagrangian bound of a result's multipliers: `−λᵀb + Σ_j min(0, (c_j + λᵀA_j) u_j)`.
    static func lagrangianBound(_ result: BoundedSimplex.Result, c: [Double], a: [Double], b: [Double], upper: [Double]) -> Double {
        var bound = 0.0
        for (i, lambda) in result.multipliers.enumerated() { bound -= lambda * b[i] }
        for j in c.indices {
            var reduced = c[j]
            for i in b.indices { reduced += result.multipliers[i] * a[i * c.count + j] }
            bound += min(0, reduced * upper[j])
        }
        return bound
    }

    @Test func simplexSolvesAPackingProgramAndItsMultipliersProveIt() {
        // min −x₁ − 2x₂  s.t.  x₁ + x₂ ≤ 4,  x₂ ≤ 3,  0 ≤ x ≤ 10: x = (1, 3), −7, λ = (1, 1).
        let c = [-1.0, -2.0], a = [1.0, 1.0, 0.0, 1.0], b = [4.0, 3.0], upper = [10.0, 10.0]
        let result = BoundedSimplex.solve(c: c, a: a, b: b, upper: upper)
        #expect(result.optimal)
        #expect(abs(result.x[0] - 1) < 1e-9 && abs(result.x[1] - 3) < 1e-9)
        #expect(abs(result.objective + 7) < 1e-9)
        #expect(abs(result.multipliers[0] - 1) < 1e-9 && abs(result.multipliers[1] - 1) < 1e-9)
        #expect(abs(Self.lagrangianBound(result, c: c, a: a, b: b, upper: upper) + 7) < 1e-9)
    }

    @Test func simplexStopsAtAVariablesOwnUpperBound() {
        // min −x₁ + x₂  s.t.  x₁ + x₂ ≤ 10,  0 ≤ x₁ ≤ 3: a bound flip, no pivot; the row is slack (λ = 0).
        let result = BoundedSimplex.solve(c: [-1, 1], a: [1, 1], b: [10], upper: [3, 5])
        #expect(result.optimal)
        #expect(result.x == [3, 0])
        #expect(result.multipliers == [0])
    }

    @Test func simplexMatchesEnumerationOnRandomPrograms() {
        // Two variables, three rows: the optimum is at a vertex of the box cut by the rows; compare
        // with a fine grid (the grid can only be worse), and the multipliers' bound can only be lower.
        var random = SeededRandom(seed: 7)
        for _ in 0..<100 {
            let c = (0..<2).map { _ in Double(random.next() % 21) - 10 }
            let a = (0..<6).map { _ in Double(random.next() % 5) }
            let b = (0..<3).map { _ in Double(random.next() % 20) }
            let upper = (0..<2).map { _ in Double(1 + random.next() % 10) }
            let result = BoundedSimplex.solve(c: c, a: a, b: b, upper: upper)
            #expect(result.optimal)
            var best = 0.0
            for i in 0...24 {
                for j in 0...24 {
                    let x = [upper[0] * Double(i) / 24, upper[1] * Double(j) / 24]
                    let fits = (0..<3).allSatisfy { a[$0 * 2] * x[0] + a[$0 * 2 + 1] * x[1] <= b[$0] + 1e-9 }
                    if fits { best = min(best, c[0] * x[0] + c[1] * x[1]) }
                }
            }
            for r in 0..<3 { #expect(a[r * 2] * result.x[0] + a[r * 2 + 1] * result.x[1] <= b[r] + 1e-7) }
            #expect(result.objective <= best + 1e-7)
            #expect(Self.lagrangianBound(result, c: c, a: a, b: b, upper: upper) <= result.objective + 1e-7)
            #expect(Self.lagrangianBound(result, c: c, a: a, b: b, upper: upper) >= result.objective - 1e-6)
        }
    }

    /// The five oracle instances branch and bound alone left above the MILP optimum (docs/optimizer.md
    /// §7), with HiGHS's optimum for each (`docs/tools/optimizer_milp.py`).
    static let traced: [(index: UInt64, optimum: Double)] = [
        (26, 343_307_058.96), (125, 264_835_133.87), (145, 195_237_374.51), (202, 838_715_441.77), (209, 694_687_530.29),
    ]

    @Test(arguments: OptimizerExactSearchTests.traced.map(\.index))
    func theTracedOracleInstancesAreProvenOptimal(index: UInt64) {
        let size = 3 + Int(index % 7)
        let (topology, views) = index % 2 == 0 ? OptimizerBenchmark.realisticInstance(venues: size, seed: 13_000 + index)
            : OptimizerBenchmark.randomInstance(venues: size, seed: 13_000 + index)
        let optimum = Self.traced.first { $0.index == index }!.optimum
        let plan = TransferOptimizer().solve(views: views, topology: topology)
        #expect(plan.provenOptimal, "instance \(index): plan \(plan.objective), bound \(plan.lowerBound)")
        #expect(abs(plan.objective - optimum) <= max(100, 1e-6 * optimum), "instance \(index): plan \(plan.objective), MILP \(optimum)")
        #expect(plan.lowerBound <= optimum + max(100, 1e-6 * optimum))
        #expect(plan.objective == planCost(plan.transfers, views: views, topology: topology))
    }
}
