import RebalancerCore

/// Walk-forward tuning of the `predictive` strategy on one price path: parameters are chosen on
/// one window and judged on the next, which they have not seen, so a result is not a fit to the
/// noise of one stretch of prices.
///
/// The path is cut into `folds + 1` consecutive windows of equal length; fold `i` trains on window
/// `i` and tests on window `i + 1`. The score of a run is what it lost in USD: fees plus latency
/// cost plus liquidation penalties (lower is better); ties go to the earlier candidate.
public struct WalkForward: Sendable {
    /// One fold's split, in tick indices of the path.
    public struct Split: Sendable, Equatable {
        /// Ticks the parameters are chosen on.
        public var train: Range<Int>
        /// The next window, where they are judged.
        public var test: Range<Int>
    }

    /// One fold's result.
    public struct Fold: Sendable, Equatable, Codable {
        /// Index of the chosen candidate.
        public var chosen: Int
        /// The chosen parameters.
        public var parameters: RiskBands
        /// The chosen candidate on its training window.
        public var inSample: SimulationMetrics
        /// The chosen candidate on the next window.
        public var outOfSample: SimulationMetrics
        /// The default parameters on the next window, for comparison.
        public var defaultOutOfSample: SimulationMetrics
        /// Ticks in each window.
        public var ticks: Int

        enum CodingKeys: String, CodingKey {
            case chosen, parameters, ticks
            case inSample = "in_sample"
            case outOfSample = "out_of_sample"
            case defaultOutOfSample = "default_out_of_sample"
        }
    }

    /// The price path, one close per tick.
    public var closes: [Double]
    /// Number of train/test folds.
    public var folds: Int
    /// The candidate parameters.
    public var candidates: [RiskBands]

    /// Creates a walk-forward run.
    public init(closes: [Double], folds: Int, candidates: [RiskBands] = WalkForward.grid) {
        self.closes = closes
        self.folds = folds
        self.candidates = candidates
    }

    /// The default candidate grid: probability bound ε × refill gap × initial-margin cushion.
    public static let grid: [RiskBands] = {
        var grid: [RiskBands] = []
        for epsilon in [1e-2, 1e-3, 1e-4] {
            for gap in [0.5, 0.8, 1.2] {
                for cushion in [0.5, 1.0, 2.0] {
                    grid.append(RiskBands(liquidationProbability: epsilon, initialMarginConfidence: cushion, minimumGap: gap))
                }
            }
        }
        return grid
    }()

    /// The splits of `count` ticks into `folds` train/test pairs of consecutive equal windows;
    /// empty when a window would be shorter than `minimumTicks`.
    public static func splits(count: Int, folds: Int, minimumTicks: Int = 60) -> [Split] {
        guard folds > 0, count > 0 else { return [] }
        let window = count / (folds + 1)
        guard window >= max(1, minimumTicks) else { return [] }
        return (0..<folds).map { i in
            Split(train: i * window..<(i + 1) * window, test: (i + 1) * window..<(i + 2) * window)
        }
    }

    /// USD lost in a run: fees, latency cost and liquidation penalties.
    public static func score(_ m: SimulationMetrics) -> Double { m.cost + m.penaltiesPaid }

    /// Runs every fold; empty when the path is too short for the folds.
    public func run() -> [Fold] {
        WalkForward.splits(count: closes.count, folds: folds).map { split in
            let train = Array(closes[split.train])
            let test = Array(closes[split.test])
            let trained = candidates.map { WalkForward.simulate(PredictiveStrategy(bands: $0), closes: train) }
            var best = 0
            for i in trained.indices where WalkForward.score(trained[i]) < WalkForward.score(trained[best]) { best = i }
            return Fold(
                chosen: best, parameters: candidates[best], inSample: trained[best],
                outOfSample: WalkForward.simulate(PredictiveStrategy(bands: candidates[best]), closes: test),
                defaultOutOfSample: WalkForward.simulate(PredictiveStrategy(), closes: test), ticks: train.count
            )
        }
    }

    /// One strategy over a window of closes (the book sized at the window's first close).
    public static func simulate(_ strategy: any Strategy, closes: [Double]) -> SimulationMetrics {
        let scenario = SimulationScenario.deltaNeutralMonth(seed: 0, initialPrice: closes.first ?? 60_000)
        let sim = Simulation(scenario: scenario, closes: closes)
        return sim.run(strategy, hours: Double(closes.count) * scenario.secondsPerTick / 3_600)
    }
}
