import Foundation
import RebalancerCore

/// Checks a topology for everything the roles rely on: unique ids and keys, a well-formed quorum,
/// one watcher per venue, the endpoints each role binds, sane bands, routes, market and limits.
public enum TopologyCheck {
    /// Endpoint names each role must bind.
    public static let requiredEndpoints: [Topology.Role: [String]] = [
        .venues: ["feed", "orders"],
        .watcher: ["feed"],
        .coordinator: ["proposals", "plans", "replay"],
        .executor: ["status"],
        .verifier: [],
        .monitor: [],
    ]

    /// Every problem found, with field paths such as `nodes[3].curve_key` (no lines: the loader adds them).
    /// `topologyPath`, the file the topology was read from when known, goes into the command a
    /// "no keys" error prints.
    public static func validate(_ topology: Deployment, topologyPath: String? = nil) -> [TopologyError] {
        var errors: [TopologyError] = []
        if topology.id.isEmpty { errors.append(TopologyError(path: "id", message: "must not be empty")) }
        if topology.keysDir.isEmpty { errors.append(TopologyError(path: "keys_dir", message: "must not be empty")) }
        errors += checkQuorum(topology)
        errors += checkNodes(topology)
        errors += checkKeys(topology, topologyPath: topologyPath)
        errors += checkEndpoints(topology)
        errors += checkVenues(topology)
        errors += checkRoutes(topology)
        errors += checkMarket(topology)
        errors += checkLimits(topology)
        if let coordination = topology.coordination {
            let url = URL(string: coordination.etcd)
            if url?.scheme != "http" && url?.scheme != "https" || url?.host == nil {
                errors.append(TopologyError(path: "coordination.etcd", message: "must be etcd's client URL, for example http://127.0.0.1:2379, got \"\(coordination.etcd)\""))
            }
            if coordination.leaseMs < 1000 || coordination.leaseMs % 1000 != 0 {
                errors.append(TopologyError(path: "coordination.lease_ms", message: "must be whole seconds of at least 1000 (etcd leases count seconds), got \(coordination.leaseMs)"))
            }
        }
        errors += VenueAdapterFactory.check(topology.policy).map { TopologyError(path: $0.path, message: $0.message) }
        return errors
    }

    /// Whether a node id is usable as a file name: letters, digits, `.`, `_` and `-`, not starting with `.`.
    public static func isValidNodeID(_ id: String) -> Bool {
        !id.isEmpty && !id.hasPrefix(".") && id.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
        }
    }

    /// The default quorum for `n` verifiers: floor(2n/3) + 1.
    public static func defaultQuorum(verifiers n: Int) -> Int { 2 * n / 3 + 1 }

    private static func checkQuorum(_ topology: Deployment) -> [TopologyError] {
        let n = topology.verifiers.count
        if n == 0 { return [TopologyError(path: "nodes", message: "no verifier node")] }
        guard 2 * topology.quorum > n, topology.quorum <= n else {
            return [TopologyError(path: "quorum", message: "\(topology.quorum) is outside (n/2, n] for \(n) verifiers")]
        }
        return []
    }

    /// `what[i]` paths for the first occurrence of each duplicated value, reported at every later one.
    static func duplicates<T: Hashable>(_ values: [T], describe: (T) -> String, path: (Int) -> String) -> [TopologyError] {
        var first: [T: Int] = [:]
        var errors: [TopologyError] = []
        for (index, value) in values.enumerated() {
            if let earlier = first[value] {
                errors.append(TopologyError(path: path(index), message: "duplicate \(describe(value)) (first at \(path(earlier)))"))
            } else {
                first[value] = index
            }
        }
        return errors
    }
}
