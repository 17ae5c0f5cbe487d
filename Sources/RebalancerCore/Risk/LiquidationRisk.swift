/// The chance that a venue's margin ratio reaches a level before capital sent now can arrive.
///
/// A relative price move `x` moves the ratio `balance / M` by about `k × x` (`k = 1 + notional / M`,
/// see `RiskBands`), so over a horizon of `T` seconds at annualised volatility `σ` the ratio moves
/// like a driftless Brownian motion with standard deviation `m = k σ √(T / year)`. By the
/// reflection principle the probability that it touches a level `d` below where it starts within
/// the horizon is `2 Φ(−d / m)`; the buffer that keeps that probability at `ε` is
/// `d = m Φ⁻¹(1 − ε / 2)`.
public enum LiquidationRisk {
    /// Probability that a ratio starting `distance` above a level touches it within a horizon over
    /// which the ratio's standard deviation is `move`: `2 Φ(−distance / move)`, 1 at or below the level.
    public static func touchProbability(distance: Double, move: Double) -> Double {
        guard distance > 0 else { return 1 }
        guard move > 0, move.isFinite else { return move.isFinite ? 0 : 1 }
        return min(1, 2 * NormalDistribution.cdf(-distance / move))
    }

    /// The distance above a level that keeps `touchProbability` at `bound` (0 < bound < 1).
    public static func buffer(bound: Double, move: Double) -> Double {
        guard move > 0, move.isFinite else { return move.isFinite ? 0 : .infinity }
        let p = min(max(bound, 1e-15), 1)
        return move * max(0, NormalDistribution.quantile(1 - p / 2))
    }
}
