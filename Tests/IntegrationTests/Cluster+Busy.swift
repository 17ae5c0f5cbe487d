import Foundation
import RebalancerCore
import RebalancerNode

extension Cluster {
    /// A cluster whose market keeps needing small plans: no trend (capital never runs out), enough
    /// noise that venues keep leaving tight bands, so approvals (or their absence) show quickly.
    static func busy(venues: Int = 4, verifiers: Int = 4, quorum: Int = 3, coordinators: Int = 1) throws -> (Cluster, Deployment) {
        let cluster = try Cluster(venues: venues, verifiers: verifiers, quorum: quorum, coordinators: coordinators)
        var topology = try cluster.topology
        topology.market.drift = 0
        topology.market.volatility = 0.8
        // Five ticks a second, not ten: the same market time per second, half the states for every
        // role to sign, check and plan on (a fifth to a third of a cluster's CPU in the tests).
        topology.market.tickMs = 200
        topology.market.secondsPerTick = 1200
        topology.market.shockMultiplier = 1
        for i in topology.venues.indices {
            topology.venues[i].lowerBand = 2.9
            topology.venues[i].upperBand = 3.1
        }
        try TopologyFile.render(topology).write(toFile: cluster.topologyPath, atomically: true, encoding: .utf8)
        return (cluster, topology)
    }

    /// Starts the venues, every watcher, every verifier and `executor` (named `executorName`),
    /// but no coordinator.
    func startAllButCoordinators(_ topology: Deployment, executorName: String = "executor") throws {
        for node in topology.nodes {
            switch node.role {
            case .venues, .verifier: try start(node.id, node: node)
            case .watcher: try start("watcher-\(node.venue ?? node.id)", node: node)
            case .executor where node.id == "executor-1": try start(executorName, node: node)
            case .executor, .coordinator, .monitor: break
            }
        }
    }
}
