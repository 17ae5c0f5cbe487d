import RebalancerCore
import RebalancerNode

extension Cluster {
    /// Two venues and four verifiers (quorum 3), with the coordinator and the venues running: the
    /// target the hostile-input tests attack in the place of the other nodes.
    static func coordinatorAndVenuesRunning() throws -> (cluster: Cluster, topology: Deployment, coordinator: Topology.Node, market: Topology.Node) {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        guard let coordinator = topology.coordinator, let market = topology.venuesNode else {
            throw ClusterError("the topology has no coordinator or no venues node")
        }
        try cluster.start("coordinator", ["coordinator"])
        try cluster.start("venues", ["venues"])
        return (cluster, topology, coordinator, market)
    }
}
