import RebalancerCore

/// Everything a simulated run needs besides the strategy: the venues with their fixed bands (the
/// `threshold` policy), the routes, the market, the calendar and the desk's habits.
public struct SimulationScenario: Sendable, Equatable {
    /// A short name for reports.
    public var name: String
    /// Venues (with the fixed bands `threshold` uses), routes, limits.
    public var topology: Topology
    /// The book and the price process (seed, volatility, seconds per tick).
    public var market: MarketSpec
    /// Per-tick probability that a calm price path enters a shock.
    public var shockEntryProbability: Double
    /// Per-tick probability that a shock ends.
    public var shockExitProbability: Double
    /// The strategy runs every this many ticks.
    public var decisionEveryTicks: Int
    /// Annual return capital would earn if it were not in transit: prices `latency_cost`.
    public var capitalCostPerYear: Double
    /// After a liquidation the desk re-opens the pair once this many seconds have passed.
    public var reentryDelaySeconds: Double
    /// The desk re-sizes a reduced pair only by at least this share of its original size.
    public var reentryStep: Double

    /// Creates a scenario.
    public init(
        name: String, topology: Topology, market: MarketSpec, shockEntryProbability: Double,
        shockExitProbability: Double, decisionEveryTicks: Int = 1, capitalCostPerYear: Double = 0.10,
        reentryDelaySeconds: Double = 3_600, reentryStep: Double = 0.1
    ) {
        self.name = name
        self.topology = topology
        self.market = market
        self.shockEntryProbability = shockEntryProbability
        self.shockExitProbability = shockExitProbability
        self.decisionEveryTicks = max(1, decisionEveryTicks)
        self.capitalCostPerYear = capitalCostPerYear
        self.reentryDelaySeconds = reentryDelaySeconds
        self.reentryStep = reentryStep
    }

    /// Simulated seconds per tick.
    public var secondsPerTick: Double { market.secondsPerTick }

    /// The seeded price path of the scenario, or a replay of `closes`.
    public func pricePath(closes: [Double]? = nil) -> PricePath {
        if let closes, !closes.isEmpty { return .replay(closes) }
        return PricePath(
            spec: market, shockEntryProbability: shockEntryProbability, shockExitProbability: shockExitProbability
        )
    }
}
