import RebalancerCore

/// Seeded price paths for the scenarios beyond one trend, one close per tick, replayed by the
/// simulator (`PricePath.replay`). Deterministic for a seed (`SeededRandom`, `PortableMath`).
///
/// Every path is a calm geometric random walk (annualised volatility `calm`) except where said.
public enum PriceShapes {
    /// A calm walk with a move of `factor` (0.7: −30%) spread evenly over `moveTicks` ticks,
    /// starting at a seeded tick between a quarter and three quarters of the path.
    public static func suddenMove(seed: UInt64, ticks: Int, initialPrice: Double, secondsPerTick: Double, factor: Double, moveTicks: Int = 60, calm: Double = 0.8) -> [Double] {
        var random = SeededRandom(seed: seed)
        let n = max(1, ticks)
        let span = max(1, n / 2)
        let start = n / 4 + Int(random.nextUniform() * Double(span))
        let step = PortableMath.log(factor) / Double(max(1, moveTicks))
        let diffusion = calm * (secondsPerTick / PricePath.secondsPerYear).squareRoot()
        var price = initialPrice
        var closes: [Double] = []
        closes.reserveCapacity(n)
        for t in 0..<n {
            let z = random.nextGaussian()
            let r = t >= start && t < start + moveTicks ? step : diffusion * z - diffusion * diffusion / 2
            price *= PortableMath.exp(r)
            closes.append(price)
        }
        return closes
    }

    /// GARCH(1,1) returns: `σ²ₜ = ω + α r²ₜ₋₁ + β σ²ₜ₋₁`, `rₜ = σₜ zₜ`, with persistence `α + β`
    /// and long-run annualised volatility `longRun` (`ω = v̄ (1 − α − β)`): volatility clusters.
    public static func garch(seed: UInt64, ticks: Int, initialPrice: Double, secondsPerTick: Double, longRun: Double = 0.9, alpha: Double = 0.08, beta: Double = 0.9) -> [Double] {
        var random = SeededRandom(seed: seed)
        let longRunVariance = longRun * longRun * secondsPerTick / PricePath.secondsPerYear
        let omega = longRunVariance * max(0, 1 - alpha - beta)
        var variance = longRunVariance
        var price = initialPrice
        var closes: [Double] = []
        closes.reserveCapacity(max(1, ticks))
        for _ in 0..<max(1, ticks) {
            let r = variance.squareRoot() * random.nextGaussian()
            price *= PortableMath.exp(r - variance / 2)
            closes.append(price)
            variance = omega + alpha * r * r + beta * variance
        }
        return closes
    }

    /// A quiet mean-reverting month: the log price is an Ornstein-Uhlenbeck process around its
    /// start, `dx = −κ x dt + σ dW`, with volatility `volatility` and a reversion half-life of
    /// `halfLifeHours`.
    public static func meanReverting(seed: UInt64, ticks: Int, initialPrice: Double, secondsPerTick: Double, volatility: Double = 0.3, halfLifeHours: Double = 24) -> [Double] {
        var random = SeededRandom(seed: seed)
        let dt = secondsPerTick / PricePath.secondsPerYear
        let kappa = 0.693_147_180_559_945_3 / (max(halfLifeHours, 1e-9) / (365 * 24))
        let diffusion = volatility * dt.squareRoot()
        var x = 0.0
        var closes: [Double] = []
        closes.reserveCapacity(max(1, ticks))
        for _ in 0..<max(1, ticks) {
            x += -kappa * x * dt + diffusion * random.nextGaussian()
            closes.append(initialPrice * PortableMath.exp(x))
        }
        return closes
    }
}
