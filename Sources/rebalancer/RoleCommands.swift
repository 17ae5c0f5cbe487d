import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerSimulation

/// `rebalancer venues`: the simulated market.
struct VenuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "venues", abstract: "Run the simulated venues (the market the demo and tests use).")

    @OptionGroup var options: NodeOptions

    @Option(name: .long, help: "Node id of the venues process.")
    var id: String = "venues"

    @Option(name: .long, help: "Replay a recorded price path: a CSV file with columns time,close, one row per tick (times must increase; their spacing is not used).")
    var prices: String?

    @Option(name: .long, help: "Seed of the price path (overrides the topology's).")
    var seed: UInt64?

    @Flag(name: .long, help: "Load mode: publish market ticks back to back, every venue's state changing each tick.")
    var load = false

    @Option(name: .long, help: "On shutdown, write the final figures and every accepted transfer to this JSON file.")
    var report: String?

    @Option(name: .long, parsing: .unconditional, help: "Publish the opening state for this many seconds before the price path starts moving (at least 0, at most 3600; default 0).")
    var warmupSeconds: Double = 0

    func validate() throws {
        guard warmupSeconds >= 0, warmupSeconds <= 3600 else { throw ValidationError("--warmup-seconds must be at least 0 and at most 3600, got \(warmupSeconds.cliText)") }
    }

    func run() async throws {
        var closes: [Double]?
        if let prices {
            let text = try String(contentsOfFile: prices, encoding: .utf8)
            do { closes = try PricePath.parseCSV(text) } catch { throw ValidationError("\(prices): \(error)") }
        }
        let runtime = try options.bootstrap(nodeID: id, role: .venues) { topology in
            if let seed { topology.market.seed = seed }
        }
        let record = (options.dataDirectory(topologyID: runtime.topology.id, nodeID: id) as NSString).appendingPathComponent(MarketRecord.fileName)
        let role = try VenuesRole(runtime: runtime, prices: closes, load: load, reportPath: report, recordPath: record, warmupSeconds: warmupSeconds)
        let interval: Duration = load ? .milliseconds(1) : .milliseconds(runtime.deployment.market.tickMs)
        try await runRole(RoleService(runtime: runtime, handler: role, tickInterval: interval), logger: runtime.logger)
    }
}

/// `rebalancer watcher`: one venue's watcher.
struct WatcherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watcher", abstract: "Watch one venue and publish its signed state.")

    @OptionGroup var options: NodeOptions

    @Option(name: .long, help: "The venue to watch; the watcher's node id is looked up in the topology.")
    var venue: String

    func run() async throws {
        let topology = try TopologyFile.load(path: options.topology)
        guard let node = topology.watcher(of: venue) else {
            let venues = topology.nodes.filter { $0.role == .watcher }.compactMap(\.venue)
            throw ValidationError("no watcher for venue '\(venue)' in \(options.topology); its watched venues: \(venues.joined(separator: ", "))")
        }
        let runtime = try options.bootstrap(nodeID: node.id, role: .watcher)
        let role = try WatcherRole(runtime: runtime)
        try await runRole(RoleService(runtime: runtime, handler: role, tickInterval: WatcherRole.tickInterval(for: topology.policy, venue: venue)), logger: runtime.logger)
    }
}

/// `rebalancer coordinator`.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "coordinator", abstract: "Plan transfers, gather a verifier quorum, journal and publish approved plans.")

    @OptionGroup var options: NodeOptions

    @Option(name: .long, help: "Node id (default: the topology's coordinator).")
    var id: String?

    @Option(name: .long, help: "Planning strategy: \(StrategyName.list) (default \(StrategyName.standard.rawValue), as everywhere).")
    var strategy: String = StrategyName.standard.rawValue

    @Option(name: .long, help: "A signed verifier-set rotation to relay to executors (repeatable).")
    var rotation: [String] = []

    func validate() throws {
        guard StrategyName(rawValue: strategy) != nil else {
            throw ValidationError("--strategy must be one of \(StrategyName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let topology = try TopologyFile.load(path: options.topology)
        guard let node = id.flatMap(topology.node) ?? topology.coordinator else { throw ValidationError("no coordinator in \(options.topology)") }
        let runtime = try options.bootstrap(nodeID: node.id, role: .coordinator)
        let journal = try CoordinatorJournal(path: options.openDataDirectory(runtime) + "/journal.sqlite")
        let rotations = try rotation.map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("--rotation: cannot read \(path)") }
            return [UInt8](data)
        }
        let role = try CoordinatorRole(runtime: runtime, journal: journal, strategy: StrategyName(rawValue: strategy)!.make(), rotations: rotations)
        try await runRole(RoleService(runtime: runtime, handler: role), logger: runtime.logger)
    }
}

/// `rebalancer verifier`.
struct VerifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verifier", abstract: "Check each proposal against your own view and the rules; sign or refuse.")

    @OptionGroup var options: NodeOptions

    @Option(name: .long, help: "The verifier's node id.")
    var id: String

    func run() async throws {
        let runtime = try options.bootstrap(nodeID: id, role: .verifier)
        let ledger = try VerifierLedger(path: options.openDataDirectory(runtime) + "/ledger.sqlite")
        let role = try VerifierRole(runtime: runtime, ledger: ledger)
        try await runRole(RoleService(runtime: runtime, handler: role), logger: runtime.logger)
    }
}

/// `rebalancer executor`.
struct ExecutorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "executor", abstract: "Carry out approved plans after checking their quorum yourself.")

    @OptionGroup var options: NodeOptions

    @Option(name: .long, help: "The executor's node id.")
    var id: String

    @Flag(name: .long, help: "Verify and record every approved plan, report what would be transferred, and submit nothing (also: monitor_only: true on the node).")
    var monitorOnly = false

    func run() async throws {
        let runtime = try options.bootstrap(nodeID: id, role: .executor)
        let record = try ExecutorRecord(path: options.openDataDirectory(runtime) + "/executed.sqlite")
        let role = try ExecutorRole(runtime: runtime, record: record, monitorOnly: monitorOnly)
        if monitorOnly || runtime.node.monitorOnly {
            runtime.logger.notice("monitor-only: approved plans are verified and recorded; nothing is submitted")
        }
        try await runRole(RoleService(runtime: runtime, handler: role), logger: runtime.logger)
    }
}
