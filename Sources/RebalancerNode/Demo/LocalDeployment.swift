import Foundation
import Logging
import RebalancerCore

/// A whole topology on one machine for the demo, the chaos run and the load bench: each role a
/// child process of `executable` with its data under `<dataDirectory>/<node>`, and this process
/// as the topology's `monitor` node, watching the feeds through `Monitor`.
final class LocalDeployment<Monitor: RoleHandler>: @unchecked Sendable {
    // Used by the runner's own task, one call at a time.
    let topology: Topology
    let topologyPath: String
    let dataDirectory: String
    let supervisor: ProcessSupervisor
    let monitor: Monitor
    /// Nodes whose keys were generated because they had none (first run of a keyless topology).
    let generatedKeys: [NodeID]
    private let runtime: NodeRuntime
    private var consumer: Task<Void, Never>?

    /// Generates missing keys, wipes `dataDirectory`, and starts the monitor `makeMonitor` builds
    /// on this process's runtime (no children yet).
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
        supervisor = ProcessSupervisor(executable: executable, logDirectory: dataDirectory + "/logs")
        var monitorLogger = logger
        monitorLogger.logLevel = .error
        runtime = try NodeRuntime(topology: topology, topologyPath: topologyPath, node: monitorNode, logger: monitorLogger)
        monitor = try makeMonitor(runtime)
        let inbound = runtime.start()
        let monitor = monitor
        consumer = Task { await runtime.deliver(inbound, to: monitor) }
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
    /// arguments for the venues and the coordinator.
    func start(roles: Set<Topology.Role> = Set(Topology.Role.allCases).subtracting([.monitor]), venuesArguments: [String] = [], coordinatorArguments: [String] = []) throws {
        for node in topology.nodes where roles.contains(node.role) {
            try supervisor.start(role: node.role, id: node.id, arguments: arguments(for: node, venuesArguments: venuesArguments, coordinatorArguments: coordinatorArguments))
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

    /// Stops every child and the monitor.
    func shutdown() async {
        await supervisor.stopAll()
        runtime.shutdown()
        consumer?.cancel()
        consumer = nil
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
