import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import RebalancerWire
import Testing
import ZeroMQ

/// A byzantine verifier holding verifier-4's real keys: it answers every proposal with an
/// approval whose signature is garbage, and keeps sending heartbeats so it looks alive.
actor ByzantineVerifier: RoleHandler {
    let runtime: NodeRuntime
    let dealer: SocketLoop.Handle
    private var seq: UInt64 = 0

    init(runtime: NodeRuntime) throws {
        self.runtime = runtime
        let coordinator = try require(runtime.topology.coordinator, "coordinator")
        dealer = try runtime.connect(.dealer, to: coordinator, endpoint: "proposals", routingID: runtime.node.id)
    }

    func handle(_ inbound: SocketLoop.Inbound) async {
        guard inbound.frames.count == 1, let envelope = try? Envelope(serializedBytes: inbound.frames[0]), envelope.type == .proposal,
              let proposal = try? WireProposal(serializedBytes: envelope.payload) else { return }
        var vote = WireVote()
        vote.planSeq = proposal.plan.planSeq
        vote.planDigest = Data(WireDigest.plan(Plan(wire: proposal.plan)))
        vote.decision = VoteDecision.approve.wire
        vote.approval = Data(repeating: 7, count: 64)
        if let sealed = runtime.seal(vote, type: .vote) { runtime.send(sealed, on: dealer) }
    }

    func tick() async {
        seq += 1
        if let heartbeat = runtime.heartbeat(seq: seq) { runtime.send(heartbeat, on: dealer) }
    }
}

/// A verifier is trusted only as one of k: a byzantine one's approvals never count, so plans are
/// approved with the honest quorum, and with one honest verifier fewer nothing is approved.
@Suite struct ByzantineVerifierScenarioTests {
    @Test func aByzantineVerifiersApprovalsNeverCount() async throws {
        let cluster = try QuorumScenarioTests.busy()
        try cluster.startVenues()
        for venue in cluster.topology.venues.map(\.id) { try cluster.startWatcher(venue) }
        for id in ["verifier-1", "verifier-2", "verifier-3"] { try cluster.startVerifier(id) }
        let byzantine = try cluster.runtime("verifier-4")
        try cluster.add(byzantine, try ByzantineVerifier(runtime: byzantine), every: .milliseconds(500))
        try cluster.startExecutor("executor-1")
        try cluster.startCoordinator()
        let coordinator = "coordinator"
        func approved() -> Int64 { cluster.counter(coordinator, "plans.approved") }

        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(20)) { approved() >= 2 }, "the honest quorum approves")
        #expect(cluster.counter("executor-1", "signatures.invalid") == 0, "the coordinator forwards only valid approvals")
        #expect(cluster.counter("executor-1", "plans.executed") >= 1)

        await cluster.stop("verifier-3")
        // Three look alive (two honest, the byzantine one): the coordinator keeps proposing, and
        // every plan fails for want of a third valid approval.
        let frozen = approved()
        let rejected = cluster.counter(coordinator, "plans.rejected") + cluster.counter(coordinator, "plans.unreachable")
        await cluster.advance(by: .seconds(10))
        #expect(approved() == frozen, "two honest approvals and a forged one approve nothing")
        #expect(cluster.counter(coordinator, "plans.rejected") + cluster.counter(coordinator, "plans.unreachable") > rejected, "and plans were proposed meanwhile")
    }
}
