import RebalancerCore

/// The command line that runs one node of a topology as a role process of the `rebalancer` binary.
public enum RoleArguments {
    /// `<role> --topology P [--data-dir D] <the role's node option>` (`--venue V` for a watcher,
    /// `--id ID` otherwise), the executable's own name not included. Not for the `monitor` role,
    /// which has no command of its own.
    public static func arguments(for node: Topology.Node, topologyPath: String, dataDirectory: String?) -> [String] {
        var args = [node.role.rawValue, "--topology", topologyPath]
        if let dataDirectory { args += ["--data-dir", dataDirectory] }
        switch node.role {
        case .watcher: args += ["--venue", node.venue ?? ""]
        case .venues, .coordinator, .verifier, .executor: args += ["--id", node.id]
        case .monitor: break
        }
        return args
    }
}
