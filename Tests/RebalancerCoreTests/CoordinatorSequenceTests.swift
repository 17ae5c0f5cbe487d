import Testing
@testable import RebalancerCore

/// A coordinator whose journal was lost (or restored from an old copy) continues above what a
/// quorum of verifiers has signed, as their heartbeats report it, and a lying verifier cannot
/// push the sequence anywhere on its own.
@Suite struct CoordinatorSequenceTests {
    let topology = Fixture.topology()

    func coordinator(lastSeq: UInt64 = 0) -> Coordinator {
        Coordinator(topology: topology, strategy: GreedyThresholdStrategy(), lastPlanSeq: lastSeq, digest: Fixture.digest)
    }

    func report(_ c: inout Coordinator, _ verifier: String, _ lastSigned: UInt64) -> [Coordinator.Directive] {
        c.on(.verifierSigned(verifier, lastSigned: lastSigned), now: 1_000)
    }

    func proposedSeq(_ c: inout Coordinator, now: Nanos) -> UInt64? {
        _ = c.on(.state(Fixture.state("b", balance: 500_000_00, at: now), digest: [2]), now: now)
        _ = c.on(.state(Fixture.state("c", balance: 300_000_00, at: now), digest: [3]), now: now)
        for d in c.on(.state(Fixture.state("a", balance: 150_000_00, at: now), digest: [1]), now: now) {
            if case let .propose(plan) = d { return plan.planSeq }
        }
        return nil
    }

    @Test func anEmptyJournalContinuesAboveWhatTheVerifiersSigned() throws {
        #expect(topology.verifiers.count == 4 && topology.quorum == 3)
        var c = coordinator()
        #expect(report(&c, "verifier-1", 72).isEmpty)
        #expect(report(&c, "verifier-2", 72).isEmpty, "two reports are not a quorum: nothing is proven yet")
        // Three of four reporting: plan 72 had three signers, at least two among these three,
        // so the second highest report bounds it.
        #expect(report(&c, "verifier-4", 60) == [.sequenceRaised(from: 0, to: 72), .askExecutors(after: 0)])
        #expect(c.lastPlanSeq == 72)
        #expect(proposedSeq(&c, now: 2_000) == 73)
    }

    @Test func aSingleInflatedReportIsIgnored() {
        var c = coordinator(lastSeq: 10)
        for v in ["verifier-1", "verifier-2", "verifier-3"] { _ = report(&c, v, 10) }
        #expect(report(&c, "verifier-4", UInt64.max - 1).isEmpty, "one verifier cannot move the sequence")
        #expect(c.lastPlanSeq == 10)
        #expect(c.sequenceFloor == 10)
    }

    @Test func aJournalAheadOfTheReportsKeepsItsOwnSequence() {
        var c = coordinator(lastSeq: 90)
        for v in ["verifier-1", "verifier-2", "verifier-3", "verifier-4"] { #expect(report(&c, v, 80).isEmpty) }
        #expect(c.lastPlanSeq == 90)
    }

    @Test func reportsFromNodesOutsideTheVerifierSetCountForNothing() {
        var c = coordinator()
        for v in ["verifier-9", "watcher-a", "verifier-1"] { _ = report(&c, v, 50) }
        #expect(c.signedByVerifier.keys.sorted() == ["verifier-1"])
        #expect(c.sequenceFloor == nil)
        #expect(c.lastPlanSeq == 0)
    }
}
