import Foundation
import Logging
import RebalancerCore
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

    private let options: Options
    private let executable: URL

    /// A runner that starts children from `executable` (this binary).
    public init(options: Options, executable: URL) {
        self.options = options
        self.executable = executable
    }

    /// Runs the demo and returns its summary.
    public func run(logger: Logger) async throws -> DemoSummary {
        let generated = try KeyStore.ensure(topologyPath: options.topologyPath)
        if !generated.isEmpty { print("generated keys for \(generated.count) nodes (mode 0600, never committed)") }
        let topology = try TopologyFile.load(path: options.topologyPath)
        guard let monitorNode = topology.nodes(.monitor).first else {
            throw DemoError("the topology has no monitor node for the live display")
        }
        let fm = FileManager.default
        try? fm.removeItem(atPath: options.dataDirectory)
        try fm.createDirectory(atPath: options.dataDirectory + "/logs", withIntermediateDirectories: true)
        let supervisor = ProcessSupervisor(executable: executable, logDirectory: options.dataDirectory + "/logs")

        let keys = try KeyStore.load(node: monitorNode.id, dir: TopologyFile.keysDirectory(of: topology, baseDirectory: TopologyFile.directory(of: options.topologyPath)))
        var monitorLogger = logger
        monitorLogger.logLevel = .error
        let runtime = try NodeRuntime(topology: topology, node: monitorNode, signer: try keys.signer(), curvePublic: keys.curvePublic, curveSecret: keys.curveSecret, logger: monitorLogger)
        let monitor = try DemoMonitor(runtime: runtime)
        let inbound = runtime.start()
        let outcome: Result<(DemoSummary, [(ProcessSupervisor.Child, Int32)]), any Error> = await withTaskGroup(of: Void.self) { group in
            // The monitor's inbound messages, until the run is over.
            group.addTask { await runtime.deliver(inbound, to: monitor) }
            let result: Result<(DemoSummary, [(ProcessSupervisor.Child, Int32)]), any Error>
            do {
                result = .success(try await drive(topology: topology, supervisor: supervisor, monitor: monitor))
            } catch {
                result = .failure(error)
            }
            // Whatever happened, no child outlives the demo.
            await supervisor.stopAll()
            runtime.shutdown()
            group.cancelAll()
            return result
        }
        let (summary, exitedEarly) = try outcome.get()
        if let (child, status) = exitedEarly.first {
            let tail = ((try? String(contentsOfFile: child.logPath, encoding: .utf8)) ?? "").split(separator: "\n").suffix(5).joined(separator: "\n")
            throw DemoError("\(child.id) (\(child.role.rawValue)) exited with status \(status); see \(child.logPath):\n\(tail)")
        }
        return summary
    }

    /// Starts every role, shows progress until the time is up or a child exits, and summarises.
    private func drive(topology: Topology, supervisor: ProcessSupervisor, monitor: DemoMonitor) async throws -> (DemoSummary, [(ProcessSupervisor.Child, Int32)]) {
        for node in topology.nodes where node.role != .monitor {
            try supervisor.start(role: node.role, id: node.id, arguments: arguments(for: node))
        }
        let started = ContinuousClock.now
        let display = DemoDisplay(topology: topology, strategy: options.strategy, live: options.live)
        var exitedEarly: [(ProcessSupervisor.Child, Int32)] = []
        while ContinuousClock.now - started < .seconds(options.seconds) {
            try? await Task.sleep(for: .milliseconds(500))
            let elapsed = (ContinuousClock.now - started).seconds
            await display.render(monitor: monitor, elapsed: elapsed, total: options.seconds)
            exitedEarly = supervisor.exited()
            if !exitedEarly.isEmpty { break }
        }
        let summary = await summarize(monitor: monitor, supervisor: supervisor, elapsed: (ContinuousClock.now - started).seconds)
        return (summary, exitedEarly)
    }

    private func arguments(for node: Topology.Node) -> [String] {
        var args: [String] = [node.role.rawValue, "--topology", options.topologyPath, "--data-dir", "\(options.dataDirectory)/\(node.id)"]
        switch node.role {
        case .venues:
            args += ["--id", node.id]
            if let seed = options.seed { args += ["--seed", "\(seed)"] }
            if let prices = options.pricesPath { args += ["--prices", prices] }
        case .watcher: args += ["--venue", node.venue ?? ""]
        case .coordinator: args += ["--id", node.id, "--strategy", options.strategy]
        case .verifier, .executor: args += ["--id", node.id]
        case .monitor: break
        }
        return args
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
            processes: supervisor.children.map { .init(role: $0.role.rawValue, id: $0.id, pid: $0.pid) },
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
