import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerSimulation

/// `rebalancer hindsight`: the hindsight report of a recorded live run.
struct HindsightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hindsight",
        abstract: "Report, for a recorded run of the simulated market, which liquidations no strategy could have avoided.",
        discussion: """
            Reads the price path the venues process recorded (market-record.jsonl in its data \
            directory; a demo's data directory, such as run/demo, is searched one level down) and \
            reports: how many liquidations no transfer schedule could have avoided given the \
            routes' latencies and the capital, the least fees of a run without liquidation, and \
            for each liquidation that happened whether it was avoidable. JSON: {"ticks", \
            "unavoidable_liquidations", "first_unavoidable_tick", "hindsight_cost" (cents), \
            "avoidable_liquidations", "liquidations": [{"venue", "tick", "price", "avoidable"}]}.
            """
    )

    @Option(name: .customLong("run"), help: ArgumentHelp("The run: a market-record.jsonl file, the venues' data directory, or a demo's data directory (run/demo).", valueName: "run"))
    var runPath: String

    @Option(name: .long, help: "The deployment's topology file: its venues' floor buffers and withdrawal limits and its outflow limits bind the schedule that proves a liquidation avoidable (without it, they are not checked).")
    var topology: String?

    @Option(name: .long, help: "Write the report as JSON to this file.")
    var json: String?

    func run() throws {
        let record: MarketRecord
        do { record = try MarketRecord.read(from: runPath) } catch let error as MarketRecordError {
            throw ValidationError("--run: \(error)")
        }
        let deployment: Topology?
        do { deployment = try topology.map { try TopologyFile.load(path: $0).policy } } catch {
            throw ValidationError("--topology: \(error)")
        }
        let report = record.hindsight(topology: deployment)
        print(Self.text(report))
        if let json {
            try JSONOutput.write(report, to: json)
            print("wrote \(json)")
        }
    }

    /// The report as lines of text.
    static func text(_ report: HindsightReport) -> String {
        var lines = ["\(report.ticks) ticks; unavoidable liquidations: \(report.unavoidableLiquidations)"
            + (report.firstUnavoidableTick.map { " (no schedule keeps every venue alive past tick \($0 - 1))" } ?? " (a schedule keeps every venue alive throughout)")]
        lines.append("least fees of a run without liquidation: $\(String(format: "%.2f", Double(report.hindsightCost) / 100))")
        lines.append("a schedule obeying the live system's rules, played through the market, keeps every venue alive through tick \(report.avoidableThrough)")
        lines.append("liquidations that happened: \(report.liquidations.count), avoidable: \(report.avoidableLiquidations), undecided: \(report.undecidedLiquidations)")
        for l in report.liquidations {
            lines.append("  \(l.venue) at tick \(l.tick), price \(String(format: "%.2f", l.price)): \(l.avoidable ? "avoidable" : report.isUndecided(l) ? "undecided" : "unavoidable")")
        }
        return lines.joined(separator: "\n")
    }
}
