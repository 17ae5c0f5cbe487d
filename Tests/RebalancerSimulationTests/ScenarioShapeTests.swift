import Testing
@testable import RebalancerCore
@testable import RebalancerSimulation

/// Each scenario's price path has the shape its name promises, deterministically.
struct ScenarioShapeTests {
    /// The largest relative move between two closes at most `window` ticks apart, signed by `sign`.
    static func largestMove(_ closes: [Double], window: Int, sign: Double) -> Double {
        var best = 0.0
        for i in closes.indices {
            for j in (i + 1)..<min(closes.count, i + window + 1) {
                best = max(best, sign * (closes[j] / closes[i] - 1))
            }
        }
        return best
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func crashIsThirtyPercentDownWithinAnHour(seed: UInt64) {
        let closes = ScenarioName.crash.closes(seed: seed, hours: 24)
        #expect(closes.count == 1_440)
        #expect(Self.largestMove(closes, window: 60, sign: -1) >= 0.299)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func squeezeIsTwentyPercentUpWithinAnHour(seed: UInt64) {
        let closes = ScenarioName.squeeze.closes(seed: seed, hours: 24)
        #expect(Self.largestMove(closes, window: 60, sign: 1) >= 0.199)
    }

    @Test func garchReturnsClusterAndHaveFatTails() {
        let closes = ScenarioName.volatilityClustering.closes(seed: 4, hours: 240)
        var returns: [Double] = []
        for i in 1..<closes.count { returns.append(PortableMath.log(closes[i] / closes[i - 1])) }
        let squares = returns.map { $0 * $0 }
        let mean = squares.reduce(0, +) / Double(squares.count)
        var covariance = 0.0
        var variance = 0.0
        for i in 1..<squares.count {
            covariance += (squares[i] - mean) * (squares[i - 1] - mean)
            variance += (squares[i] - mean) * (squares[i] - mean)
        }
        // Squared returns are autocorrelated (clustering); kurtosis above the normal's 3.
        #expect(covariance / variance > 0.05)
        let kurtosis = squares.map { $0 * $0 }.reduce(0, +) / Double(squares.count) / (mean * mean)
        #expect(kurtosis > 3.3)
        // A plain calm walk has neither.
        let calm = PriceShapes.suddenMove(seed: 4, ticks: 14_400, initialPrice: 60_000, secondsPerTick: 60, factor: 1, moveTicks: 1)
        var calmSquares: [Double] = []
        for i in 1..<calm.count { let r = PortableMath.log(calm[i] / calm[i - 1]); calmSquares.append(r * r) }
        let calmMean = calmSquares.reduce(0, +) / Double(calmSquares.count)
        #expect(calmSquares.map { $0 * $0 }.reduce(0, +) / Double(calmSquares.count) / (calmMean * calmMean) < 3.3)
    }

    @Test func quietMonthRevertsToItsStart() {
        let closes = ScenarioName.quietMeanReverting.closes(seed: 9, hours: 720)
        let worst = closes.map { abs(PortableMath.log($0 / 60_000)) }.max()!
        // 30% volatility with a one-day half-life: the stationary spread is about 1%; never 6%.
        #expect(worst < 0.06)
        let trend = ScenarioName.deltaNeutralMonth.closes(seed: 9, hours: 720)
        #expect(trend.map { abs(PortableMath.log($0 / 60_000)) }.max()! > worst)
    }

    @Test(arguments: ScenarioName.allCases)
    func everyScenarioIsDeterministicForASeed(name: ScenarioName) {
        #expect(name.closes(seed: 5, hours: 2) == name.closes(seed: 5, hours: 2))
        #expect(name.closes(seed: 5, hours: 2) != name.closes(seed: 6, hours: 2))
        let sim = name.simulation(seed: 5, hours: 2)
        #expect(sim.scenario.name == name.rawValue)
    }

    @Test func seedListsAcceptRangesAndRefuseNonsense() throws {
        #expect(try SeedList.parse("1-4").get() == [1, 2, 3, 4])
        #expect(try SeedList.parse("7").get() == [7])
        #expect(try SeedList.parse("1,5,3-4,5").get() == [1, 5, 3, 4])
        for bad in ["", "a", "4-1", "1-", "-3", "1,,2", "1-2-3", "0-99999"] {
            guard case .failure = SeedList.parse(bad) else { Issue.record("accepted '\(bad)'"); continue }
        }
    }

    @Test func walkForwardSplitsIntoConsecutiveWindows() {
        let splits = WalkForward.splits(count: 1_000, folds: 3)
        #expect(splits.count == 3)
        #expect(splits[0] == .init(train: 0..<250, test: 250..<500))
        #expect(splits[2] == .init(train: 500..<750, test: 750..<1_000))
        for s in splits { #expect(s.train.upperBound == s.test.lowerBound && s.train.count == s.test.count) }
        #expect(WalkForward.splits(count: 100, folds: 3).isEmpty)
        #expect(WalkForward.splits(count: 1_000, folds: 0).isEmpty)
    }

    @Test func walkForwardChoosesOnTrainAndReportsOnTest() {
        let closes = [60_000] + ScenarioName.volatilityClustering.closes(seed: 2, hours: 12)
        let candidates = [RiskBands(minimumGap: 0.5), RiskBands(minimumGap: 1.2)]
        let folds = WalkForward(closes: closes, folds: 2, candidates: candidates).run()
        #expect(folds.count == 2)
        for (i, fold) in folds.enumerated() {
            let split = WalkForward.splits(count: closes.count, folds: 2)[i]
            let scores = candidates.map { WalkForward.score(WalkForward.simulate(PredictiveStrategy(bands: $0), closes: Array(closes[split.train]))) }
            #expect(WalkForward.score(fold.inSample) == scores.min())
            #expect(fold.outOfSample == WalkForward.simulate(PredictiveStrategy(bands: fold.parameters), closes: Array(closes[split.test])))
        }
    }
}
