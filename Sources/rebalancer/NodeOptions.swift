import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import RebalancerCore
import RebalancerNode
import ServiceLifecycle

/// Options every role takes.
struct NodeOptions: ParsableArguments {
    @Option(name: .long, help: "The topology file.")
    var topology: String = "topology/local.yaml"

    @Option(name: .long, help: "Where this node keeps its database (default: .rebalancer/<topology>/<node>).")
    var dataDir: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .long, help: "Log format: text (millisecond UTC timestamps) or json (one object per line, microsecond timestamps).")
    var logFormat: String = LogFormat.text.rawValue

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard LogFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format must be one of \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// Loads the topology, this node's keys, and sets up logging and the runtime.
    func bootstrap(nodeID: String, role: Topology.Role, adjust: (inout Deployment) -> Void = { _ in }) throws -> NodeRuntime {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let format = LogFormat(rawValue: logFormat) ?? .text
        LoggingSystem.bootstrap { label in
            var handler = NodeLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
        var factory = PrometheusMetricsFactory(registry: metricsRegistry)
        // From a tenth of a millisecond (one hop on loopback) to a minute (a transfer settling),
        // fine below 5 ms where the decision path's targets are (issue 14).
        factory.defaultDurationHistogramBuckets = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000].map { Duration.microseconds(Int64($0 * 1000)) }
        MetricsSystem.bootstrap(factory)
        let logger = Logger(label: nodeID)
        var topology = try TopologyFile.load(path: self.topology)
        adjust(&topology)
        guard let node = topology.node(nodeID) else {
            throw ValidationError("node '\(nodeID)' is not in \(self.topology); \(Self.roster(of: role, in: topology))")
        }
        guard node.role == role else {
            throw ValidationError(
                "node '\(nodeID)' is \(Self.article(node.role.rawValue)) \(node.role.rawValue), not \(Self.article(role.rawValue)) \(role.rawValue); \(Self.roster(of: role, in: topology))"
            )
        }
        return try NodeRuntime(topology: topology, topologyPath: self.topology, node: node, logger: logger)
    }

    /// The nodes of `role` in `topology`, for an error message: `its executors: executor-1`.
    static func roster(of role: Topology.Role, in topology: Deployment) -> String {
        let ids = topology.nodes.filter { $0.role == role }.map(\.id)
        return ids.isEmpty ? "it has no \(role.rawValue) node" : "its \(role.rawValue) nodes: \(ids.joined(separator: ", "))"
    }

    /// "an" before a vowel, "a" otherwise.
    static func article(_ word: String) -> String {
        word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }

    /// This node's data directory.
    func dataDirectory(topologyID: String, nodeID: String) -> String {
        dataDir ?? ".rebalancer/\(topologyID)/\(nodeID)"
    }

    /// Opens this node's data directory for this process alone, refusing one that another process
    /// holds or that is recorded for another deployment, node or key; returns its path. The lock is
    /// held until the process exits.
    func openDataDirectory(_ runtime: NodeRuntime) throws -> String {
        let identity = DataDirectoryIdentity(topologyID: runtime.topology.id, node: runtime.node.id, signingKey: runtime.node.signingKey)
        let directory = try DataDirectory.open(path: dataDirectory(topologyID: identity.topologyID, nodeID: identity.node), identity: identity)
        if directory.adopted {
            runtime.logger.warning("data directory had no owner record; recorded it as this node's", metadata: ["path": "\(directory.path)"])
        }
        return directory.path
    }
}

/// The process's Prometheus registry: every swift-metrics metric lands here, and the node's
/// `metrics` endpoint serves it.
let metricsRegistry = PrometheusCollectorRegistry()

/// Runs one role until SIGTERM or SIGINT (or, under `rebalancer up`, until its supervisor is gone),
/// with its metrics endpoint beside it when the topology gives the node one.
func runRole<Handler: RoleHandler>(_ service: RoleService<Handler>, logger: Logger) async throws {
    let metrics = try MetricsServer.service(runtime: service.runtime, registry: metricsRegistry)
    try await runRole(service, beside: metrics.map { [$0] } ?? [], logger: logger)
}

/// Runs `service` and the services `beside` it until SIGTERM or SIGINT (or, under `rebalancer
/// up`, until its supervisor is gone).
func runRole(_ service: some Service, beside: [any Service] = [], logger: Logger) async throws {
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: service)]
    services += beside.map { .init(service: $0) }
    if let watch = SupervisorWatch() { services.append(.init(service: watch, successTerminationBehavior: .gracefullyShutdownGroup)) }
    let group = ServiceGroup(
        configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    )
    try await group.run()
}
