import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import RebalancerWire
import Testing
import ZeroMQ

/// A verifier-set rotation: prepared and signed with the CLI by the current set, relayed by the
/// coordinator, applied by a real executor only with the current quorum's signatures; the old
/// set's signatures count only during the grace period; a restarted executor remembers.
@Suite(.serialized) struct RotationTests {
    @Test func executorsFollowARotationSignedByTheCurrentQuorum() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let current = try cluster.topology
        // The next set: three new verifiers, quorum two, epoch 2.
        let (next, newKeys) = current.nextVerifierSet(count: 3, quorum: 2)
        for (id, keys) in newKeys { try KeyStore.write(keys, node: id, dir: cluster.directory + "/keys") }
        let nextPath = cluster.directory + "/next.yaml"
        try TopologyFile.render(next).write(toFile: nextPath, atomically: true, encoding: .utf8)
        let file = cluster.directory + "/rotation.bin"
        #expect(try Cluster.run(["rotation", "prepare", "--current", cluster.topologyPath, "--next", nextPath, "--grace-ms", "3000", "--out", file]).status == 0)
        for id in ["verifier-1", "verifier-2"] {
            #expect(try Cluster.run(["rotation", "sign", "--topology", cluster.topologyPath, "--id", id, file]).status == 0)
        }
        let short = try Cluster.run(["rotation", "check", "--topology", cluster.topologyPath, file])
        #expect(short.status == 1 && short.output.contains("no_quorum"), "\(short.output)")
        let twoSigned = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(try Cluster.run(["rotation", "sign", "--topology", cluster.topologyPath, "--id", "verifier-3", file]).status == 0)
        let check = try Cluster.run(["rotation", "check", "--topology", cluster.topologyPath, file])
        #expect(check.status == 0, "\(check.output)")
        let threeSigned = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))

        try cluster.start("venues", ["venues"])
        try cluster.start("executor", ["executor", "--id", "executor-1"])
        let evil = try ByzantineCoordinator(cluster: cluster, topology: current, fakeWatcherFor: nil)
        defer { evil.close() }
        let executorNode = current.node("executor-1")!
        let feed = try evil.subscribe(to: executorNode, endpoint: "status", topic: "hb")
        defer { feed.close() }
        evil.pump(for: 1.5)

        func relay(_ signed: [UInt8]) throws {
            let envelope = Envelope.sealing(payload: signed, type: .rotation, sender: current.coordinator!.id, key: evil.signer)
            try evil.plans.send([Array("rotation".utf8), envelope.bytes()], dontWait: false)
        }
        func plan(seq: UInt64, epoch: UInt64) -> Plan {
            var p = evil.plan([Transfer(from: "v1", to: "v2", amount: 1_000_00)], seq: seq, basis: [:])
            p.epoch = epoch
            return p
        }
        func signatures(_ p: Plan, by ids: [String]) throws -> [(NodeID, [UInt8])] {
            try ids.map { ($0, try cluster.keys($0).signer().sign(WireDigest.plan(p))) }
        }
        func counters() async -> [String: Int64] {
            evil.latestCounters(feed, from: executorNode, seconds: 1.2) ?? [:]
        }

        try relay(twoSigned)
        let refused = await eventually(8) { (await counters()["rotations.refused.no_quorum"] ?? 0) >= 1 }
        #expect(refused, "two of three needed signatures do not rotate the set")
        try relay(threeSigned)
        let applied = await eventually(8) { (await counters()["rotations.applied"] ?? 0) == 1 }
        #expect(applied)
        // The executor applied the rotation before this instant: its grace period runs from then at the latest.
        let appliedBy = WallClock().now()

        // New epoch: two new verifiers suffice; old epoch still accepted during the grace period.
        let p1 = plan(seq: 1, epoch: 2)
        try evil.publish(p1, approvals: try signatures(p1, by: ["new-verifier-1", "new-verifier-3"]))
        let p2 = plan(seq: 2, epoch: 1)
        try evil.publish(p2, approvals: try signatures(p2, by: ["verifier-1", "verifier-2", "verifier-4"]), previous: 1)
        let both = await eventually(8) { (await counters()["plans.executed"] ?? 0) == 2 }
        #expect(both)
        // After the grace period the old set's signatures no longer count (a wait on the clock,
        // with a deadline, not a fixed sleep).
        let graceOver = appliedBy + 3 * Nanos.perSecond
        #expect(await eventually(10) { WallClock().now() > graceOver })
        let p3 = plan(seq: 3, epoch: 1)
        try evil.publish(p3, approvals: try signatures(p3, by: ["verifier-1", "verifier-2", "verifier-3"]), previous: 2)
        let late = await eventually(8) { (await counters()["plans.refused.unknown_epoch"] ?? 0) >= 1 }
        #expect(late)

        // A restarted executor keeps the new set.
        cluster.stop("executor")
        try cluster.start("executor", ["executor", "--id", "executor-1"])
        let remembered = await eventually(8) { cluster.log("executor").contains("current=epoch 2: 2 of new-verifier-1,new-verifier-2,new-verifier-3") }
        #expect(remembered, "\(cluster.log("executor").suffix(2000))")
        cluster.stopAll()
    }
}
