import Testing
@testable import RebalancerCore

@Suite struct ExecutorTests {
    let topology = Fixture.topology()

    func plan(seq: UInt64, expiresAt: Nanos = 10_000) -> Plan {
        Plan(topologyID: "test", epoch: 1, planSeq: seq, createdAt: 0, expiresAt: expiresAt,
             transfers: [Transfer(from: "b", to: "a", amount: 100_00), Transfer(from: "a", to: "c", amount: 50_00)],
             basis: [], triggerVenue: "a", triggerObservedAt: 0, strategy: "threshold")
    }

    let quorum: Set<NodeID> = ["verifier-1", "verifier-2", "verifier-3"]

    @Test func actsOnceOnAQuorumAndSubmitsEveryTransferInCanonicalOrder() {
        var e = Executor(topology: topology, executed: [])
        let out = e.onApproved(plan(seq: 1), previousPlanSeq: 0, validSigners: quorum, now: 5)
        #expect(out.first == .accepted(plan(seq: 1)))
        #expect(out.dropFirst() == [
            .submit(id: "1/0", transfer: Transfer(from: "a", to: "c", amount: 50_00), planSeq: 1),
            .submit(id: "1/1", transfer: Transfer(from: "b", to: "a", amount: 100_00), planSeq: 1),
        ])
        #expect(e.onApproved(plan(seq: 1), previousPlanSeq: 0, validSigners: quorum, now: 6) == [.refused(planSeq: 1, .duplicate)])
    }

    @Test func refusesWithoutQuorumWhenExpiredOrForAnotherTopology() {
        var e = Executor(topology: topology, executed: [])
        #expect(e.onApproved(plan(seq: 1), previousPlanSeq: 0, validSigners: ["verifier-1", "verifier-2"], now: 5) == [.refused(planSeq: 1, .noQuorum)])
        #expect(e.onApproved(plan(seq: 1), previousPlanSeq: 0, validSigners: ["verifier-1", "verifier-2", "outsider"], now: 5) == [.refused(planSeq: 1, .noQuorum)])
        #expect(e.onApproved(plan(seq: 2, expiresAt: 5), previousPlanSeq: 0, validSigners: quorum, now: 5).last == .refused(planSeq: 2, .expired))
        var other = plan(seq: 3)
        other.topologyID = "elsewhere"
        #expect(e.onApproved(other, previousPlanSeq: 0, validSigners: quorum, now: 5) == [.refused(planSeq: 3, .wrongTopology)])
    }

    @Test func remembersWhatItExecutedAcrossARestartAndAsksForWhatItMissed() {
        var e = Executor(topology: topology, executed: [1, 2])
        #expect(e.onApproved(plan(seq: 2), previousPlanSeq: 1, validSigners: quorum, now: 5) == [.refused(planSeq: 2, .duplicate)])
        let out = e.onApproved(plan(seq: 9), previousPlanSeq: 7, validSigners: quorum, now: 5)
        #expect(out.first == .requestReplay(after: 2))
        #expect(out.contains(.accepted(plan(seq: 9))))
    }
}
