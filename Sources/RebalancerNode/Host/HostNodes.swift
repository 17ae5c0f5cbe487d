import RebalancerCore

/// Which nodes of a topology `rebalancer up` runs on this host.
public enum HostNodes {
    /// The nodes to run, and the ones left out by default because they bind no endpoint (so
    /// their host cannot be told from the topology).
    public struct Selection: Sendable, Equatable {
        /// The nodes to run, in topology order.
        public var nodes: [Topology.Node]
        /// Nodes without endpoints of their own, not run by default on a multi-host topology.
        public var leftOut: [NodeID]
    }

    /// A node `up` cannot run.
    public struct SelectionError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }

    /// With `requested`, exactly those nodes (each must be in the topology and not the monitor).
    /// Without, every node (but the monitor) whose endpoints are all local; nodes without endpoints
    /// (verifiers) come along only when every node with endpoints is local, since then the whole
    /// deployment is on this host.
    public static func select(_ topology: Deployment, requested: [NodeID]?, isLocal: (String) -> Bool) throws -> Selection {
        let runnable = topology.nodes.filter { $0.role != .monitor }
        if let requested {
            var nodes: [Topology.Node] = []
            for id in requested {
                guard let node = topology.node(id) else {
                    throw SelectionError(description: "--nodes: '\(id)' is not a node of the topology (nodes: \(runnable.map(\.id).joined(separator: ", ")))")
                }
                guard node.role != .monitor else {
                    throw SelectionError(description: "--nodes: '\(id)' is the monitor, the demo's own view; it has no process to run")
                }
                guard !nodes.contains(where: { $0.id == id }) else { throw SelectionError(description: "--nodes: '\(id)' is named twice") }
                nodes.append(node)
            }
            guard !nodes.isEmpty else { throw SelectionError(description: "--nodes names no node") }
            return Selection(nodes: runnable.filter { node in nodes.contains { $0.id == node.id } }, leftOut: [])
        }
        let bound = runnable.filter { !topology.endpoints(of: $0.id).isEmpty }
        let local = bound.filter { topology.endpoints(of: $0.id).values.allSatisfy(isLocal) }
        let unbound = runnable.filter { topology.endpoints(of: $0.id).isEmpty }
        if local.count == bound.count { return Selection(nodes: runnable, leftOut: []) }
        return Selection(nodes: local, leftOut: unbound.map(\.id))
    }

    /// Why each of `nodes` could not start with its keys: a missing or unreadable secret key
    /// file, or one whose public keys are not the topology's. Empty when every node can.
    public static func keyProblems(_ nodes: [Topology.Node], topology: Deployment, topologyPath: String) -> [String] {
        let dir = TopologyFile.keysDirectory(of: topology, baseDirectory: TopologyFile.directory(of: topologyPath))
        return nodes.compactMap { node in
            do {
                try KeyStore.load(node: node.id, dir: dir).check(against: node, keyFile: KeyStore.secretPath(node: node.id, dir: dir))
                return nil
            } catch {
                return "\(error)"
            }
        }
    }
}
