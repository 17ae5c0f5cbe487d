import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import RebalancerWire
import Testing

/// A verifier-set rotation, signed by the current set, relayed by a coordinator, applied by the
/// real executor only with the current quorum's signatures; the old set's signatures count only
/// during the grace period; a restarted executor keeps the new set (its record).
@Suite struct RotationScenarioTests {
    @Test func executorsFollowARotationSignedByTheCurrentQuorum() async throws {
        let cluster = try MemoryCluster(venues: 2, verifiers: 4, quorum: 3)
        let current = cluster.topology
        // The next set: three new verifiers, quorum two, epoch 2.
        let (next, newKeys) = current.nextVerifierSet(count: 3, quorum: 2)
        var signed = WireSignedRotation()
        signed.rotation = try WireRotation(from: current.policy, to: next.policy, activateAt: cluster.clock.now(), graceMs: 3000).serializedBytes()
        for id in ["verifier-1", "verifier-2"] { signed.sign(as: id, key: try #require(cluster.keys[id]).signer()) }
        let twoSigned: [UInt8] = try signed.serializedBytes()
        signed.sign(as: "verifier-3", key: try #require(cluster.keys["verifier-3"]).signer())
        let threeSigned: [UInt8] = try signed.serializedBytes()

        try cluster.startVenues()
        try cluster.startExecutor("executor-1")
        let evil = try MemoryByzantineCoordinator(cluster: cluster)
        await evil.advance(by: .seconds(1))

        func relay(_ bytes: [UInt8]) async {
            let envelope = Envelope.sealing(payload: bytes, type: .rotation, sender: evil.runtime.node.id, key: evil.signer)
            await evil.publishRaw([Array(Topic.rotation.utf8), envelope.bytes()])
        }
        func plan(seq: UInt64, epoch: UInt64) -> Plan {
            var p = evil.plan([Transfer(from: "v1", to: "v2", amount: 1_000_00)], seq: seq, basis: [:])
            p.epoch = epoch
            return p
        }
        func signatures(_ p: Plan, by ids: [String]) throws -> [(NodeID, [UInt8])] {
            try ids.map { id in
                let keys = try #require(cluster.keys[id] ?? newKeys[id])
                return (id, try keys.signer().sign(WireDigest.plan(p)))
            }
        }
        let executor = "executor-1"

        await relay(twoSigned)
        #expect(cluster.counter(executor, "rotations.refused.no_quorum") == 1, "two of three needed signatures do not rotate the set")
        #expect(cluster.counter(executor, "rotations.applied") == 0)
        await relay(threeSigned)
        #expect(cluster.counter(executor, "rotations.applied") == 1)

        // New epoch: two new verifiers suffice; the old epoch is still accepted during the grace period.
        let p1 = plan(seq: 1, epoch: 2)
        try await evil.publish(p1, approvals: try signatures(p1, by: ["new-verifier-1", "new-verifier-3"]))
        let p2 = plan(seq: 2, epoch: 1)
        try await evil.publish(p2, approvals: try signatures(p2, by: ["verifier-1", "verifier-2", "verifier-4"]), previous: 1)
        #expect(cluster.counter(executor, "plans.executed") == 2)
        // After the grace period the old set's signatures no longer count.
        await evil.advance(by: .seconds(3))
        let p3 = plan(seq: 3, epoch: 1)
        try await evil.publish(p3, approvals: try signatures(p3, by: ["verifier-1", "verifier-2", "verifier-3"]), previous: 2)
        #expect(cluster.counter(executor, "plans.refused.unknown_epoch") == 1)
        #expect(cluster.counter(executor, "plans.executed") == 2)

        // A restarted executor keeps the new set: two new verifiers' signatures suffice, and the
        // old set's do not.
        await cluster.stop(executor)
        try cluster.startExecutor(executor)
        await evil.advance(by: .seconds(1))
        let p4 = plan(seq: 4, epoch: 1)
        try await evil.publish(p4, approvals: try signatures(p4, by: ["verifier-1", "verifier-2", "verifier-3"]), previous: 2)
        #expect(cluster.counter(executor, "plans.refused.unknown_epoch") == 1)
        let p5 = plan(seq: 5, epoch: 2)
        try await evil.publish(p5, approvals: try signatures(p5, by: ["new-verifier-1", "new-verifier-2"]), previous: 2)
        #expect(cluster.counter(executor, "plans.executed") == 1)
    }
}
