/// A small dense linear-programming solver: the bounded-variable primal simplex on a full tableau,
/// for packing programs
///
/// ```
/// minimise  cᵀx   subject to  A x ≤ b,  0 ≤ x ≤ u      (A ≥ 0, b ≥ 0: x = 0 is feasible)
/// ```
///
/// `ExactSearch` solves each branch-and-bound node's lossy linear program (fee loss included) with
/// it on small networks (docs/optimizer.md §5). Entering variable: the largest reduced cost
/// (Dantzig), switching to Bland's rule (smallest index) after `blandAfter` pivots, which cannot
/// cycle. The result carries the multipliers `λ ≥ 0` of the rows, from which the caller computes a
/// Lagrangian bound that is valid whatever the floating-point error of the solve.
struct BoundedSimplex {
    /// The result of a solve.
    struct Result {
        /// The values of the variables (within their bounds).
        var x: [Double]
        /// The objective `cᵀx`.
        var objective: Double
        /// The rows' multipliers, `λ ≥ 0`: the reduced costs of their slacks.
        var multipliers: [Double]
        /// Pivots and bound flips taken.
        var pivots: Int
        /// False when the iteration limit ended the solve first (`x` is then feasible, not optimal).
        var optimal: Bool
    }

    /// Pivots after which the entering rule becomes Bland's.
    static let blandAfter = 200
    /// Pivots at most per solve.
    static let iterationLimit = 5_000
    /// Reduced costs this close to zero count as zero.
    static let costTolerance = 1e-11
    /// Tableau entries this close to zero are not pivoted on.
    static let pivotTolerance = 1e-9

    /// Solves the program; `a` is row-major, `rows × c.count`, every entry ≥ 0; `b ≥ 0`.
    static func solve(c: [Double], a: [Double], b: [Double], upper: [Double]) -> Result {
        let n = c.count
        let m = b.count
        let width = n + m
        // Tableau: B⁻¹[A | I], row-major; basic values; reduced costs of every column.
        var t = [Double](repeating: 0, count: m * width)
        for i in 0..<m {
            for j in 0..<n { t[i * width + j] = a[i * n + j] }
            t[i * width + n + i] = 1
        }
        var value = b
        var basis = Array(n..<width)
        var reduced = c + [Double](repeating: 0, count: m)
        var bound = upper + [Double](repeating: .infinity, count: m)
        for j in 0..<width where bound[j] < 0 { bound[j] = 0 }
        var atUpper = [Bool](repeating: false, count: width)
        var isBasic = [Bool](repeating: false, count: width)
        for j in n..<width { isBasic[j] = true }
        var pivots = 0
        var optimal = false
        while pivots < iterationLimit {
            // Entering: a nonbasic column whose move off its bound lowers the objective.
            var enter = -1
            var best = 0.0
            for j in 0..<width where !isBasic[j] && bound[j] > 0 {
                let d = reduced[j]
                let gain = atUpper[j] ? d : -d
                guard gain > costTolerance else { continue }
                if pivots >= blandAfter { enter = j; break }
                if gain > best { best = gain; enter = j }
            }
            if enter < 0 { optimal = true; break }
            pivots += 1
            let direction = atUpper[enter] ? -1.0 : 1.0
            // Ratio test: the entering column's own range, and every basic variable's bounds.
            var step = bound[enter]
            var leave = -1
            for i in 0..<m {
                let alpha = direction * t[i * width + enter]
                if alpha > pivotTolerance {
                    let limit = max(0, value[i]) / alpha
                    if limit < step || (limit == step && leave >= 0 && basis[i] < basis[leave]) { step = limit; leave = i }
                } else if alpha < -pivotTolerance, bound[basis[i]].isFinite {
                    let limit = max(0, bound[basis[i]] - value[i]) / -alpha
                    if limit < step || (limit == step && leave >= 0 && basis[i] < basis[leave]) { step = limit; leave = i }
                }
            }
            guard step.isFinite else { break }   // unbounded: impossible with finite upper bounds
            for i in 0..<m { value[i] -= direction * step * t[i * width + enter] }
            if leave < 0 {
                atUpper[enter].toggle()   // a bound flip: no pivot
                continue
            }
            let leaving = basis[leave]
            let leavesAtUpper = direction * t[leave * width + enter] < 0
            let entered = (atUpper[enter] ? bound[enter] : 0) + direction * step
            // Pivot on (leave, enter).
            let p = t[leave * width + enter]
            for j in 0..<width { t[leave * width + j] /= p }
            for i in 0..<m where i != leave {
                let f = t[i * width + enter]
                guard f != 0 else { continue }
                for j in 0..<width { t[i * width + j] -= f * t[leave * width + j] }
            }
            let f = reduced[enter]
            for j in 0..<width { reduced[j] -= f * t[leave * width + j] }
            reduced[enter] = 0
            basis[leave] = enter
            value[leave] = min(max(entered, 0), bound[enter])
            isBasic[enter] = true
            isBasic[leaving] = false
            atUpper[leaving] = leavesAtUpper
            atUpper[enter] = false
        }
        var x = [Double](repeating: 0, count: n)
        for j in 0..<n where !isBasic[j] && atUpper[j] { x[j] = bound[j] }
        for (i, j) in basis.enumerated() where j < n { x[j] = min(max(value[i], 0), bound[j]) }
        var objective = 0.0
        for j in 0..<n { objective += c[j] * x[j] }
        let multipliers = (0..<m).map { max(0, reduced[n + $0]) }
        return Result(x: x, objective: objective, multipliers: multipliers, pivots: pivots, optimal: optimal)
    }
}
