import Foundation
import Logging
import RebalancerCore
import RebalancerNode

/// Measures how many verified venue states per second the coordinator and the verifiers take
/// when the venues publish as fast as they can (`rebalancer venues --load`), and whether their
/// memory stays bounded. Every role runs as its own process, as in the demo.
///
/// The coordinator's rate comes from its heartbeat counters (`rx.venueState`, each one a state
/// whose watcher signature verified) over the measured window; a verifier's from the counters it
/// logs when it stops, over the time since the load started. Memory is VmRSS from /proc.
public struct LoadBench: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// The topology file.
        public var topologyPath: String
        /// The measured window, in seconds.
        public var seconds: Double
        /// Seconds of load before the window opens.
        public var warmup: Double
        /// Where journals and logs go; wiped at start.
        public var dataDirectory: String

        /// Creates options.
        public init(topologyPath: String, seconds: Double, warmup: Double = 3, dataDirectory: String) {
            self.topologyPath = topologyPath
            self.seconds = seconds
            self.warmup = warmup
            self.dataDirectory = dataDirectory
        }
    }

    /// What a run measured.
    public struct Report: Codable, Sendable {
        /// One process's figures.
        public struct Node: Codable, Sendable {
            /// Node id.
            public var id: String
            /// Verified venue states per second (watcher signature checked).
            public var statesPerSecond: Double
            /// Of those, states fresh enough to use (younger than the staleness bound) per second.
            public var freshPerSecond: Double
            /// Verified venue states in all.
            public var states: Int64
            /// Messages dropped (bad or stale input, or a full inbound buffer, as the node counts them).
            public var dropped: Int64
            /// VmRSS when the window opened, kB.
            public var rssBeforeKB: Int
            /// VmRSS when the window closed, kB.
            public var rssAfterKB: Int
            /// Highest VmRSS sampled during the window, kB.
            public var rssPeakKB: Int
            /// Counters about dropping or falling behind, as the node reported them.
            public var dropCounters: [String: Int64]
        }

        /// The measured window, in seconds.
        public var seconds: Double
        /// Market ticks the venues published per second (one per venue per market step).
        public var ticksPerSecond: Double
        /// Signed states the watchers published per second, all watchers together.
        public var watcherStatesPerSecond: Double
        /// The coordinator.
        public var coordinator: Node
        /// Each verifier.
        public var verifiers: [Node]

        /// The report for a terminal.
        public var text: String {
            var lines: [String] = []
            lines.append(String(format: "load: %.1f s window; venues published %.0f ticks/s, watchers %.0f signed states/s", seconds, ticksPerSecond, watcherStatesPerSecond))
            for node in [coordinator] + verifiers {
                let drops = node.dropCounters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                let rate = String(format: "%.0f", node.statesPerSecond)
                let fresh = String(format: "%.0f", node.freshPerSecond)
                lines.append("  \(node.id.padding(toLength: 12, withPad: " ", startingAt: 0)) \(rate) verified states/s (\(node.states)), \(fresh)/s fresh, "
                             + "RSS \(node.rssBeforeKB) kB → \(node.rssAfterKB) kB (peak \(node.rssPeakKB) kB) \(drops)")
            }
            return lines.joined(separator: "\n")
        }
    }

    private let options: Options
    private let executable: URL

    /// A bench that starts children from `executable` (this binary).
    public init(options: Options, executable: URL) {
        self.options = options
        self.executable = executable
    }

    /// Runs the load and returns what it measured.
    public func run(logger: Logger = Logger(label: "bench")) async throws -> Report {
        let deployment = try LocalDeployment<ChaosMonitor>(topologyPath: options.topologyPath, dataDirectory: options.dataDirectory,
                                             executable: executable, logger: logger, marketFeed: false)
        return try await deployment.running { try await run($0) }
    }

    private func run(_ deployment: LocalDeployment<ChaosMonitor>) async throws -> Report {
        let topology = deployment.topology
        let supervisor = deployment.supervisor
        let monitor = deployment.monitor
        guard let coordinator = topology.coordinator, let venues = topology.venuesNode else { throw DemoError("the topology needs a coordinator and venues") }
        try await deployment.start(roles: [.watcher, .coordinator, .verifier, .executor])
        let up = await deployment.wait(upTo: .seconds(30)) { await monitor.beat(coordinator.id) != nil }
        guard up else { throw DemoError("the coordinator did not come up within 30 s; see \(options.dataDirectory)/logs") }
        try? await Task.sleep(for: .seconds(1.5))  // every subscription connected
        try await deployment.start(roles: [.venues], venuesArguments: ["--load"])
        let loadStarted = ContinuousClock.now
        try? await Task.sleep(for: .milliseconds(Int(options.warmup * 1000)))

        let measured = [coordinator.id] + topology.verifiers.map(\.id)
        let pids = await supervisor.children.filter { measured.contains($0.id) }
        func rss() -> [String: Int] {
            Dictionary(uniqueKeysWithValues: pids.compactMap { child in ProcessSupervisor.residentKB(pid: child.pid).map { (child.id, $0) } })
        }
        let watchers = topology.nodes(.watcher).map(\.id)
        func watcherStates() async -> Int64 {
            var sum: Int64 = 0
            for id in watchers { sum += await monitor.beat(id)?.counters["states.published"] ?? 0 }
            return sum
        }
        let before = rss()
        var peak = before
        let c0 = await monitor.beat(coordinator.id)
        let w0 = await watcherStates()
        let windowStart = ContinuousClock.now
        while ContinuousClock.now - windowStart < .milliseconds(Int(options.seconds * 1000)) {
            try? await Task.sleep(for: .seconds(1))
            for (id, kb) in rss() { peak[id] = max(peak[id] ?? 0, kb) }
        }
        let after = rss()
        let c1 = await monitor.beat(coordinator.id)
        let w1 = await watcherStates()
        let window = (ContinuousClock.now - windowStart).seconds

        // Verifiers report their counters when they stop.
        await supervisor.stop(topology.verifiers.map(\.id))
        let sinceLoad = (ContinuousClock.now - loadStarted).seconds
        await supervisor.stop([venues.id])
        let venuesCounters = Self.stoppedCounters(logPath: await supervisor.child(venues.id)?.logPath)

        func dropCounters(_ counters: [String: Int64]) -> [String: Int64] {
            counters.filter { $0.key.hasPrefix("dropped") || $0.key.contains("behind") || $0.key.contains("lagging") || $0.key.contains("resync") || $0.key.contains("overflow") || $0.key.hasPrefix("loop.") }
        }
        var coordinatorNode = Report.Node(id: coordinator.id, statesPerSecond: 0, freshPerSecond: 0, states: 0, dropped: 0, rssBeforeKB: before[coordinator.id] ?? 0,
                                          rssAfterKB: after[coordinator.id] ?? 0, rssPeakKB: peak[coordinator.id] ?? 0, dropCounters: [:])
        if let c0, let c1, c1.atNs > c0.atNs {
            let states = (c1.counters["rx.venueState"] ?? 0) - (c0.counters["rx.venueState"] ?? 0)
            coordinatorNode.states = states
            let lagging = (c1.counters["states.lagging"] ?? 0) - (c0.counters["states.lagging"] ?? 0)
            coordinatorNode.statesPerSecond = Double(states) / (Double(c1.atNs - c0.atNs) / 1e9)
            coordinatorNode.freshPerSecond = Double(states - lagging) / (Double(c1.atNs - c0.atNs) / 1e9)
            coordinatorNode.dropped = (c1.counters["dropped"] ?? 0) - (c0.counters["dropped"] ?? 0)
            coordinatorNode.dropCounters = dropCounters(c1.counters)
        }
        var verifierNodes: [Report.Node] = []
        for verifier in topology.verifiers {
            let counters = Self.stoppedCounters(logPath: await supervisor.child(verifier.id)?.logPath)
            let states = counters["rx.venueState"] ?? 0
            let fresh = states - (counters["states.lagging"] ?? 0)
            verifierNodes.append(Report.Node(id: verifier.id, statesPerSecond: Double(states) / sinceLoad, freshPerSecond: Double(fresh) / sinceLoad, states: states, dropped: counters["dropped"] ?? 0,
                                             rssBeforeKB: before[verifier.id] ?? 0, rssAfterKB: after[verifier.id] ?? 0, rssPeakKB: peak[verifier.id] ?? 0,
                                             dropCounters: dropCounters(counters)))
        }
        let ticks = Double(venuesCounters["ticks.published"] ?? 0)
        return Report(seconds: (window * 10).rounded() / 10, ticksPerSecond: ticks / sinceLoad,
                      watcherStatesPerSecond: Double(w1 - w0) / window, coordinator: coordinatorNode, verifiers: verifierNodes)
    }

    /// The counters a role logs on a clean stop (`stopped counters=a=1 b=2 ...`), from its log.
    static func stoppedCounters(logPath: String?) -> [String: Int64] {
        guard let logPath, let log = try? String(contentsOfFile: logPath, encoding: .utf8),
              let line = log.split(separator: "\n").last(where: { $0.contains("counters=") && $0.contains("stopped") }),
              let range = line.range(of: "counters=")
        else { return [:] }
        var counters: [String: Int64] = [:]
        for pair in line[range.upperBound...].split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Int64(parts[1]) { counters[String(parts[0])] = value }
        }
        return counters
    }
}
