import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerSimulation

/// `rebalancer tune`: walk-forward choice of the predictive strategy's parameters.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Choose the predictive strategy's parameters on one window of a price path and report them on the next.",
        discussion: """
            Walk-forward (WalkForward, docs/strategies.md): the path is cut into --folds + 1 equal \
            windows; each fold tries every candidate (probability bound x refill gap x initial-margin \
            cushion) on window i, keeps the one that lost least (fees + latency cost + liquidation \
            penalties) and runs it on window i + 1, next to the default parameters. The path is \
            --prices (time,close, one close per one-minute tick) or a seeded --scenario.
            """
    )

    /// Recorded closes.
    @Option(help: "CSV with header time,close: one close per one-minute tick.")
    var prices: String?

    /// A seeded scenario instead of a CSV.
    @Option(help: "\(ScenarioName.list): a seeded path instead of --prices.")
    var scenario: String?

    /// Seed of the scenario.
    @Option(help: "Seed of --scenario.")
    var seed: UInt64 = 1

    /// Hours of the scenario's path.
    @Option(parsing: .unconditional, help: "Hours of --scenario's path (more than 0, at most 87600).")
    var hours: Double = 720

    /// Train/test folds.
    @Option(help: "Number of train/test folds (1 to 50).")
    var folds: Int = 3

    /// Where to write the JSON.
    @Option(help: "Write the folds as JSON to this path.")
    var json: String?

    func validate() throws {
        guard (prices == nil) != (scenario == nil) else { throw ValidationError("give exactly one of --prices and --scenario") }
        if let scenario, ScenarioName(rawValue: scenario) == nil {
            throw ValidationError("--scenario must be one of \(ScenarioName.list)")
        }
        guard hours > 0, hours <= 87_600 else { throw ValidationError("--hours must be more than 0 and at most 87600, got \(hours.cliText)") }
        guard folds >= 1, folds <= 50 else { throw ValidationError("--folds must be from 1 to 50, got \(folds)") }
    }

    func run() throws {
        let closes: [Double]
        if let prices {
            guard let text = try? String(contentsOfFile: prices, encoding: .utf8) else { throw ValidationError("--prices: cannot read \(prices)") }
            do { closes = try PricePath.parseCSV(text) } catch let error as PricePath.CSVError {
                throw ValidationError("\(prices): \(error)")
            }
        } else {
            let name = ScenarioName(rawValue: scenario!)!
            closes = [60_000] + name.closes(seed: seed, hours: hours)
        }
        guard !WalkForward.splits(count: closes.count, folds: folds).isEmpty else {
            throw ValidationError("the path has \(closes.count) ticks: too short for \(folds) folds of at least 60 ticks each")
        }
        let folds = WalkForward(closes: closes, folds: folds).run()
        print("walk-forward over \(closes.count) ticks, \(folds.count) folds of \(folds.first?.ticks ?? 0) ticks; score = fees + latency cost + penalties (USD)")
        print("fold  chosen (epsilon, gap, IM cushion)   in-sample liq/score   out-of-sample liq/score   default out-of-sample liq/score")
        for (i, fold) in folds.enumerated() {
            let p = fold.parameters
            let chosen = String(format: "%g, %g, %g", p.liquidationProbability, p.minimumGap, p.initialMarginConfidence)
            func cell(_ m: SimulationMetrics) -> String { "\(m.liquidations) / \(String(format: "%.0f", WalkForward.score(m)))" }
            print(String(i + 1).rightPad(6) + chosen.rightPad(32) + cell(fold.inSample).leftPad(20)
                + cell(fold.outOfSample).leftPad(26) + cell(fold.defaultOutOfSample).leftPad(34))
        }
        if let json {
            try JSONOutput.write(folds, to: json)
            print("wrote \(json)")
        }
    }
}
