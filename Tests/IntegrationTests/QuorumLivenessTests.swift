import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing
import ZeroMQ

/// n = 4, k = 3: with one verifier down plans are still approved; with two down nothing is
/// approved and the coordinator says why; when one returns, approvals resume.
@Suite(.serialized) struct QuorumLivenessTests {
    @Test func approvalsNeedAQuorumAndResumeWhenItReturns() async throws {
        let (cluster, topology) = try Cluster.busy()
        try cluster.startAllButCoordinators(topology)
        try cluster.start("coordinator", ["coordinator"])

        // Watch the coordinator's heartbeats as the monitor node.
        let coordinator = try #require(topology.coordinator)
        let keys = try cluster.keys("monitor")
        let context = try Context()
        let sub = try Socket(context, .sub)
        try sub.makeCurveClient(serverPublicKey: coordinator.curveKey, publicKey: keys.curvePublic, secretKey: keys.curveSecret)
        try sub.connect(topology.endpoints(of: coordinator.id)["plans"]!)
        try sub.subscribe("hb")
        defer { sub.close(); context.terminate() }
        var approved: Int64 = 0
        var heartbeats: UInt64 = 0
        func poll() {
            while let frames = try? sub.receive(dontWait: true), frames.count == 2 {
                if let e = try? Envelope(serializedBytes: frames[1]), e.isSigned(by: coordinator.signingKey),
                   let hb = try? WireHeartbeat(serializedBytes: e.payload) {
                    approved = hb.counters["plans.approved"] ?? 0
                    heartbeats = max(heartbeats, hb.seq)
                }
            }
        }

        let first = await eventually(20) { poll(); return approved >= 1 }
        #expect(first, "plans are approved with all four verifiers")

        cluster.stop("verifier-4")
        let withThree = approved
        let stillApproving = await eventually(20) { poll(); return approved > withThree }
        #expect(stillApproving, "one verifier down: plans still approved")

        cluster.stop("verifier-3")
        let held = await eventually(10) { cluster.log("coordinator").contains("quorum unreachable") }
        #expect(held, "the coordinator says why nothing is approved")
        // Watch thirty more heartbeats (about three seconds of a live coordinator that would approve
        // if it could): nothing is approved meanwhile. Without heartbeats this fails, not passes.
        poll()
        let frozen = approved
        let from = heartbeats
        let alive = await eventually(20) { poll(); return heartbeats >= from + 30 }
        #expect(alive, "the coordinator keeps publishing heartbeats (seq \(from) -> \(heartbeats))")
        #expect(approved == frozen, "two verifiers down: nothing approved")

        try cluster.start("verifier-3", ["verifier", "--id", "verifier-3"])
        let resumed = await eventually(25) { poll(); return approved > frozen }
        #expect(resumed, "approvals resume when a verifier returns")
        #expect(cluster.log("coordinator").contains("quorum reachable again"))
        cluster.stopAll()
    }
}
