import Foundation
import Logging
import RebalancerCore
import RebalancerNode
import ServiceLifecycle

/// A whole topology on one machine for the demo, the chaos run and the load bench: each role a
/// child process of `executable` with its data under `<dataDirectory>/<node>`, and this process
/// as the topology's `monitor` node, watching the feeds through `Monitor`.
///
/// A `Service`: `run()` feeds the monitor until graceful shutdown (or cancellation), then stops
/// every child and closes the monitor's sockets. `running(_:)` runs it beside the caller's work
/// and shuts it down when that work ends, whatever happened.
///
/// Sendable without `@unchecked`: every stored property is immutable and itself Sendable (the
/// supervisor and the monitor are actors).
final class LocalDeployment<Monitor: RoleHandler>: Service, Sendable {
    /// The topology, as loaded (after any keys were generated).
    let topology: Deployment
    /// Its file, which every child is given.
    let topologyPath: String
    /// Wiped at start; each node's data under `<dataDirectory>/<node>`, the logs under `logs/`.
    let dataDirectory: String
    /// Every role process of the deployment.
    let supervisor: ProcessSupervisor
    /// This process's view of the feeds.
    let monitor: Monitor
    /// Nodes whose keys were generated because they had none (first run of a keyless topology).
    let generatedKeys: [NodeID]
    /// The monitor node's sockets.
    private let runtime: NodeRuntime

    /// Generates missing keys, wipes `dataDirectory`, and builds the monitor `makeMonitor` makes
    /// on this process's runtime (no children yet, nothing received until `run()`).
    init(topologyPath: String, dataDirectory: String, executable: URL, logger: Logger, monitor makeMonitor: (NodeRuntime) throws -> Monitor) throws {
        generatedKeys = try KeyStore.ensure(topologyPath: topologyPath)
        topology = try TopologyFile.load(path: topologyPath)
        self.topologyPath = topologyPath
        self.dataDirectory = dataDirectory
        guard let monitorNode = topology.nodes(.monitor).first else {
            throw DemoError("the topology has no monitor node")
        }
        let fm = FileManager.default
        try? fm.removeItem(atPath: dataDirectory)
        try fm.createDirectory(atPath: dataDirectory + "/logs", withIntermediateDirectories: true)
        // As under `up`: a child whose parent is gone (this process killed) stops by itself.
        supervisor = ProcessSupervisor(
            executable: executable, logDirectory: dataDirectory + "/logs", environment: [SupervisorWatch.environmentKey: "\(getpid())"]
        )
        var monitorLogger = logger
        monitorLogger.logLevel = .error
        runtime = try NodeRuntime(topology: topology, topologyPath: topologyPath, node: monitorNode, logger: monitorLogger)
        monitor = try makeMonitor(runtime)
    }

    /// Feeds the monitor until graceful shutdown or cancellation, then stops every child and the
    /// monitor's sockets.
    func run() async {
        let inbound = runtime.start()
        await cancelWhenGracefulShutdown { await self.runtime.deliver(inbound, to: self.monitor) }
        await supervisor.stopAll()
        await runtime.shutdown()
    }

    /// Runs the deployment (`run()`) while `body` runs, then shuts it down (every child stopped,
    /// the monitor's sockets closed) and returns what `body` returned or rethrows what it threw.
    func running<T>(_ body: (LocalDeployment) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.run() }
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body(self))
            } catch {
                outcome = .failure(error)
            }
            group.cancelAll()
            try await group.waitForAll()
            return try outcome.get()
        }
    }

    /// A node's data directory.
    func directory(of node: NodeID) -> String { "\(dataDirectory)/\(node)" }

    /// Where the venues write their final report.
    var venuesReportPath: String { directory(of: topology.venuesNode?.id ?? "venues") + "/report.json" }

    /// Where each node's database is, as the role commands name them.
    var auditPaths: ChaosAudit.Paths {
        ChaosAudit.Paths(
            journals: topology.coordinators.map { directory(of: $0.id) + "/journal.sqlite" },
            executorRecords: Dictionary(uniqueKeysWithValues: topology.nodes(.executor).map { ($0.id, directory(of: $0.id) + "/executed.sqlite") }),
            verifierLedgers: Dictionary(uniqueKeysWithValues: topology.verifiers.map { ($0.id, directory(of: $0.id) + "/ledger.sqlite") }),
            venuesReport: venuesReportPath
        )
    }

    /// Starts the role processes of `roles` (every role but the monitor by default), with extra
    /// arguments for the venues and the coordinator: every other role first, in topology order,
    /// then waits until each of them answers `/healthz` on its metrics endpoint, and only then
    /// starts the market (`venues`), so that its price path never runs while the pipeline is
    /// still starting. Throws, naming the node, when one exits before it answered or does not
    /// answer within `timeout` (the market is then not started). Returns when each was launched
    /// and answered, in seconds since the call.
    @discardableResult
    func start(
        roles: Set<Topology.Role> = Set(Topology.Role.allCases).subtracting([.monitor]), venuesArguments: [String] = [], coordinatorArguments: [String] = [],
        timeout: Duration = .seconds(120)
    ) async throws -> DemoStartup {
        let begun = ContinuousClock.now
        var record = DemoStartup()
        let chosen = topology.nodes.filter { roles.contains($0.role) }
        for phase in [chosen.filter { $0.role != .venues }, chosen.filter { $0.role == .venues }] where !phase.isEmpty {
            let first = record.nodes.count
            for node in phase {
                let arguments = arguments(for: node, venuesArguments: venuesArguments, coordinatorArguments: coordinatorArguments)
                try await supervisor.start(role: node.role, id: node.id, arguments: arguments)
                record.nodes.append(.init(id: node.id, role: node.role.rawValue, launched_s: (ContinuousClock.now - begun).seconds))
                if node.role == .venues { record.market_launched_s = record.nodes.last?.launched_s }
            }
            try await waitHealthy(&record, from: first, since: begun, deadline: begun + timeout, timeout: timeout)
        }
        return record
    }

    /// Asks each node of `record.nodes[from...]` with a metrics endpoint for `/healthz` until it
    /// answers 200, recording when; throws naming the node that exited first, or the nodes still
    /// silent at `deadline`.
    private func waitHealthy(_ record: inout DemoStartup, from first: Int, since begun: ContinuousClock.Instant, deadline: ContinuousClock.Instant, timeout: Duration) async throws {
        var pending: [(index: Int, host: String, port: Int)] = record.nodes.indices.dropFirst(first).compactMap { index in
            guard let endpoint = topology.endpoints(of: record.nodes[index].id)["metrics"], let (host, port) = MetricsServer.hostPort(endpoint) else { return nil }
            return (index, host == "0.0.0.0" ? "127.0.0.1" : host, port)
        }
        while !pending.isEmpty {
            var silent: [(index: Int, host: String, port: Int)] = []
            for node in pending {
                let answer = try? await HTTPExchange.get(host: node.host, port: node.port, path: "/healthz", timeoutMs: 1000)
                if answer?.status == 200 {
                    record.nodes[node.index].healthy_s = (ContinuousClock.now - begun).seconds
                } else {
                    silent.append(node)
                }
            }
            pending = silent
            guard !pending.isEmpty else { break }
            let ids = Set(pending.map { record.nodes[$0.index].id })
            if let (child, status) = await supervisor.exited().first(where: { ids.contains($0.0.id) }) {
                let tail = ((try? String(contentsOfFile: child.logPath, encoding: .utf8)) ?? "").split(separator: "\n").suffix(5).joined(separator: "\n")
                throw DemoError("\(child.id) (\(child.role.rawValue)) exited with status \(status) before it answered /healthz; the market was not started; see \(child.logPath):\n\(tail)")
            }
            if ContinuousClock.now >= deadline {
                let names = pending.prefix(5).map { "\(record.nodes[$0.index].id) (http://\($0.host):\($0.port)/healthz)" }
                let more = pending.count > 5 ? " and \(pending.count - 5) more" : ""
                throw DemoError("\(names.joined(separator: ", "))\(more) did not answer /healthz within \(String(format: "%g", timeout.seconds)) s; the market was not started; see \(dataDirectory)/logs")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func arguments(for node: Topology.Node, venuesArguments: [String], coordinatorArguments: [String]) -> [String] {
        var args = RoleArguments.arguments(for: node, topologyPath: topologyPath, dataDirectory: directory(of: node.id))
        switch node.role {
        case .venues: args += ["--report", venuesReportPath] + venuesArguments
        case .coordinator: args += coordinatorArguments
        case .watcher, .verifier, .executor, .monitor: break
        }
        return args
    }

    /// Waits until `condition` holds or `timeout` passes; true if it held.
    func wait(upTo timeout: Duration, poll: Duration = .milliseconds(100), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: poll)
        }
        return try await condition()
    }
}

extension LocalDeployment where Monitor == ChaosMonitor {
    /// A deployment watched by a `ChaosMonitor` (chaos run, load bench).
    convenience init(topologyPath: String, dataDirectory: String, executable: URL, logger: Logger, marketFeed: Bool) throws {
        try self.init(topologyPath: topologyPath, dataDirectory: dataDirectory, executable: executable, logger: logger) {
            try ChaosMonitor(runtime: $0, marketFeed: marketFeed)
        }
        if !generatedKeys.isEmpty { logger.info("generated keys", metadata: ["nodes": "\(generatedKeys.count)"]) }
    }
}
