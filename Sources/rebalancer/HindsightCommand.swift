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

    @Flag(name: .long, help: "Also find the run's first forks after which a strategy that does not see the future must guess: no schedule decided alike on the path and on its mirror after the fork keeps every venue alive on both until a transfer decided after it could land, while hindsight keeps each alone (docs/strategies.md). JSON: \"foresight_forks\": [{\"fork\", \"through\", \"required\", \"equity\"}] (cents).")
    var foresight = false

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
        let forks = foresight ? record.foresightForks(topology: deployment) : nil
        if let forks { print(Self.text(forks)) }
        if let json {
            try JSONOutput.write(Output(report: report, foresightForks: forks), to: json)
            print("wrote \(json)")
        }
    }

    /// The JSON written: the report's keys, and `foresight_forks` with `--foresight`.
    struct Output: Encodable {
        var report: HindsightReport
        var foresightForks: [HindsightPath.ForesightFork]?

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(foresightForks, forKey: .foresightForks)
        }

        enum Key: String, CodingKey { case foresightForks = "foresight_forks" }
    }

    /// The forks as lines of text.
    static func text(_ forks: [HindsightPath.ForesightFork]) -> String {
        guard !forks.isEmpty else { return "no fork found after which a strategy that does not see the future must guess" }
        return (["forks after which a strategy that does not see the future must guess (it is liquidated by the second tick on this path or on its mirror after the first, and hindsight keeps each alive):"]
            + forks.map { "  fork after tick \($0.fork), liquidated by tick \($0.through): surviving both needs $\($0.required / 100) on the venues, the book holds $\($0.equity / 100)" + ($0.required > $0.equity ? "" : " but cannot place it in time") }).joined(separator: "\n")
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
