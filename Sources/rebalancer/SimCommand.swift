import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerSimulation

/// `rebalancer sim`: the delta-neutral book in simulated time over scenarios and seeds,
/// strategies side by side, against the hindsight bound.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the delta-neutral book in simulated time and compare strategies over scenarios and seeds.",
        discussion: """
            No sockets and no clock: one-minute ticks of a seeded price path (or of --prices), the \
            strategy planning every tick, transfers credited after each route's latency. Scenarios: \
            \(ScenarioName.list) (docs/strategies.md). One seed prints every metric; several print a \
            per-seed table, totals and the issue-12 checks of the default strategy (\(StrategyName.standard.rawValue)) \
            against threshold. JSON: one sweep per scenario, {"scenario", "hours", "reports": [{"seed", \
            "strategies": {NAME: {liquidations, minutes_below_initial_margin, transfers, fees_paid, \
            latency_cost, ...}}, "hindsight": {...}}]}; money in USD.
            """
    )

    /// Which strategy, or all.
    @Option(help: "\(StrategyName.list) or all (every one of them).")
    var strategy: String = "all"

    /// Which scenario, or all.
    @Option(help: "\(ScenarioName.list) or all (ignored with --prices).")
    var scenario: String = ScenarioName.deltaNeutralMonth.rawValue

    /// Simulated hours.
    @Option(parsing: .unconditional, help: "Simulated hours (more than 0, at most 87600).")
    var hours: Double = 720

    /// Price seed.
    @Option(help: "Seed of the price path.")
    var seed: UInt64?

    /// Several seeds.
    @Option(help: "Seeds: a list of seeds and ranges, e.g. 1-32 or 1,4,9-12 (instead of --seed).")
    var seeds: String?

    /// Recorded closes to replay.
    @Option(help: "CSV with header time,close: one close per one-minute tick, replayed instead of the seeded path (the time column only orders the rows: it must increase; its spacing is not used).")
    var prices: String?

    /// Where to write the JSON.
    @Option(help: "Write the report as JSON to this path.")
    var json: String?

    /// Where to write the per-tick trace.
    @Option(help: "One seed, one strategy, one scenario: write a CSV of every tick and venue (ratio settled and counting transfers in flight, the strategy's bands, capital sent in, liquidations) to this path, to explain each liquidation.")
    var trace: String?

    /// Overrides of the predictive strategy's parameters (RiskBands).
    @Option(help: "predictive: probability bound of reaching maintenance margin before a refill lands (0 < p < 1; default \(RiskBands().liquidationProbability)).")
    var epsilon: Double?

    /// Refill gap override.
    @Option(help: "predictive: smallest gap S - s between trigger and refill level, as a ratio of maintenance margin (default \(RiskBands().minimumGap)).")
    var gap: Double?

    /// Initial-margin cushion override.
    @Option(help: "predictive: standard deviations of the horizon's move kept above initial margin (default \(RiskBands().initialMarginConfidence); negative lets the trigger sit below initial margin).")
    var imCushion: Double?

    /// Source keep override.
    @Option(help: "predictive: a venue that gives is drawn down to this ratio above its own trigger (default: to its refill level).")
    var sourceKeep: Double?

    /// Rescue keep override.
    @Option(help: "predictive: in a rescue, a venue that is not critical gives down to c + keep x (s - c), from its liquidation level c (0) to its trigger s (1) (default \(RiskBands().rescueKeep)).")
    var rescueKeep: Double?

    /// Stress move override.
    @Option(help: "predictive: the largest sustained relative price move per hour the bands insure against over each venue's inbound latency (0 turns it off; default \(RiskBands().stressMovePerHour.cliText)).")
    var stress: Double?

    /// Minimum transfer override.
    @Option(help: "predictive: smallest transfer in USD (default \(PredictiveStrategy.defaultOptimizer.minimumTransfer / 100)).")
    var minTransfer: Int64?

    /// Continuation weight override.
    @Option(help: "directional: share of the current drain, continued over the horizon, added to a drained venue's bands (default \(DirectionalBands.standard.continuationWeight.cliText)).")
    var continuation: Double?

    /// Significance override.
    @Option(help: "directional: horizon standard deviations the continued drain must exceed to count as a move (default \(DirectionalBands.standard.significance.cliText)).")
    var significance: Double?

    /// The predictive strategy with the overrides.
    var predictiveBands: RiskBands { overridden(RiskBands()) }

    /// The directional strategy with the overrides (the risk overrides apply to its base).
    var directionalBands: DirectionalBands {
        var bands = DirectionalBands.standard
        bands.base = overridden(bands.base)
        if let continuation { bands.continuationWeight = continuation }
        if let significance { bands.significance = significance }
        return bands
    }

    /// `bands` with the command's risk overrides.
    func overridden(_ start: RiskBands) -> RiskBands {
        var bands = start
        if let epsilon { bands.liquidationProbability = epsilon }
        if let gap { bands.minimumGap = gap }
        if let imCushion { bands.initialMarginConfidence = imCushion }
        if let sourceKeep { bands.sourceKeep = sourceKeep }
        if let rescueKeep { bands.rescueKeep = rescueKeep }
        if let stress { bands.stressMovePerHour = stress }
        return bands
    }

    func validate() throws {
        if let epsilon { guard epsilon > 0, epsilon < 1 else { throw ValidationError("--epsilon must be more than 0 and less than 1, got \(epsilon.cliText)") } }
        if let gap { guard gap > 0, gap <= 20 else { throw ValidationError("--gap must be more than 0 and at most 20, got \(gap.cliText)") } }
        if let minTransfer { guard minTransfer > 0, minTransfer <= 10_000_000 else { throw ValidationError("--min-transfer must be from 1 to 10000000 USD, got \(minTransfer)") } }
        if let rescueKeep { guard rescueKeep >= 0, rescueKeep <= 1 else { throw ValidationError("--rescue-keep must be from 0 to 1, got \(rescueKeep.cliText)") } }
        if let stress { guard stress >= 0, stress <= 10 else { throw ValidationError("--stress must be from 0 to 10, got \(stress.cliText)") } }
        if let continuation { guard continuation >= 0, continuation <= 10 else { throw ValidationError("--continuation must be from 0 to 10, got \(continuation.cliText)") } }
        if let significance { guard significance >= 0, significance <= 10 else { throw ValidationError("--significance must be from 0 to 10, got \(significance.cliText)") } }
        if let imCushion { guard imCushion.isFinite, abs(imCushion) <= 10 else { throw ValidationError("--im-cushion must be from -10 to 10, got \(imCushion.cliText)") } }
        guard strategy == "all" || StrategyName(rawValue: strategy) != nil else {
            throw ValidationError("--strategy must be one of \(StrategyName.list) or all")
        }
        guard scenario == "all" || ScenarioName(rawValue: scenario) != nil else {
            throw ValidationError("--scenario must be one of \(ScenarioName.list) or all")
        }
        guard hours > 0, hours <= 87_600 else { throw ValidationError("--hours must be more than 0 and at most 87600, got \(hours.cliText)") }
        guard seed == nil || seeds == nil else { throw ValidationError("--seed and --seeds cannot be used together") }
        if let seeds, case let .failure(error) = SeedList.parse(seeds) { throw ValidationError("--\(error)") }
        if trace != nil {
            guard strategy != "all", scenario != "all", seeds == nil else {
                throw ValidationError("--trace needs one --strategy, one --scenario and one --seed")
            }
        }
    }

    func run() throws {
        var closes: [Double]?
        if let prices {
            let text = try String(contentsOfFile: prices, encoding: .utf8)
            do { closes = try PricePath.parseCSV(text) } catch let error as PricePath.CSVError {
                throw ValidationError("\(prices): \(error)")
            }
        }
        let names: [StrategyName] = strategy == "all" ? StrategyName.allCases : [StrategyName(rawValue: strategy)!]
        let seedList: [UInt64] = seeds.flatMap { try? SeedList.parse($0).get() } ?? [seed ?? 1]
        let scenarios: [ScenarioName] = scenario == "all" ? ScenarioName.allCases : [ScenarioName(rawValue: scenario)!]
        if let trace {
            let sim = closes.map { Simulation(scenario: .deltaNeutralMonth(seed: seedList[0], initialPrice: $0[0]), closes: $0) }
                ?? scenarios[0].simulation(seed: seedList[0], hours: hours)
            let written = try SimTrace.write(sim, strategy: Self.makeStrategies(names, bands: predictiveBands, directional: directionalBands, optimizer: predictiveOptimizer)[0], hours: hours, to: trace)
            print(Self.table(SimulationReport(scenario: sim.scenario.name, seed: seedList[0], hours: hours, strategies: [names[0].rawValue: written], hindsight: sim.hindsight(hours: hours)), order: [names[0].rawValue]))
            print("wrote \(trace)")
            return
        }
        var sweeps: [SimulationSweep] = []
        if let closes {
            let sim = Simulation(scenario: .deltaNeutralMonth(seed: seedList[0], initialPrice: closes[0]), closes: closes)
            var named = sim
            named.scenario.name = "prices \((prices! as NSString).lastPathComponent)"
            sweeps.append(SimulationSweep(scenario: named.scenario.name, hours: hours, reports: [named.run(strategies: Self.makeStrategies(names, bands: predictiveBands, directional: directionalBands, optimizer: predictiveOptimizer), hours: hours)]))
        } else {
            for scenario in scenarios {
                sweeps.append(Self.sweep(scenario: scenario, seeds: seedList, make: { [bands = predictiveBands, directional = directionalBands, optimizer = predictiveOptimizer] in Self.makeStrategies(names, bands: bands, directional: directional, optimizer: optimizer) }, hours: hours))
            }
        }
        let order = names.map(\.rawValue)
        for sweep in sweeps {
            if sweep.reports.count == 1 {
                print(Self.table(sweep.reports[0], order: order))
            } else {
                print(SimSweepTable.render(sweep, order: order))
            }
            print("")
        }
        if let json {
            if sweeps.count == 1, sweeps[0].reports.count == 1 {
                try JSONOutput.write(sweeps[0].reports[0], to: json)
            } else {
                try JSONOutput.write(sweeps, to: json)
            }
            print("wrote \(json)")
        }
    }

    /// The strategies of `names`, predictive and directional with the command's overrides.
    static func makeStrategies(_ names: [StrategyName], bands: RiskBands, directional: DirectionalBands = .standard, optimizer: TransferOptimizer) -> [any Strategy] {
        names.map {
            switch $0 {
            case .predictive: PredictiveStrategy(bands: bands, optimizer: optimizer)
            case .directional: DirectionalStrategy(bands: directional, optimizer: optimizer)
            default: $0.make()
            }
        }
    }

    /// The predictive optimizer with the minimum-transfer override.
    var predictiveOptimizer: TransferOptimizer {
        var optimizer = PredictiveStrategy.defaultOptimizer
        if let minTransfer { optimizer.minimumTransfer = minTransfer * 100 }
        return optimizer
    }

    /// Runs every seed of one scenario, several at once (each run is independent and deterministic).
    static func sweep(scenario: ScenarioName, seeds: [UInt64], make: @Sendable () -> [any Strategy], hours: Double) -> SimulationSweep {
        let results = ResultSlots<SimulationReport>(count: seeds.count)
        DispatchQueue.concurrentPerform(iterations: seeds.count) { i in
            let sim = scenario.simulation(seed: seeds[i], hours: hours)
            results.set(i, sim.run(strategies: make(), hours: hours))
        }
        return SimulationSweep(scenario: scenario.rawValue, hours: hours, reports: results.values)
    }

    /// The report as a table, one column per strategy.
    static func table(_ report: SimulationReport, order: [String]) -> String {
        let rows: [(String, (SimulationMetrics) -> String)] = [
            ("liquidations", { String($0.liquidations) }),
            ("minutes below initial margin", { String(format: "%.0f", $0.minutesBelowInitialMargin) }),
            ("transfers", { String($0.transfers) }),
            ("fees paid (USD)", { String(format: "%.2f", $0.feesPaid) }),
            ("latency cost (USD)", { String(format: "%.2f", $0.latencyCost) }),
            ("fees + latency (USD)", { String(format: "%.2f", $0.cost) }),
            ("liquidation penalties (USD)", { String(format: "%.2f", $0.penaltiesPaid) }),
            ("idle capital share", { String(format: "%.3f", $0.idleCapitalShare) }),
            ("book below intended size", { String(format: "%.3f", $0.reducedBookShare) }),
        ]
        let width = 14
        var lines = ["\(report.scenario), seed \(report.seed), \(String(format: "%g", report.hours)) simulated hours"]
        lines.append("".rightPad(30) + order.map { $0.leftPad(width) }.joined())
        for (label, value) in rows {
            lines.append(label.rightPad(30) + order.map { (report.strategies[$0].map(value) ?? "-").leftPad(width) }.joined())
        }
        if let h = report.hindsight {
            lines.append("hindsight: at least \(h.liquidations) liquidations for any strategy; "
                + String(format: "fees of at least %.2f USD to avoid every liquidation", h.minFeesWithoutLiquidation))
        }
        return lines.joined(separator: "\n")
    }
}

/// Writes command results as pretty, key-sorted JSON.
enum JSONOutput {
    /// The encoder every command uses.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    /// Encodes `value` to `path`, with a final newline.
    static func write<T: Encodable>(_ value: T, to path: String) throws {
        var data = try encoder().encode(value)
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// `value` as JSON text.
    static func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// The string left-aligned in `width` columns.
    func rightPad(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
