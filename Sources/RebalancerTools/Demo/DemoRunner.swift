import Foundation
import Logging
import RebalancerCore
import RebalancerNode
import RebalancerWire

/// Runs a whole deployment on one machine: every role of the topology as its own child process,
/// a monitor node for the live display, and a summary at the end.
public struct DemoRunner: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// The topology file.
        public var topologyPath: String
        /// How long the market runs.
        public var seconds: Double
        /// The coordinator's strategy.
        public var strategy: String
        /// Overrides the topology's price seed.
        public var seed: UInt64?
        /// A recorded price path to replay.
        public var pricesPath: String?
        /// Where journals and logs go; wiped at start.
        public var dataDirectory: String
        /// Live display on the terminal.
        public var live: Bool
        /// Serve the live web page (`rebalancer dashboard`) on this host:port while the demo runs.
        public var dashboard: String?

        /// Creates options.
        public init(topologyPath: String, seconds: Double, strategy: String, seed: UInt64?, pricesPath: String?, dataDirectory: String, live: Bool) {
            self.topologyPath = topologyPath
            self.seconds = seconds
            self.strategy = strategy
            self.seed = seed
            self.pricesPath = pricesPath
            self.dataDirectory = dataDirectory
            self.live = live
        }
    }

    let options: Options
    let executable: URL

    /// A runner that starts children from `executable` (this binary).
    public init(options: Options, executable: URL) {
        self.options = options
        self.executable = executable
    }

    /// Runs the demo and returns its summary.
    public func run(logger: Logger) async throws -> DemoSummary {
        let deployment = try LocalDeployment(
            topologyPath: options.topologyPath, dataDirectory: options.dataDirectory, executable: executable, logger: logger
        ) { try DemoMonitor(runtime: $0) }
        if !deployment.generatedKeys.isEmpty {
            print("generated keys for \(deployment.generatedKeys.count) nodes (mode 0600, never committed)")
        }
        // Whatever happened, no child outlives the demo.
        let (finished, exitedEarly) = try await deployment.running { try await drive($0) }
        var summary = finished
        if let venues = deployment.topology.venuesNode {
            do {
                summary.attach(try MarketRecord.read(from: deployment.directory(of: venues.id)).hindsight())
            } catch {
                logger.warning("no hindsight report", metadata: ["error": "\(error)"])
            }
        }
        if let (child, status) = exitedEarly.first {
            let tail = ((try? String(contentsOfFile: child.logPath, encoding: .utf8)) ?? "").split(separator: "\n").suffix(5).joined(separator: "\n")
            throw DemoError("\(child.id) (\(child.role.rawValue)) exited with status \(status); see \(child.logPath):\n\(tail)")
        }
        return summary
    }

    /// Starts every role, shows progress until the time is up or a child exits, and summarises.
    private func drive(_ deployment: LocalDeployment<DemoMonitor>) async throws -> (DemoSummary, [(ProcessSupervisor.Child, Int32)]) {
        var venuesArguments: [String] = []
        if let seed = options.seed { venuesArguments += ["--seed", "\(seed)"] }
        if let prices = options.pricesPath { venuesArguments += ["--prices", prices] }
        try await deployment.start(venuesArguments: venuesArguments, coordinatorArguments: ["--strategy", options.strategy])
        // The web page is a side show: a dashboard that cannot start (its port taken) is logged, not
        // fatal. It is one more child of the supervisor, stopped with the others.
        if let listen = options.dashboard { try await startDashboard(listen: listen, supervisor: deployment.supervisor) }
        let monitor = deployment.monitor, supervisor = deployment.supervisor
        let started = ContinuousClock.now
        let display = DemoDisplay(topology: deployment.topology, strategy: options.strategy, live: options.live)
        var exitedEarly: [(ProcessSupervisor.Child, Int32)] = []
        while ContinuousClock.now - started < .seconds(options.seconds) {
            try? await Task.sleep(for: .milliseconds(500))
            let elapsed = (ContinuousClock.now - started).seconds
            await display.render(monitor: monitor, elapsed: elapsed, total: options.seconds)
            exitedEarly = await supervisor.exited().filter { $0.0.id != Self.dashboardID }
            if !exitedEarly.isEmpty { break }
        }
        let summary = await summarize(monitor: monitor, supervisor: supervisor, elapsed: (ContinuousClock.now - started).seconds)
        return (summary, exitedEarly)
    }

    private func summarize(monitor: DemoMonitor, supervisor: ProcessSupervisor, elapsed: Double) async -> DemoSummary {
        let market = await monitor.market
        let latencies = await monitor.latencies
        return DemoSummary(
            strategy: options.strategy,
            seconds: (elapsed * 10).rounded() / 10,
            plans_proposed: await monitor.counter("plans.proposed"),
            plans_approved: await monitor.counter("plans.approved"),
            plans_rejected: await monitor.counter("plans.rejected") + (await monitor.counter("plans.unreachable")),
            plans_executed: max(await monitor.executorCounter("plans.executed"), Int64(await monitor.received.count)),
            transfers_settled: Int64(market.transfersSettled),
            liquidations: Int64(market.liquidations),
            fees_paid: market.feesPaid,
            penalties_charged: market.penaltiesCharged,
            initial_capital: market.initialCapital,
            final_capital: market.capitalInSystem,
            dropped_messages: await monitor.dropped,
            processes: await supervisor.children.filter { $0.id != Self.dashboardID }.map { .init(role: $0.role.rawValue, id: $0.id, pid: $0.pid) },
            latency_ms: .init(nanos: latencies)
        )
    }
}

/// A demo failure with a message for the operator.
public struct DemoError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
