/// A volatility forecast that reacts to regime changes: a fast and a slow EWMA of squared log
/// returns, a jump detector, and a GARCH(1,1)-style term structure between them.
///
/// Per tick, with `r` the log return:
/// - fast `f ← λf f + (1 − λf) r²` (λf = 0.94, half-life ≈ 11 ticks), slow `v ← λs v + (1 − λs) r²`
///   (λs = 0.998, half-life ≈ 350 ticks): `v` is the long-run level, `f` the current regime;
/// - jump detection: when `r² > jumpZ² × max(f, v)` (a move of more than `jumpZ` current standard
///   deviations) the fast variance is reset to `r²` at once, instead of taking a dozen ticks to get
///   there: a crash or a squeeze raises the forecast on its first tick;
/// - forecast: the average per-tick variance over the next `H` ticks is
///   `v + (f − v) × (1 − φ^H) / ((1 − φ) H)`, the GARCH(1,1) term structure with persistence `φ`
///   (0.99: a regime decays towards the long-run level with a half-life of ≈ 69 ticks). A short
///   horizon sees the current regime, a long one the long-run level; after a shock the forecast
///   stays above the calm level until the slow average has forgotten it.
///
/// Pure and deterministic (IEEE arithmetic and `PortableMath` only).
public struct VolatilityForecast: Sendable, Equatable, Codable {
    /// Decay of the fast EWMA per tick.
    public var fastDecay: Double
    /// Decay of the slow EWMA per tick.
    public var slowDecay: Double
    /// A return larger than this many current standard deviations resets the fast variance.
    public var jumpZ: Double
    /// Per-tick persistence `φ` of a departure of the fast variance from the slow one.
    public var persistence: Double
    /// Fast per-tick variance `f`.
    public private(set) var fast: Double
    /// Slow per-tick variance `v`.
    public private(set) var slow: Double
    /// Jumps detected so far.
    public private(set) var jumps: Int

    /// Creates a forecast seeded with a per-tick variance (both averages start there).
    public init(initialVariance: Double, fastDecay: Double = RiskUnits.volatilityDecay, slowDecay: Double = 0.998, jumpZ: Double = 4, persistence: Double = 0.99) {
        let start = initialVariance.isFinite ? max(0, initialVariance) : 0
        self.fastDecay = fastDecay
        self.slowDecay = slowDecay
        self.jumpZ = jumpZ
        self.persistence = persistence
        self.fast = start
        self.slow = start
        self.jumps = 0
    }

    /// Folds one log return in; a non-finite return is ignored.
    public mutating func update(logReturn r: Double) {
        guard r.isFinite else { return }
        let square = r * r
        let scale = max(fast, slow)
        if scale > 0, square > jumpZ * jumpZ * scale {
            fast = square
            jumps += 1
        } else {
            fast = fastDecay * fast + (1 - fastDecay) * square
        }
        slow = slowDecay * slow + (1 - slowDecay) * square
    }

    /// The forecast average per-tick variance over the next `ticks` ticks (at least one).
    public func variance(overTicks ticks: Double) -> Double {
        let h = max(1, ticks.isFinite ? ticks : 1)
        let phi = min(max(persistence, 0), 0.999_999)
        let weight = (1 - PortableMath.exp(h * PortableMath.log(phi))) / ((1 - phi) * h)
        return max(0, slow + (fast - slow) * weight)
    }

    /// The forecast annualised volatility over the next `horizonSeconds`, ticks of `secondsPerTick`.
    public func annualised(horizonSeconds: Double, secondsPerTick: Double) -> Double {
        guard secondsPerTick > 0 else { return 0 }
        let dt = secondsPerTick / RiskUnits.secondsPerYear
        return (variance(overTicks: horizonSeconds / secondsPerTick) / dt).squareRoot()
    }
}
