import ArgumentParser
import Foundation
import Logging
import RebalancerCore
import RebalancerNode
import ServiceLifecycle

/// `rebalancer up`: every node of a topology that belongs on this host, as supervised children.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run this host's nodes of a topology as supervised child processes; SIGTERM or Ctrl-C stops them all.",
        discussion: """
            Runs the nodes named by --nodes, or by default every node whose endpoints are on this host \
            (loopback, wildcard, or one of this host's addresses or names; nodes with no endpoints of \
            their own, the verifiers, come along when the whole topology is on this host). A node that \
            exits is restarted after 0.5 s, 1 s, 2 s, ... up to 30 s. Each node logs to <log-dir>/<node>.log.
            """
    )

    @Option(help: "The topology file.")
    var topology: String = "topology/local.yaml"

    @Option(help: "Comma-separated node ids to run (default: every node whose endpoints are on this host).")
    var nodes: String?

    @Option(help: "Root of the nodes' data directories, each node using <dir>/<node> (default: each role's own, .rebalancer/<topology id>/<node>).")
    var dataDir: String?

    @Option(help: "Where each node logs, as <dir>/<node>.log (default: .rebalancer/<topology id>/logs).")
    var logDir: String?

    @Option(help: "Log level of this process and of every node: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = NodeLogHandler(label: label, format: .text)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "up")
        let deployment = try TopologyFile.load(path: topology)
        let requested = nodes.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        let host = LocalHost()
        let selection: HostNodes.Selection
        do {
            selection = try HostNodes.select(deployment, requested: requested) { host.isLocal(endpoint: $0) }
        } catch let error as HostNodes.SelectionError {
            throw ValidationError(error.description)
        }
        guard !selection.nodes.isEmpty else {
            throw ValidationError("no node of \(topology) has its endpoints on this host; name the nodes to run with --nodes")
        }
        let problems = HostNodes.keyProblems(selection.nodes, topology: deployment, topologyPath: topology)
        guard problems.isEmpty else {
            for problem in problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
            throw ExitCode(1)
        }
        if !selection.leftOut.isEmpty {
            logger.notice("not run here: nodes with no endpoints of their own, in a topology spread over several hosts; name them with --nodes on their host", metadata: [
                "nodes": "\(selection.leftOut.joined(separator: ","))",
            ])
        }
        let logDirectory = logDir ?? ".rebalancer/\(deployment.id)/logs"
        logger.info("running nodes", metadata: ["nodes": "\(selection.nodes.map(\.id).joined(separator: ","))", "logs": "\(logDirectory)"])
        if deployment.nodes(.monitor).first != nil {
            print("dashboard: rebalancer dashboard --topology \(topology) --listen 127.0.0.1:8080, then open http://127.0.0.1:8080/")
        }
        let service = HostSupervisor(
            options: .init(
                topologyPath: topology, nodes: selection.nodes, dataRoot: dataDir, logDirectory: logDirectory, logLevel: logLevel,
                executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            ),
            logger: logger
        )
        try await runRole(service, logger: logger)
    }
}
