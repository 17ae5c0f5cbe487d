import ArgumentParser
import Foundation
import RebalancerCore

/// `rebalancer sim`: the delta-neutral scenario in simulated time, strategies side by side.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the delta-neutral scenario in simulated time and compare strategies.",
        discussion: """
            No sockets and no clock: one-minute ticks of the seeded market (or of --prices), the \
            strategy planning every tick, transfers credited after each route's latency. The \
            scenario is SimulationScenario.deltaNeutralMonth (docs/strategies.md). JSON: \
            {"strategies": {NAME: {liquidations, minutes_below_initial_margin, transfers, fees_paid, \
            latency_cost, idle_capital_share, ...}}, "hindsight": {...}}; money in USD.
            """
    )

    /// Which strategy, or all.
    @Option(help: "\(StrategyName.allCases.map(\.rawValue).joined(separator: ", ")) or all (every one of them).")
    var strategy: String = "all"

    /// Simulated hours.
    @Option(parsing: .unconditional, help: "Simulated hours (more than 0, at most 87600).")
    var hours: Double = 720

    /// Price seed.
    @Option(help: "Seed of the price path.")
    var seed: UInt64 = 1

    /// Recorded closes to replay.
    @Option(help: "CSV with header time,close: one close per one-minute tick, replayed instead of the seeded path (the time column only orders the rows: it must increase; its spacing is not used).")
    var prices: String?

    /// Where to write the JSON.
    @Option(help: "Write the report as JSON to this path.")
    var json: String?

    func validate() throws {
        guard strategy == "all" || StrategyName(rawValue: strategy) != nil else {
            throw ValidationError("--strategy must be one of \(StrategyName.allCases.map(\.rawValue).joined(separator: ", ")) or all")
        }
        guard hours > 0, hours <= 87_600 else { throw ValidationError("--hours must be more than 0 and at most 87600, got \(hours.cliText)") }
    }

    func run() throws {
        var closes: [Double]?
        if let prices {
            let text = try String(contentsOfFile: prices, encoding: .utf8)
            do { closes = try PricePath.parseCSV(text) } catch let error as PricePath.CSVError {
                throw ValidationError("\(prices): \(error)")
            }
        }
        let scenario = SimulationScenario.deltaNeutralMonth(seed: seed, initialPrice: closes?.first ?? 60_000)
        let names: [StrategyName] = strategy == "all"
            ? StrategyName.allCases : [StrategyName(rawValue: strategy)!]
        let report = Simulation(scenario: scenario, closes: closes).run(strategies: names.map { $0.make() }, hours: hours)
        print(Self.table(report, order: names.map(\.rawValue)))
        if let json {
            try JSONOutput.write(report, to: json)
            print("wrote \(json)")
        }
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
