import Testing
@testable import RebalancerCore

/// Which coordinator proposes: the first listed while it lives, the next in order when those
/// before it fall silent, and a returning one defers to the one that took over.
@Suite struct LeadershipTests {
    let order = ["c1", "c2", "c3"]
    let silence: Nanos = 750 * Nanos.perMillisecond
    let ms = Nanos.perMillisecond

    @Test func aLoneCoordinatorLeadsAtItsFirstTick() {
        var l = Leadership(me: "c1", order: ["c1"], silenceAfter: silence, now: 0)
        #expect(l.evaluate(now: 0) == .tookOver(silent: []))
        #expect(l.leads)
    }

    @Test func theFirstListedLeadsAfterListeningAndTheOthersStandBy() {
        var c1 = Leadership(me: "c1", order: order, silenceAfter: silence, now: 0)
        var c2 = Leadership(me: "c2", order: order, silenceAfter: silence, now: 0)
        #expect(c1.evaluate(now: 100 * ms) == nil, "listens first: a leader may already be there")
        #expect(c1.evaluate(now: 800 * ms) == .tookOver(silent: []))
        c2.heard("c1", leads: false, at: 500 * ms)
        #expect(c2.evaluate(now: 800 * ms) == nil, "c1 is alive: it takes over itself")
        c2.heard("c1", leads: true, at: 900 * ms)
        #expect(c2.evaluate(now: 1_000 * ms) == nil)
        #expect(c2.leader(now: 1_000 * ms) == "c1")
    }

    @Test func theNextInOrderTakesOverWhenTheLeaderFallsSilent() {
        var c2 = Leadership(me: "c2", order: order, silenceAfter: silence, now: 0)
        var c3 = Leadership(me: "c3", order: order, silenceAfter: silence, now: 0)
        for t in stride(from: Nanos(0), through: 2_000, by: 500) {
            c2.heard("c1", leads: true, at: t * ms)
            c3.heard("c1", leads: true, at: t * ms)
            c3.heard("c2", leads: false, at: t * ms)
        }
        c3.heard("c2", leads: false, at: 2_500 * ms)
        #expect(c2.evaluate(now: 2_700 * ms) == nil, "700 ms of silence is not yet past the deadline")
        #expect(c2.evaluate(now: 2_760 * ms) == .tookOver(silent: ["c1"]))
        #expect(c3.evaluate(now: 2_760 * ms) == nil, "c2 is alive and before c3")
        c3.heard("c2", leads: true, at: 2_800 * ms)
        #expect(c3.evaluate(now: 3_000 * ms) == nil)
        #expect(c3.leader(now: 3_000 * ms) == "c2")
    }

    @Test func aReturningCoordinatorDefersToTheOneThatTookOver() {
        var c1 = Leadership(me: "c1", order: order, silenceAfter: silence, now: 10_000 * ms)
        c1.heard("c2", leads: true, at: 10_200 * ms)
        #expect(c1.evaluate(now: 10_800 * ms) == nil)
        #expect(!c1.leads)
        // Once c2 falls silent, c1 (first in order) takes over again.
        #expect(c1.evaluate(now: 11_000 * ms) == .tookOver(silent: []))
    }

    @Test func ofTwoLeadersAfterAPartitionHealsTheLaterListedStandsDown() {
        var c1 = Leadership(me: "c1", order: order, silenceAfter: silence, now: 0)
        var c2 = Leadership(me: "c2", order: order, silenceAfter: silence, now: 0)
        #expect(c1.evaluate(now: 800 * ms) != nil)
        #expect(c2.evaluate(now: 800 * ms) != nil, "partitioned: each believes it is alone")
        c1.heard("c2", leads: true, at: 900 * ms)
        c2.heard("c1", leads: true, at: 900 * ms)
        #expect(c1.evaluate(now: 1_000 * ms) == nil, "the first listed keeps leading")
        #expect(c2.evaluate(now: 1_000 * ms) == .deferred(to: "c1"))
        #expect(c1.leads && !c2.leads)
    }

    @Test func heartbeatsFromUnlistedNodesCountForNothing() {
        var c2 = Leadership(me: "c2", order: order, silenceAfter: silence, now: 0)
        c2.heard("intruder", leads: true, at: 700 * ms)
        c2.heard("c2", leads: true, at: 700 * ms)
        #expect(c2.evaluate(now: 800 * ms) == .tookOver(silent: ["c1"]))
    }

    @Test func withALeaseTheHolderLeadsAndWithoutItTheOrderDecides() {
        var c2 = Leadership(me: "c2", order: order, silenceAfter: silence, now: 0)
        c2.heard("c1", leads: false, at: 900 * ms)
        c2.leased(holder: "c2", validUntil: 3_000 * ms)
        #expect(c2.evaluate(now: 1_000 * ms) == .tookOver(silent: ["c3"]), "the lease holder leads though c1 is alive and listed first")
        c2.heard("c1", leads: true, at: 1_100 * ms)
        #expect(c2.evaluate(now: 1_200 * ms) == nil, "c1 claiming to lead does not matter while the lease answers")
        c2.leased(holder: "c1", validUntil: 4_000 * ms)
        #expect(c2.evaluate(now: 1_300 * ms) == .deferred(to: "c1"))
        // The service stops answering: silence and order decide again (c1 alive and leading).
        c2.leaseUnreachable()
        #expect(c2.evaluate(now: 1_400 * ms) == nil)
        #expect(c2.evaluate(now: 2_000 * ms) == .tookOver(silent: ["c1"]), "c1 silent past the deadline")
    }

    @Test func anExpiredLeaseAnswerFallsBackToTheOrder() {
        var c1 = Leadership(me: "c1", order: order, silenceAfter: silence, now: 0)
        c1.leased(holder: "c2", validUntil: 500 * ms)
        #expect(c1.evaluate(now: 400 * ms) == nil)
        #expect(c1.evaluate(now: 800 * ms) == .tookOver(silent: []), "the answer is stale and nobody else is heard")
    }

    @Test func theCoordinatorCountsAFollowedPlanInFlightAndContinuesAfterIt() throws {
        let topology = Fixture.topology()
        var c = Coordinator(topology: topology, strategy: GreedyThresholdStrategy(), lastPlanSeq: 3, digest: Fixture.digest)
        _ = c.on(.state(Fixture.state("b", balance: 500_000_00, at: 1_000), digest: [2]), now: 1_000)
        _ = c.on(.state(Fixture.state("c", balance: 300_000_00, at: 1_000), digest: [3]), now: 1_000)
        let first = c.on(.state(Fixture.state("a", balance: 150_000_00, at: 1_000), digest: [1]), now: 1_000)
        guard case let .propose(mine)? = first.first else { Issue.record("no proposal: \(first)"); return }
        #expect(mine.planSeq == 4)
        var theirs = mine
        theirs.planSeq = 9
        let out = c.on(.followed(theirs), now: 2_000)
        #expect(out.contains { if case .abandon(mine, _) = $0 { return true } else { return false } }, "its own proposal at 4 can no longer be approved")
        #expect(c.lastPlanSeq == 9)
        #expect(c.inFlight.entries.count == theirs.transfers.count)
    }
}
