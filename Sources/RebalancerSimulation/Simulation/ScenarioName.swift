import RebalancerCore

/// The scenarios `rebalancer sim --scenario` knows, each the delta-neutral book of
/// `SimulationScenario.deltaNeutralMonth` on a different price path.
public enum ScenarioName: String, Sendable, CaseIterable, Codable {
    /// The seeded calm/shock regime walk (80% calm volatility, 4× shocks about every two days).
    case deltaNeutralMonth = "delta-neutral-month"
    /// A calm walk with a −30% crash within one hour at a seeded time.
    case crash
    /// A calm walk with a +20% squeeze within one hour at a seeded time.
    case squeeze
    /// GARCH(1,1) returns: volatility clustering (90% long-run volatility, persistence 0.98).
    case volatilityClustering = "volatility-clustering"
    /// A quiet mean-reverting month (30% volatility, one-day reversion half-life).
    case quietMeanReverting = "quiet-mean-reverting"

    /// Every name, comma-separated, for help texts and errors.
    public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The simulation of this scenario for a seed, with a price path long enough for `hours`.
    public func simulation(seed: UInt64, hours: Double, initialPrice: Double = 60_000) -> Simulation {
        var scenario = SimulationScenario.deltaNeutralMonth(seed: seed, initialPrice: initialPrice)
        scenario.name = rawValue
        guard self != .deltaNeutralMonth else { return Simulation(scenario: scenario) }
        // A replay starts at its first close; the initial price comes first so the book is sized at it.
        return Simulation(scenario: scenario, closes: [scenario.market.initialPrice] + closes(seed: seed, hours: hours, initialPrice: initialPrice))
    }

    /// The scenario's price path for a seed: one close per one-minute tick for `hours`, not
    /// counting the initial price.
    public func closes(seed: UInt64, hours: Double, initialPrice: Double = 60_000) -> [Double] {
        let scenario = SimulationScenario.deltaNeutralMonth(seed: seed, initialPrice: initialPrice)
        let ticks = max(1, Int((max(0, hours) * 3_600 / scenario.secondsPerTick).rounded()))
        let dt = scenario.secondsPerTick
        let price = scenario.market.initialPrice
        switch self {
        case .deltaNeutralMonth:
            var path = scenario.pricePath()
            return (0..<ticks).map { _ in path.next() }
        case .crash: return PriceShapes.suddenMove(seed: seed, ticks: ticks, initialPrice: price, secondsPerTick: dt, factor: 0.7)
        case .squeeze: return PriceShapes.suddenMove(seed: seed, ticks: ticks, initialPrice: price, secondsPerTick: dt, factor: 1.2)
        case .volatilityClustering: return PriceShapes.garch(seed: seed, ticks: ticks, initialPrice: price, secondsPerTick: dt)
        case .quietMeanReverting: return PriceShapes.meanReverting(seed: seed, ticks: ticks, initialPrice: price, secondsPerTick: dt)
        }
    }
}
