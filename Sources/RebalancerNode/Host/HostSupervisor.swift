import Foundation
import Logging
import RebalancerCore
import ServiceLifecycle

/// `rebalancer up`: runs a host's nodes as child processes of `executable`, each logging to
/// `<logDirectory>/<node>.log`; restarts a child that exits with `RestartBackoff`, and on
/// graceful shutdown (SIGTERM, SIGINT) stops every child (SIGTERM, then SIGKILL after the grace).
/// Each child runs a `SupervisorWatch`, so it stops by itself if this process dies without
/// stopping it (SIGKILL).
public actor HostSupervisor: Service {
    /// What to run and where.
    public struct Options: Sendable {
        /// One node and the command line that runs it.
        public struct Launch: Sendable {
            /// The node.
            public var node: Topology.Node
            /// Its arguments (`RoleArguments`, then `--log-level`), the executable's name not included.
            public var arguments: [String]
        }

        /// The nodes to run, in order.
        public var launches: [Launch]
        /// Where the children's logs go.
        public var logDirectory: String
        /// The binary to run (normally this very one).
        public var executable: URL
        /// When to restart a child that exited.
        public var backoff: RestartBackoff
        /// How long children get to stop after SIGTERM before SIGKILL.
        public var stopGrace: Duration

        /// Options that run `nodes` of the topology file `topologyPath`, each with its data in
        /// `<dataRoot>/<node>` (nil leaves the roles' own default) and `--log-level logLevel`;
        /// by default with the default backoff and a 5 s grace.
        public init(
            topologyPath: String, nodes: [Topology.Node], dataRoot: String?, logDirectory: String, logLevel: String,
            executable: URL, backoff: RestartBackoff = RestartBackoff(), stopGrace: Duration = .seconds(5)
        ) {
            launches = nodes.map { node in
                let dataDirectory = dataRoot.map { "\($0)/\(node.id)" }
                let arguments = RoleArguments.arguments(for: node, topologyPath: topologyPath, dataDirectory: dataDirectory)
                return Launch(node: node, arguments: arguments + ["--log-level", logLevel])
            }
            self.logDirectory = logDirectory
            self.executable = executable
            self.backoff = backoff
            self.stopGrace = stopGrace
        }
    }

    private let options: Options
    private let logger: Logger
    private let supervisor: ProcessSupervisor
    private var startedAt: [NodeID: ContinuousClock.Instant] = [:]
    private var restartAt: [NodeID: ContinuousClock.Instant] = [:]
    private var backoffs: [NodeID: RestartBackoff] = [:]
    private var restarts: [NodeID: Int] = [:]

    /// A supervisor for `options`, logging what it does to `logger`.
    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
        supervisor = ProcessSupervisor(
            executable: options.executable, logDirectory: options.logDirectory,
            environment: [SupervisorWatch.environmentKey: "\(getpid())"]
        )
    }

    /// Starts every node, keeps them running until graceful shutdown, then stops them all.
    public func run() async throws {
        do {
            try FileManager.default.createDirectory(atPath: options.logDirectory, withIntermediateDirectories: true)
            for launch in options.launches {
                let node = launch.node
                let child = try await supervisor.start(role: node.role, id: node.id, arguments: launch.arguments)
                startedAt[node.id] = .now
                backoffs[node.id] = options.backoff
                logger.info("started", metadata: ["node": "\(node.id)", "pid": "\(child.pid)", "log": "\(child.logPath)"])
            }
            try await cancelWhenGracefulShutdown { try await self.supervise() }
        } catch is CancellationError {
        } catch {
            logger.error("cannot run the nodes: \(error)")
            await stopAll()
            throw error
        }
        await stopAll()
    }

    private func stopAll() async {
        let count = await supervisor.children.count
        logger.info("stopping every node", metadata: ["nodes": "\(count)"])
        await supervisor.stopAll(grace: options.stopGrace)
        logger.info("stopped every node")
    }

    /// Polls the children: schedules a restart for each that exited, restarts those due.
    private func supervise() async throws {
        while true {
            let now = ContinuousClock.now
            for (child, status) in await supervisor.exited() where restartAt[child.id] == nil {
                let uptime = now - (startedAt[child.id] ?? now)
                let delay = backoffs[child.id, default: options.backoff].delay(afterRunning: uptime)
                restartAt[child.id] = now + delay
                logger.warning("node exited; restarting it", metadata: [
                    "node": "\(child.id)", "pid": "\(child.pid)", "status": "\(status)", "ran_s": "\(seconds(uptime))",
                    "restart_in_s": "\(seconds(delay))", "last_log_line": "\(Self.lastLine(of: child.logPath))",
                ])
            }
            for (id, due) in restartAt where due <= now {
                try Task.checkCancellation()
                restartAt[id] = nil
                do {
                    let child = try await supervisor.restart(id)
                    startedAt[id] = now
                    restarts[id, default: 0] += 1
                    logger.info("restarted", metadata: ["node": "\(id)", "pid": "\(child.pid)", "restarts": "\(restarts[id, default: 0])"])
                } catch {
                    let delay = backoffs[id, default: options.backoff].delay(afterRunning: .zero)
                    restartAt[id] = now + delay
                    logger.error("cannot restart node: \(error)", metadata: ["node": "\(id)", "retry_in_s": "\(seconds(delay))"])
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    /// The last non-empty line of a log file (read from its last 4 KiB), for the restart message.
    static func lastLine(of path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        return text.split(separator: "\n").last.map(String.init) ?? ""
    }
}
