import RebalancerCore

/// The mark price of the simulated market, one value per tick: either a seeded geometric random
/// walk with calm and shock volatility regimes, or a replay of recorded closes.
///
/// Per tick, with `dt = secondsPerTick / (365 * 24 * 3600)` years and `Z` standard normal:
/// `log return = (drift - σ²/2) dt + σ √dt Z`, where `σ = volatility` in the calm regime and
/// `volatility * shockMultiplier` in a shock. Before each step the regime moves along a two-state
/// Markov chain: calm enters shock with `shockEntryProbability`, shock returns to calm with
/// `shockExitProbability`. The defaults (1/100 and 1/25) start a shock every ~100 calm ticks and
/// let it last ~25 ticks, so about a fifth of the ticks are in shock.
public struct PricePath: Sendable {
    /// The volatility regime of a generated path.
    public enum Regime: String, Sendable, Equatable, Codable {
        /// Volatility at its calm level.
        case calm
        /// Volatility multiplied by the shock multiplier.
        case shock
    }

    /// Default per-tick probability that a calm path enters a shock (one every ~100 ticks).
    public static let defaultShockEntryProbability = 0.01
    /// Default per-tick probability that a shock ends (shocks last ~25 ticks).
    public static let defaultShockExitProbability = 0.04
    /// Seconds in the simulated year that drift and volatility are quoted per.
    public static let secondsPerYear = RiskUnits.secondsPerYear

    /// The latest price: the initial price before the first `next()`.
    public private(set) var price: Double
    /// The current regime; always `.calm` for a replay.
    public private(set) var regime: Regime
    /// Per-tick probability of calm → shock.
    public let shockEntryProbability: Double
    /// Per-tick probability of shock → calm.
    public let shockExitProbability: Double
    /// Length of one tick in years (`dt`).
    public let yearsPerTick: Double

    private var random: SeededRandom
    private let calmDriftTerm: Double
    private let calmDiffusion: Double
    private let shockDriftTerm: Double
    private let shockDiffusion: Double
    /// Recorded closes; non-empty only for a replay.
    private let closes: [Double]
    private var cursor: Int

    /// Creates a seeded geometric random walk.
    public init(
        seed: UInt64, initialPrice: Double, drift: Double, volatility: Double, shockMultiplier: Double,
        secondsPerTick: Double,
        shockEntryProbability: Double = PricePath.defaultShockEntryProbability,
        shockExitProbability: Double = PricePath.defaultShockExitProbability
    ) {
        let dt = secondsPerTick / PricePath.secondsPerYear
        let calmSigma = volatility
        let shockSigma = volatility * shockMultiplier
        self.price = initialPrice
        self.regime = .calm
        self.shockEntryProbability = shockEntryProbability
        self.shockExitProbability = shockExitProbability
        self.yearsPerTick = dt
        self.random = SeededRandom(seed: seed)
        self.calmDriftTerm = (drift - calmSigma * calmSigma / 2) * dt
        self.calmDiffusion = calmSigma * dt.squareRoot()
        self.shockDriftTerm = (drift - shockSigma * shockSigma / 2) * dt
        self.shockDiffusion = shockSigma * dt.squareRoot()
        self.closes = []
        self.cursor = 0
    }

    /// Creates the seeded geometric random walk a market specification describes.
    public init(
        spec: MarketSpec,
        shockEntryProbability: Double = PricePath.defaultShockEntryProbability,
        shockExitProbability: Double = PricePath.defaultShockExitProbability
    ) {
        self.init(
            seed: spec.seed, initialPrice: spec.initialPrice, drift: spec.drift, volatility: spec.volatility,
            shockMultiplier: spec.shockMultiplier, secondsPerTick: spec.secondsPerTick,
            shockEntryProbability: shockEntryProbability, shockExitProbability: shockExitProbability
        )
    }

    private init(replaying closes: [Double]) {
        precondition(!closes.isEmpty, "PricePath.replay needs at least one close")
        self.price = closes[0]
        self.regime = .calm
        self.shockEntryProbability = 0
        self.shockExitProbability = 0
        self.yearsPerTick = 0
        self.random = SeededRandom(seed: 0)
        self.calmDriftTerm = 0
        self.calmDiffusion = 0
        self.shockDriftTerm = 0
        self.shockDiffusion = 0
        self.closes = closes
        self.cursor = 0
    }

    /// A path that returns `closes` in order from the first `next()` on, then holds the last one.
    ///
    /// `price` starts at the first close. `closes` must not be empty (`parseCSV` never returns an
    /// empty list).
    public static func replay(_ closes: [Double]) -> PricePath {
        PricePath(replaying: closes)
    }

    /// True when the path replays recorded closes.
    public var isReplay: Bool { !closes.isEmpty }

    /// Advances one tick and returns the new price.
    public mutating func next() -> Double {
        if !closes.isEmpty {
            price = closes[min(cursor, closes.count - 1)]
            if cursor < closes.count { cursor += 1 }
            return price
        }
        let u = random.nextUniform()
        switch regime {
        case .calm: if u < shockEntryProbability { regime = .shock }
        case .shock: if u < shockExitProbability { regime = .calm }
        }
        let z = random.nextGaussian()
        let logReturn = regime == .calm
            ? calmDriftTerm + calmDiffusion * z
            : shockDriftTerm + shockDiffusion * z
        price *= PortableMath.exp(logReturn)
        return price
    }
}
