/// The units the risk model is quoted in, shared with the simulated market (`PricePath`,
/// `Market` in RebalancerSimulation).
public enum RiskUnits {
    /// Seconds in the year that drift and volatility are quoted per.
    public static let secondsPerYear = 365.0 * 24 * 3600
    /// Decay of the fast EWMA of the volatility forecast (RiskMetrics λ; `VolatilityForecast.fastDecay`).
    public static let volatilityDecay = 0.94
}
