import Foundation
import Logging
import RebalancerCore
import RebalancerNode

/// Runs the demo topology with every role as a child process and, meanwhile, SIGKILLs and
/// restarts in turn a watcher, a verifier, the coordinator and the executor, and pauses a
/// verifier (SIGSTOP, then SIGCONT). After a settle period with everything up it stops the
/// watchers (no new plans), waits for the executors to catch up, stops everything (the venues
/// last, which writes their final report) and audits what the processes left on disk.
///
/// The venues process is never faulted: it stands for the outside world.
public struct ChaosRunner: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// The topology file.
        public var topologyPath: String
        /// How long the run lasts before the final checks, in seconds.
        public var seconds: Double
        /// Where journals and logs go; wiped at start.
        public var dataDirectory: String
        /// Seconds from the start to the first fault.
        public var warmup: Double = 3
        /// Seconds with everything up after the last fault.
        public var settle: Double = 6

        /// Creates options; `short` picks a run of about 23 s (warm-up, one round of faults, settle) when `seconds` is nil, else 60 s.
        public init(topologyPath: String, seconds: Double?, short: Bool, dataDirectory: String) {
            self.topologyPath = topologyPath
            self.seconds = seconds ?? (short ? 23 : 60)
            self.dataDirectory = dataDirectory
            if !short && self.seconds >= 40 { settle = 10 }
        }
    }

    private let options: Options
    private let executable: URL

    /// A runner that starts children from `executable` (this binary).
    public init(options: Options, executable: URL) {
        self.options = options
        self.executable = executable
    }

    /// Runs the faults and the checks; the report says whether every check held.
    public func run(logger: Logger = Logger(label: "chaos")) async throws -> ChaosReport {
        let deployment = try LocalDeployment<ChaosMonitor>(topologyPath: options.topologyPath, dataDirectory: options.dataDirectory,
                                             executable: executable, logger: logger, marketFeed: true)
        return try await deployment.running { try await run($0, logger: logger) }
    }

    private func run(_ deployment: LocalDeployment<ChaosMonitor>, logger: Logger) async throws -> ChaosReport {
        let topology = deployment.topology
        let supervisor = deployment.supervisor
        let monitor = deployment.monitor
        try await deployment.start()
        // The clock starts once the market and the coordinator are visibly up.
        let up = await deployment.wait(upTo: .seconds(30)) {
            let market = await monitor.market
            let led = await monitor.leaderHeard
            return market != nil && led
        }
        guard up else {
            throw DemoError("the deployment did not come up within 30 s; see \(options.dataDirectory)/logs")
        }
        let schedule = ChaosSchedule(topology: topology, seconds: options.seconds, warmup: options.warmup, settle: options.settle)
        let started = ContinuousClock.now
        func elapsed() -> Double { (ContinuousClock.now - started).seconds }
        var faults: [ChaosReport.Fault] = []
        for step in schedule.steps {
            let wait = step.at - elapsed()
            if wait > 0 { try? await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            let pid = await supervisor.child(step.node)?.pid ?? 0
            var fault = ChaosReport.Fault(at: (elapsed() * 10).rounded() / 10, action: step.action.rawValue, node: step.node, pid: pid, error: "")
            do {
                switch step.action {
                case .kill: try await supervisor.signal(step.node, SIGKILL)
                case .restart: fault.pid = try await supervisor.restart(step.node).pid
                case .pause: try await supervisor.pause(step.node)
                case .resume: try await supervisor.resume(step.node)
                case .wipe: try FileManager.default.removeItem(atPath: deployment.directory(of: step.node))
                }
            } catch {
                fault.error = "\(error)"
            }
            logger.info("fault", metadata: ["at": "\(fault.at)", "action": "\(fault.action)", "node": "\(fault.node)", "pid": "\(fault.pid)"])
            faults.append(fault)
        }
        let remaining = options.seconds - elapsed()
        if remaining > 0 { try? await Task.sleep(for: .milliseconds(Int(remaining * 1000))) }
        let crashed = await supervisor.exited().map { "\($0.0.id) (\($0.0.role.rawValue)) status \($0.1), see \($0.0.logPath)" }

        // No new states, so no new plans; an outstanding proposal resolves or expires meanwhile.
        await supervisor.stop(topology.nodes(.watcher).map(\.id))
        let audit = ChaosAudit(topology: topology, paths: deployment.auditPaths)
        try? await Task.sleep(for: .seconds(1))
        let ttl = Duration.milliseconds(topology.timing.planTTLms + 2000)
        _ = await deployment.wait(upTo: ttl, poll: .milliseconds(250)) { ((try? audit.unexecuted()) ?? [1]).isEmpty }
        var executorCounters: [String: Int64] = [:]
        for executor in topology.nodes(.executor) {
            for (name, value) in await monitor.beat(executor.id)?.counters ?? [:] where name.hasPrefix("plans.") || name.hasPrefix("replay.") {
                executorCounters[name, default: 0] += value
            }
        }
        // Everyone but the venues first, so that no order reaches a closed market.
        let venues = topology.venuesNode.map { [$0.id] } ?? []
        await supervisor.stop(topology.nodes.map(\.id).filter { !venues.contains($0) })
        await supervisor.stop(venues)
        let seconds = (elapsed() * 10).rounded() / 10
        let result = try audit.run(liveDigests: await monitor.liveDigests)
        let coordinatorLog = if let coordinator = topology.coordinator { await supervisor.child(coordinator.id)?.logPath } else { String?.none }
        let replayed = coordinatorLog.map { Self.plansReplayed(logPath: $0) } ?? 0
        var report = ChaosReport(seconds: seconds, faults: faults, crashed: crashed, executorCounters: executorCounters, plansReplayed: replayed, audit: result)
        report.longestWithoutLeaderMs = await monitor.longestWithoutLeaderMs
        return report
    }

    /// Sum of `plans=N` over the coordinator's `replay` log lines, across its restarts.
    static func plansReplayed(logPath: String) -> Int {
        guard let log = try? String(contentsOfFile: logPath, encoding: .utf8) else { return 0 }
        return log.split(separator: "\n").filter { $0.hasSuffix(" replay") }.reduce(0) { sum, line in
            guard let range = line.range(of: "plans=") else { return sum }
            return sum + (Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0)
        }
    }
}
