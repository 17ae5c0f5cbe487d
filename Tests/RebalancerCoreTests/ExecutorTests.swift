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

    func refusal(_ result: Result<Void, VerifierSets.RotationRefusal>) -> VerifierSets.RotationRefusal? {
        if case let .failure(reason) = result { return reason }
        return nil
    }

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

    @Test func acceptsANewSetSignedByTheCurrentQuorumAndTheOldOneOnlyDuringItsGrace() {
        var e = Executor(topology: topology, executed: [])
        let next = VerifierSet(epoch: 2, members: ["n1": [1], "n2": [2], "n3": [3]], quorum: 2)
        let rotation = VerifierSets.Rotation(topologyID: "test", fromEpoch: 1, next: next, activateAt: 100, graceMs: 1)
        #expect(refusal(e.rotate(rotation, validSigners: ["verifier-1", "verifier-2"], now: 50)) == .noQuorum)
        var unsafe = rotation
        unsafe.next.quorum = 1
        #expect(refusal(e.rotate(unsafe, validSigners: quorum, now: 50)) == .unsafeQuorum)
        #expect(refusal(e.rotate(rotation, validSigners: quorum, now: 50)) == nil)
        #expect(refusal(e.rotate(rotation, validSigners: quorum, now: 60)) == .alreadyApplied)
        // New epoch: the new set's quorum counts, the old set's does not.
        var newPlan = plan(seq: 1, expiresAt: 10_000_000)
        newPlan.epoch = 2
        #expect(e.onApproved(newPlan, previousPlanSeq: 0, validSigners: quorum, now: 200) == [.refused(planSeq: 1, .noQuorum)])
        #expect(e.onApproved(newPlan, previousPlanSeq: 0, validSigners: ["n1", "n3"], now: 200).first == .accepted(newPlan))
        // Old epoch: accepted until activation + grace (100 + 1 ms), refused after.
        #expect(e.onApproved(plan(seq: 2, expiresAt: 10_000_000), previousPlanSeq: 1, validSigners: quorum, now: 1_000_000).first == .accepted(plan(seq: 2, expiresAt: 10_000_000)))
        #expect(e.onApproved(plan(seq: 3, expiresAt: 10_000_000), previousPlanSeq: 2, validSigners: quorum, now: 1_100_001) == [.refused(planSeq: 3, .unknownEpoch)])
    }
}
