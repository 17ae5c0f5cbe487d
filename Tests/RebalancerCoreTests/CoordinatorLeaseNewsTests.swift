import Testing
@testable import RebalancerCore

/// What the coordinator's shell used to de-duplicate itself for the log: each change in what the
/// coordination service says is reported once, not every answer.
@Suite struct CoordinatorLeaseNewsTests {
    func coordinator() -> Coordinator {
        Coordinator(me: "coordinator", topology: Fixture.topology(), strategy: GreedyThresholdStrategy(), lastPlanSeq: 0, lastApproved: 0, digest: Fixture.digest)
    }

    @Test func aNewHolderIsReportedOnceAndTheSameAnswerAgainIsNot() {
        var c = coordinator()
        #expect(c.on(.lease(holder: "coordinator", validUntil: 100), now: 1) == [.lease(.holder("coordinator"))], "the first answer says who holds it")
        #expect(c.on(.lease(holder: "coordinator", validUntil: 200), now: 2).isEmpty, "a keep-alive: nothing new")
        #expect(c.on(.lease(holder: nil, validUntil: 300), now: 3) == [.lease(.holder(nil))])
        #expect(c.on(.lease(holder: "coordinator-2", validUntil: 400), now: 4) == [.lease(.holder("coordinator-2"))])
    }

    @Test func unreachableIsReportedOnceAndTheNextAnswerSaysItAnswersAgainAndWhoHolds() {
        var c = coordinator()
        #expect(c.on(.leaseUnreachable, now: 1) == [.lease(.unreachable)], "unreachable from the start")
        #expect(c.on(.leaseUnreachable, now: 2).isEmpty)
        #expect(c.on(.lease(holder: "coordinator", validUntil: 100), now: 3) == [.lease(.answersAgain), .lease(.holder("coordinator"))])
        #expect(c.on(.leaseUnreachable, now: 4) == [.lease(.unreachable)])
        #expect(c.on(.lease(holder: "coordinator", validUntil: 200), now: 5) == [.lease(.answersAgain), .lease(.holder("coordinator"))],
                "the holder is said again after an outage: who holds it was unknown meanwhile")
    }

    @Test func aCoordinatorWithoutStandingReportsNothing() {
        var c = Coordinator(topology: Fixture.topology(), strategy: GreedyThresholdStrategy(), lastPlanSeq: 0, digest: Fixture.digest)
        #expect(c.on(.lease(holder: "coordinator", validUntil: 100), now: 1).isEmpty)
        #expect(c.on(.leaseUnreachable, now: 2).isEmpty)
    }
}
