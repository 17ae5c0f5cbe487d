import ArgumentParser
import Foundation
import Logging
import RebalancerCore
import RebalancerNode
import RebalancerSimulation
import RebalancerTools

/// `rebalancer demo`: every role of a topology as its own process on the simulated market.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run every role of the topology as child processes on the simulated venues, with a live view and a summary."
    )

    @Option(name: .long, help: "The topology file.")
    var topology: String = "topology/local.yaml"

    @Option(name: .long, parsing: .unconditional, help: "How long the market runs, in seconds (more than 0, at most 86400).")
    var seconds: Double = 30

    @Option(name: .long, help: "Write the summary as JSON to this file.")
    var json: String?

    @Option(name: .long, help: "Coordinator strategy: \(StrategyName.list) (default \(StrategyName.standard.rawValue), as everywhere).")
    var strategy: String = StrategyName.standard.rawValue

    @Option(name: .long, help: "Seed of the simulated price path (default: the topology's).")
    var seed: UInt64?

    @Option(name: .long, help: "Replay a recorded price path from a CSV with columns time,close, one row per tick (times must increase; their spacing is not used).")
    var prices: String?

    @Option(name: .long, help: "Where journals and logs go (wiped at start).")
    var dataDir: String = "run/demo"

    @Option(name: .long, help: "Also serve the live web dashboard on this host:port (for example 127.0.0.1:8080) while the demo runs.")
    var dashboard: String?

    @Option(name: .long, parsing: .unconditional, help: "Once every other node answered /healthz, the market publishes its opening state this many seconds before its price path (of --seconds) starts moving (at least 0, at most 3600).")
    var warmupSeconds: Double = DemoRunner.defaultWarmupSeconds

    @Option(name: .long, parsing: .unconditional, help: "Give up, naming the node, when a node has not answered /healthz this many seconds after the start (more than 0, at most 3600).")
    var startTimeout: Double = DemoRunner.defaultStartTimeoutSeconds

    @Flag(name: .long, help: "No live display; print only the summary.")
    var quiet = false

    @Flag(name: .long, help: "No processes: play the market and the strategy tick by tick on one thread (DemoReplay: deterministic for a seed, transfers reach the market 80 ms after the tick they were planned on) and print the liquidations, the hindsight report, the plans and the fees.")
    var replay = false

    @Option(name: .customLong("mirror-after"), help: ArgumentHelp("With --replay: play the seeded path with every tick's log-return after this tick mirrored around the market's calm drift (the mirror of a fork that --foresight reports).", valueName: "tick"))
    var mirrorAfter: Int?

    @Flag(name: .long, help: "With --replay: also print the path's first forks after which a strategy that does not see the future must guess (rebalancer hindsight --foresight).")
    var foresight = false

    @Flag(name: .long, help: "With --replay: print every tick's price, each venue's ratio to its maintenance margin (settled / counting transfers in flight) and the transfers planned.")
    var trace = false

    func validate() throws {
        guard seconds > 0, seconds <= 86_400 else { throw ValidationError("--seconds must be more than 0 and at most 86400, got \(seconds.cliText)") }
        guard warmupSeconds >= 0, warmupSeconds <= 3600 else { throw ValidationError("--warmup-seconds must be at least 0 and at most 3600, got \(warmupSeconds.cliText)") }
        guard startTimeout > 0, startTimeout <= 3600 else { throw ValidationError("--start-timeout must be more than 0 and at most 3600, got \(startTimeout.cliText)") }
        guard StrategyName(rawValue: strategy) != nil else {
            throw ValidationError("--strategy must be one of \(StrategyName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let prices {
            guard let text = try? String(contentsOfFile: prices, encoding: .utf8) else { throw ValidationError("--prices: cannot read \(prices)") }
            do { _ = try PricePath.parseCSV(text) } catch { throw ValidationError("--prices \(prices): \(error)") }
        }
        if let dashboard { _ = try DashboardCommand.hostPort(dashboard) }
        if replay, prices != nil || dashboard != nil { throw ValidationError("--replay plays the seeded path on one thread: it takes neither --prices nor --dashboard") }
        if trace, !replay { throw ValidationError("--trace needs --replay") }
        if let mirrorAfter, !replay || mirrorAfter < 0 { throw ValidationError("--mirror-after needs --replay and a tick of at least 0") }
        if foresight, !replay { throw ValidationError("--foresight needs --replay (for a live run: rebalancer hindsight --run DIR --foresight)") }
        guard FileManager.default.fileExists(atPath: topology) else { throw ValidationError("--topology: no file at \(topology)") }
    }

    func run() async throws {
        if replay { return try runReplay() }
        LoggingSystem.bootstrap { NodeLogHandler(label: $0, format: .text) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var options = DemoRunner.Options(topologyPath: topology, seconds: seconds, strategy: strategy, seed: seed, pricesPath: prices, dataDirectory: dataDir, live: !quiet)
        options.dashboard = dashboard
        options.warmupSeconds = warmupSeconds
        options.startTimeoutSeconds = startTimeout
        let runner = DemoRunner(options: options, executable: executable)
        if let dashboard { print("dashboard: http://\(dashboard)/ (log: \(dataDir)/logs/dashboard.log)") }
        let summary = try await runner.run(logger: Logger(label: "demo"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(summary)
        if let json { try data.write(to: URL(fileURLWithPath: json)) }
        print("\nsummary (\(summary.strategy), \(summary.seconds) s):")
        print("  plans proposed \(summary.plans_proposed), approved \(summary.plans_approved), rejected \(summary.plans_rejected), executed \(summary.plans_executed)")
        print("  transfers settled \(summary.transfers_settled), liquidations \(summary.liquidations), fees $\(summary.fees_paid / 100), penalties $\(summary.penalties_charged / 100)")
        if let h = summary.hindsight {
            print("  hindsight: \(h.avoidableLiquidations) of \(h.liquidations.count) liquidations avoidable, \(h.undecidedLiquidations) undecided, \(h.unavoidableLiquidations) unavoidable\(h.firstUnavoidableTick.map { " (first at tick \($0))" } ?? ""), least fees without liquidation $\(h.hindsightCost / 100)")
        }
        if let startup = summary.startup, let healthy = startup.lastHealthy_s, let market = startup.market_launched_s {
            let ready = startup.coordinator_ready_s.map { String(format: ", coordinator ready at %.1f s", $0) } ?? ", coordinator never ready"
            print(String(format: "  start: %ld nodes answered /healthz by %.1f s, market launched at %.1f s, price path after a %g s warm-up", startup.nodes.count - 1, healthy, market, startup.market_warmup_s) + ready)
        }
        print("  latency (watcher saw → executor verified) \(summary.latency_ms.text)")
        print("  capital: initial $\(summary.initial_capital / 100), final $\(summary.final_capital / 100) (+ fees and penalties = $\((summary.final_capital + summary.fees_paid + summary.penalties_charged) / 100))")
        print("  \(summary.processes.count) processes: \(summary.processes.map { "\($0.id)=\($0.pid)" }.joined(separator: " "))")
        if let json { print("  written to \(json)") }
        if let dashboard { print("  dashboard was at http://\(dashboard)/") }
    }
}

extension DemoCommand {
    /// `--replay`: the demo's loop without processes (`DemoReplay`), its figures on one line.
    func runReplay() throws {
        _ = try KeyStore.ensure(topologyPath: topology)
        let deployment = try TopologyFile.load(path: topology)
        var market = deployment.market
        if let seed { market.seed = seed }
        let replay = DemoReplay(topology: deployment.policy, market: market)
        let ticks = Int((seconds * 1000 / Double(max(1, market.tickMs))).rounded())
        let trace = self.trace
        let closes = mirrorAfter.map { HindsightPath.mirror(replay.seededCloses(ticks: ticks), after: $0, drift: market.logDriftPerTick) }
        let outcome = replay.run(StrategyName(rawValue: strategy)!.make(), ticks: ticks, closes: closes) { step, price, views, planned in
            guard trace else { return }
            let ratios = views.keys.sorted().map { v -> String in
                let view = views[v]!
                let m = Double(view.state.maintenanceMargin)
                return m > 0 ? String(format: "%@:%.2f/%.2f", v, Double(view.state.balance) / m, Double(view.effectiveBalance) / m) : "\(v):-"
            }.joined(separator: " ")
            print(String(format: "t%4d P=%9.1f ", step, price) + ratios + " " + planned.map { "\($0.from)>\($0.to) \($0.amount / 100)" }.joined(separator: ", "))
        }
        let report = outcome.report
        let list = outcome.liquidations.map { "\($0.venue)@\($0.tick)" }.joined(separator: " ")
        print("replay \(strategy) seed \(market.seed) \(ticks) ticks: liquidations \(outcome.liquidations.count) [\(list)], avoidable \(report.avoidableLiquidations), undecided \(report.undecidedLiquidations), kept through tick \(report.avoidableThrough), first unavoidable tick \(report.firstUnavoidableTick.map(String.init) ?? "none"), plans \(outcome.plans), transfers \(outcome.transfers), fees $\(String(format: "%.2f", Double(outcome.feesPaid) / 100)), hindsight cost $\(String(format: "%.2f", Double(report.hindsightCost) / 100)), sent $\(outcome.totalSent / 100) (most from one venue $\((outcome.outflow.values.max() ?? 0) / 100))")
        if foresight {
            let forks = outcome.path.foresightForks(through: outcome.path.ticks, drift: market.logDriftPerTick, most: 3)
            print(HindsightCommand.text(forks))
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }
}
