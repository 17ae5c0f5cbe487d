import Foundation
import RebalancerCore
import RebalancerNode

extension MemoryCluster {
    /// Starts the simulated market (`rebalancer venues`), ticking every `market.tickMs`.
    @discardableResult
    public func startVenues() throws -> VenuesRole {
        let runtime = try runtime(try venuesNodeID())
        let role = try VenuesRole(runtime: runtime)
        try add(runtime, role, every: .milliseconds(topology.market.tickMs))
        return role
    }

    /// Starts the watcher of `venue`, ticking every heartbeat.
    @discardableResult
    public func startWatcher(_ venue: VenueID) throws -> WatcherRole {
        guard let node = topology.watcher(of: venue) else { throw MemoryClusterError("no watcher of \(venue)") }
        let runtime = try runtime(node.id)
        let role = try WatcherRole(runtime: runtime)
        try add(runtime, role, every: WatcherRole.tickInterval(for: topology.policy, venue: venue))
        return role
    }

    /// Starts verifier `id` on its ledger in its data directory (kept across restarts).
    @discardableResult
    public func startVerifier(_ id: NodeID) throws -> VerifierRole {
        let runtime = try runtime(id)
        let role = try VerifierRole(runtime: runtime, ledger: try VerifierLedger(path: dataDirectory(id) + "/ledger.sqlite"))
        try add(runtime, role, every: .nanoseconds(Verifier.tickInterval(topology.policy)))
        return role
    }

    /// Starts executor `id` on its record in its data directory (kept across restarts).
    @discardableResult
    public func startExecutor(_ id: NodeID, monitorOnly: Bool = false) throws -> ExecutorRole {
        let runtime = try runtime(id)
        let role = try ExecutorRole(runtime: runtime, record: try ExecutorRecord(path: dataDirectory(id) + "/executed.sqlite"), monitorOnly: monitorOnly)
        try add(runtime, role, every: .nanoseconds(Executor.tickInterval(topology.policy)))
        return role
    }

    /// Starts coordinator `id` (default: the first) on its journal in its data directory.
    @discardableResult
    public func startCoordinator(_ id: NodeID? = nil, strategy: StrategyName = .standard, rotations: [[UInt8]] = []) throws -> CoordinatorRole {
        guard let node = id.flatMap(topology.node) ?? topology.coordinator else { throw MemoryClusterError("no coordinator") }
        let runtime = try runtime(node.id)
        let journal = try CoordinatorJournal(path: dataDirectory(node.id) + "/journal.sqlite")
        let role = try CoordinatorRole(runtime: runtime, journal: journal, strategy: strategy.make(), rotations: rotations)
        try add(runtime, role, every: .nanoseconds(Coordinator.tickInterval(topology.policy)))
        return role
    }

    /// Starts the market, every watcher except those of `without`, every verifier, the executors and
    /// (unless `coordinator: false`) the first coordinator.
    public func startAll(coordinator: Bool = true, without: Set<VenueID> = []) throws {
        try startVenues()
        for venue in topology.venues.map(\.id) where !without.contains(venue) { try startWatcher(venue) }
        for verifier in topology.verifiers { try startVerifier(verifier.id) }
        for executor in topology.nodes(.executor) { try startExecutor(executor.id) }
        if coordinator { try startCoordinator() }
    }

    /// A counter of a running node (0 when absent).
    public func counter(_ id: NodeID, _ name: String) -> Int64 { member(id)?.counters[name] ?? 0 }

    private func venuesNodeID() throws -> NodeID {
        guard let node = topology.venuesNode else { throw MemoryClusterError("no venues node") }
        return node.id
    }
}
