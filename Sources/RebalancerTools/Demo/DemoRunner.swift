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
        /// How long the market's price path runs (after its warm-up).
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
        /// How long the market publishes its opening state before its price path moves, once
        /// every other node answered `/healthz` (the feeds joined, the coordinator ready).
        public var warmupSeconds: Double = DemoRunner.defaultWarmupSeconds
        /// How long to wait for every node to answer `/healthz` before giving up.
        public var startTimeoutSeconds: Double = DemoRunner.defaultStartTimeoutSeconds

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

    /// The market's default warm-up, in seconds.
    public static let defaultWarmupSeconds: Double = 2
    /// The default bound on the nodes' start, in seconds.
    public static let defaultStartTimeoutSeconds: Double = 120

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
                summary.attach(try MarketRecord.read(from: deployment.directory(of: venues.id)).hindsight(topology: deployment.topology.policy))
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
        venuesArguments += ["--warmup-seconds", "\(options.warmupSeconds)"]
        let begun = ContinuousClock.now
        // Every other role first; the market only once each answered /healthz.
        var startup = try await deployment.start(
            venuesArguments: venuesArguments, coordinatorArguments: ["--strategy", options.strategy], timeout: .milliseconds(Int64(options.startTimeoutSeconds * 1000))
        )
        startup.market_warmup_s = options.warmupSeconds
        if options.live, let healthy = startup.lastHealthy_s {
            print(String(format: "%ld nodes answered /healthz after %.1f s; market opened, price path moves after a %g s warm-up", startup.nodes.count - 1, healthy, options.warmupSeconds))
        }
        let readiness = deployment.topology.coordinator.flatMap { deployment.topology.endpoints(of: $0.id)["metrics"] }.flatMap(MetricsServer.hostPort)
        // The web page is a side show: a dashboard that cannot start (its port taken) is logged, not
        // fatal. It is one more child of the supervisor, stopped with the others.
        if let listen = options.dashboard { try await startDashboard(listen: listen, supervisor: deployment.supervisor) }
        let monitor = deployment.monitor, supervisor = deployment.supervisor
        let started = ContinuousClock.now
        let display = DemoDisplay(topology: deployment.topology, strategy: options.strategy, live: options.live)
        var exitedEarly: [(ProcessSupervisor.Child, Int32)] = []
        while ContinuousClock.now - started < .seconds(options.warmupSeconds + options.seconds) {
            try? await Task.sleep(for: .milliseconds(500))
            if startup.coordinator_ready_s == nil, let (host, port) = readiness,
               (try? await HTTPExchange.get(host: host, port: port, path: "/readyz", timeoutMs: 300))?.status == 200 {
                startup.coordinator_ready_s = (ContinuousClock.now - begun).seconds
            }
            let elapsed = max(0, (ContinuousClock.now - started).seconds - options.warmupSeconds)
            await display.render(monitor: monitor, elapsed: elapsed, total: options.seconds)
            exitedEarly = await supervisor.exited().filter { $0.0.id != Self.dashboardID }
            if !exitedEarly.isEmpty { break }
        }
        var summary = await summarize(monitor: monitor, supervisor: supervisor, elapsed: max(0, (ContinuousClock.now - started).seconds - options.warmupSeconds))
        summary.startup = startup
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
