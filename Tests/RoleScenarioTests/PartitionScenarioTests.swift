import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import Testing

/// The leader cut off from every other node (as `PartitionTests` does with network namespaces, in
/// one process): it gets nothing approved, the standby takes over and plans are approved again,
/// and once the partition heals the first listed leads again, alone.
@Suite struct PartitionScenarioTests {
    static let first = "coordinator"
    static let second = "coordinator-2"

    @Test func aPartitionedLeaderApprovesNothingTheStandbyTakesOverAndHealingLeavesOneLeader() async throws {
        let cluster = try QuorumScenarioTests.busy(coordinators: 2)
        try cluster.startAll()
        try cluster.startCoordinator(Self.second)
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(20)) {
            cluster.counter(Self.first, "plans.approved") >= 2 && cluster.counter(Self.second, "plans.followed") >= 1
        }, "the first leads, the second follows")

        let leaderKey = try #require(cluster.keys[Self.first]).curvePublic
        for node in cluster.topology.nodes where node.id != Self.first { cluster.network.cut(leaderKey, node.curveKey) }
        await cluster.settle()
        let approvedBefore = cluster.counter(Self.first, "plans.approved")
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(15)) { cluster.counter(Self.second, "leadership.took_over") == 1 },
                "the standby takes over from the silent leader")
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(20)) { cluster.counter(Self.second, "plans.approved") >= 1 },
                "plans are approved again, by the standby")
        #expect(cluster.counter(Self.first, "plans.approved") == approvedBefore, "the partitioned leader gets nothing approved")

        cluster.network.heal()
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(15)) { cluster.counter(Self.second, "leadership.deferred") >= 1 },
                "healed, the later-listed coordinator stands down")
        #expect(cluster.counter(Self.first, "coordinator.leads") == 1 && cluster.counter(Self.second, "coordinator.leads") == 0, "one leader: the first listed")
        let approved = cluster.counter(Self.first, "plans.approved")
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(30)) { cluster.counter(Self.first, "plans.approved") > approved },
                "and its plans are approved again")
        for verifier in cluster.topology.verifiers {
            #expect(cluster.counter(verifier.id, "rule.seq_not_increasing") == 0, "no sequence reused across the partition: \(verifier.id)")
        }
    }
}
