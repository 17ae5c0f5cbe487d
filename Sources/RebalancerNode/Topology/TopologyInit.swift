import Foundation
import RebalancerCore

/// Generates a working loopback deployment: one `venues` node, a watcher per venue, a coordinator,
/// verifiers, executors and a `monitor`, every endpoint on its own port from `basePort`.
public enum TopologyInit {
    /// Writes `<dir>/topology.yaml` with every public key inline and `<dir>/keys/<node>.key` (and
    /// `.pub`) for every node. Refuses to replace an existing topology or key unless `force`.
    ///
    /// - Parameter quorum: approvals needed; floor(2n/3)+1 of the `verifiers` when nil.
    @discardableResult
    public static func make(
        dir: String, venues: Int, verifiers: Int, quorum: Int? = nil, executors: Int = 1, coordinators: Int = 1,
        basePort: Int = 7100, id: String = "local", force: Bool = false
    ) throws -> Deployment {
        var topology = try self.topology(
            id: id, keysDir: TopologyFile.defaultKeysDir, venues: venues, verifiers: verifiers, quorum: quorum,
            executors: executors, coordinators: coordinators, basePort: basePort
        )
        let path = "\(dir)/topology.yaml"
        if !force, FileManager.default.fileExists(atPath: path) {
            throw TopologyErrors([TopologyError(path: "", message: "\(path) already exists")])
        }
        let keysDir = TopologyFile.keysDirectory(of: topology, baseDirectory: dir)
        for index in topology.nodes.indices {
            let keys = NodeKeys.generate()
            try KeyStore.write(keys, node: topology.nodes[index].id, dir: keysDir, overwrite: force)
            topology.nodes[index].signingKey = keys.signingPublic
            topology.nodes[index].curveKey = keys.curvePublic
        }
        try KeyStore.writeFile(TopologyFile.render(topology), to: path, mode: 0o644, overwrite: true)
        return topology
    }

    /// A fresh topology id, `local-<8 random hex digits>`: two generated deployments never share
    /// one, so they never share a default data directory (`.rebalancer/<topology id>/<node>`).
    public static func uniqueID() -> String {
        "local-" + KeyText.hex((0..<4).map { _ in UInt8.random(in: 0...255) })
    }

    /// Venues per 500 ms of heartbeat: `timing(venues:)`.
    public static let venuesPerHeartbeatStep = 25

    /// The timing `init` writes: a 500 ms heartbeat, a 3 s staleness bound and a 2 s basis
    /// tolerance up to 25 venues; above that 500 ms more of heartbeat per 25 venues (2 s at 100),
    /// the staleness bound at three heartbeats and the basis tolerance a heartbeat plus 1 s (a
    /// verifier's view and the coordinator's can be one publication apart). Every watcher
    /// re-publishes its state each heartbeat to the coordinator and to every verifier: at 100
    /// venues and 19 verifiers that is 4,000 frames a second at 500 ms, most of them unchanged
    /// states, on the cores the decision path needs (docs/latency.md, "A heartbeat that grows with
    /// the venues"). A state that changed materially is published at once whatever the heartbeat;
    /// a dead peer is noticed after a few heartbeats, so later.
    public static func timing(venues: Int) -> Topology.Timing {
        let steps = max(1, (venues + venuesPerHeartbeatStep - 1) / venuesPerHeartbeatStep)
        let heartbeat = Int64(500 * steps)
        return Topology.Timing(
            heartbeatMs: heartbeat, staleAfterMs: max(3000, 3 * heartbeat), planTTLms: max(5000, 5 * heartbeat / 2),
            basisToleranceMs: max(2000, heartbeat + 1000)
        )
    }

    /// The topology `make` writes, without keys (nodes' keys empty), validated.
    public static func topology(
        id: String = "local", keysDir: String = TopologyFile.defaultKeysDir, venues venueCount: Int, verifiers: Int,
        quorum: Int? = nil, executors: Int = 1, coordinators: Int = 1, basePort: Int = 7100
    ) throws -> Deployment {
        let venueIDs = (1...max(venueCount, 1)).map { "v\($0)" }
        var ports = PortAllocator(next: basePort)
        var nodes = [node("venues", .venues, ["feed", "orders"], &ports)]
        nodes += venueIDs.map { node("watcher-\($0)", .watcher, ["feed"], &ports, venue: $0) }
        nodes.append(node("coordinator", .coordinator, ["proposals", "plans", "replay"], &ports))
        // Standbys, in the order they take over: coordinator-2, coordinator-3, ...
        nodes += (1..<max(coordinators, 1)).map { node("coordinator-\($0 + 1)", .coordinator, ["proposals", "plans", "replay"], &ports) }
        nodes += (0..<verifiers).map { node("verifier-\($0 + 1)", .verifier, [], &ports) }
        nodes += (0..<executors).map { node("executor-\($0 + 1)", .executor, ["status"], &ports) }
        nodes.append(node("monitor", .monitor, [], &ports))
        // Each process's HTTP metrics endpoint (/metrics, /healthz, /readyz), on loopback, after
        // every ZeroMQ port so those keep their numbers. The monitor runs no process yet.
        for index in nodes.indices where nodes[index].node.role != .monitor {
            nodes[index].endpoints["metrics"] = "tcp://127.0.0.1:\(ports.take())"
        }
        let policy = Topology(
            id: id, epoch: 1, quorum: quorum ?? TopologyCheck.defaultQuorum(verifiers: verifiers),
            nodes: nodes.map(\.node), venues: venueIDs.map(venue), routes: routes(venueIDs),
            limits: Topology.Limits(
                perTransferCap: 2_000_000_00, perVenueOutflow: 5_000_000_00, perRouteOutflow: 3_000_000_00, globalNotional: 20_000_000_00, windowSeconds: 3600
            ),
            timing: timing(venues: venueIDs.count)
        )
        let topology = Deployment(
            policy: policy, keysDir: keysDir, endpoints: Dictionary(uniqueKeysWithValues: nodes.map { ($0.node.id, $0.endpoints) }),
            market: market(venueIDs)
        )
        var errors = argumentErrors(venues: venueCount, verifiers: verifiers, executors: executors, basePort: basePort, ports: ports)
        if errors.isEmpty { errors = TopologyCheck.validate(withPlaceholderKeys(topology)) }
        guard errors.isEmpty else { throw TopologyErrors(errors) }
        return topology
    }

    private static func argumentErrors(venues: Int, verifiers: Int, executors: Int, basePort: Int, ports: PortAllocator) -> [TopologyError] {
        var errors: [TopologyError] = []
        if venues < 2 { errors.append(TopologyError(path: "venues", message: "at least 2 venues are needed, not \(venues)")) }
        if verifiers < 1 { errors.append(TopologyError(path: "verifiers", message: "at least 1 verifier is needed")) }
        if executors < 1 { errors.append(TopologyError(path: "executors", message: "at least 1 executor is needed")) }
        if basePort < 1 || ports.next - 1 > 65535 {
            errors.append(TopologyError(path: "base_port", message: "ports \(basePort)...\(ports.next - 1) are not all within 1-65535"))
        }
        return errors
    }

    /// The topology with distinct stand-in keys, to validate everything but the keys.
    private static func withPlaceholderKeys(_ topology: Deployment) -> Deployment {
        var copy = topology
        for index in copy.nodes.indices {
            let tag = withUnsafeBytes(of: UInt64(index).littleEndian, Array.init)
            copy.nodes[index].signingKey = tag + [UInt8](repeating: 0, count: 24)
            copy.nodes[index].curveKey = tag + [UInt8](repeating: 1, count: 24)
        }
        return copy
    }

    private static func node(
        _ id: NodeID, _ role: Topology.Role, _ endpoints: [String], _ ports: inout PortAllocator, venue: VenueID? = nil
    ) -> (node: Topology.Node, endpoints: [String: String]) {
        var addresses: [String: String] = [:]
        for name in endpoints { addresses[name] = "tcp://127.0.0.1:\(ports.take())" }
        return (Topology.Node(id: id, role: role, venue: venue, signingKey: [], curveKey: []), addresses)
    }
}

/// Hands out consecutive ports.
private struct PortAllocator {
    var next: Int

    mutating func take() -> Int {
        defer { next += 1 }
        return next
    }
}
