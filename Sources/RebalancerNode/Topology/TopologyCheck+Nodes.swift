import RebalancerCore

extension TopologyCheck {
    static func checkNodes(_ topology: Deployment) -> [TopologyError] {
        var errors: [TopologyError] = []
        for (index, node) in topology.nodes.enumerated() where !isValidNodeID(node.id) {
            errors.append(TopologyError(path: "nodes[\(index)].id", message: "\"\(node.id)\" must be letters, digits, '.', '_' or '-' and not start with '.'"))
        }
        errors += duplicates(topology.nodes.map(\.id), describe: { "node id \"\($0)\"" }, path: { "nodes[\($0)].id" })
        errors += checkSingletons(topology)
        errors += checkWatchers(topology)
        return errors
    }

    private static func checkSingletons(_ topology: Deployment) -> [TopologyError] {
        var errors: [TopologyError] = []
        let coordinators = topology.nodes.indices.filter { topology.nodes[$0].role == .coordinator }
        // Several coordinators are allowed: the first leads, the others stand by in order.
        if coordinators.isEmpty { errors.append(TopologyError(path: "nodes", message: "no coordinator node (at least one is required)")) }
        let markets = topology.nodes.indices.filter { topology.nodes[$0].role == .venues }
        for index in markets.dropFirst() {
            errors.append(TopologyError(path: "nodes[\(index)].role", message: "a second venues node (at most one is allowed; first at nodes[\(markets[0])])"))
        }
        // The simulated market runs in the venues node; a topology of real venues only needs none.
        if markets.isEmpty, let index = topology.venues.firstIndex(where: { $0.adapter?.isSimulated ?? true }) {
            errors.append(TopologyError(path: "nodes", message: "no venues node, but venues[\(index)] (\(topology.venues[index].id)) is the simulated market, which the venues node runs: add a node with role: venues, or give the venue a real adapter"))
        }
        return errors
    }

    private static func checkWatchers(_ topology: Deployment) -> [TopologyError] {
        var errors: [TopologyError] = []
        let venueIDs = Set(topology.venues.map(\.id))
        for (index, node) in topology.nodes.enumerated() {
            let path = "nodes[\(index)].venue"
            switch (node.role, node.venue) {
            case (.watcher, nil):
                errors.append(TopologyError(path: path, message: "missing: a watcher names the venue it reports"))
            case (.watcher, let venue?) where !venueIDs.contains(venue):
                errors.append(TopologyError(path: path, message: "unknown venue \"\(venue)\""))
            case (.watcher, _), (_, nil):
                break
            case (let role, _?):
                errors.append(TopologyError(path: path, message: "only watchers name a venue, not a \(role.rawValue)"))
            }
        }
        for (index, venue) in topology.venues.enumerated() where topology.watcher(of: venue.id) == nil {
            errors.append(TopologyError(path: "venues[\(index)].id", message: "no watcher reports venue \"\(venue.id)\""))
        }
        return errors
    }

    /// Keys of every node; a node without any names its `.pub` file and the command that creates
    /// every missing key (`topologyPath`: the file the topology was read from, when known).
    static func checkKeys(_ topology: Deployment, topologyPath: String? = nil) -> [TopologyError] {
        var errors: [TopologyError] = []
        var seen: [[UInt8]: String] = [:]
        let dir = topologyPath.map { TopologyFile.keysDirectory(of: topology, baseDirectory: TopologyFile.directory(of: $0)) } ?? topology.keysDir
        let hint = "create every missing key with `\(KeyStore.keygenCommand(topologyPath: topologyPath))`"
        for (index, node) in topology.nodes.enumerated() {
            let file = KeyStore.publicPath(node: node.id, dir: dir)
            if node.signingKey.isEmpty && node.curveKey.isEmpty {
                errors.append(TopologyError(path: "nodes[\(index)]", message: "no keys: no signing_key or curve_key and no \(file); \(hint)"))
                continue
            }
            for (field, key, form) in [("signing_key", node.signingKey, "Ed25519"), ("curve_key", node.curveKey, "CURVE")] {
                let path = "nodes[\(index)].\(field)"
                if key.isEmpty {
                    errors.append(TopologyError(path: path, message: "missing (the node lists only one of its two keys)"))
                } else if key.count != 32 {
                    errors.append(TopologyError(path: path, message: "a \(form) public key is 32 bytes, not \(key.count)"))
                } else if let earlier = seen[key] {
                    errors.append(TopologyError(path: path, message: "duplicate public key (same as \(earlier))"))
                } else {
                    seen[key] = path
                }
            }
        }
        return errors
    }

    static func checkEndpoints(_ topology: Deployment) -> [TopologyError] {
        var errors: [TopologyError] = []
        var bound: [String: String] = [:]
        for (index, node) in topology.nodes.enumerated() {
            for name in requiredEndpoints[node.role] ?? [] where topology.endpoints(of: node.id)[name] == nil {
                errors.append(TopologyError(path: "nodes[\(index)].endpoints.\(name)", message: "missing: a \(node.role.rawValue) binds \(name)"))
            }
            for (name, address) in topology.endpoints(of: node.id).sorted(by: { $0.key < $1.key }) {
                let path = "nodes[\(index)].endpoints.\(name)"
                if name == "metrics", MetricsServer.hostPort(address) == nil {
                    errors.append(TopologyError(path: path, message: "\"\(address)\" is not tcp://host:port: the metrics endpoint is served over HTTP"))
                } else if EndpointAddress(address) == nil {
                    errors.append(TopologyError(path: path, message: "\"\(address)\" is not tcp://host:port (port 1-65535), ipc://path or inproc://name"))
                } else if let earlier = bound[address] {
                    errors.append(TopologyError(path: path, message: "\"\(address)\" is already bound by \(earlier)"))
                } else {
                    bound[address] = path
                }
            }
        }
        return errors
    }
}
