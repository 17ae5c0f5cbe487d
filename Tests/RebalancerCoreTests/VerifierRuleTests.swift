import Testing
@testable import RebalancerCore

@Suite struct VerifierRuleTests {
    let topology = Fixture.topology()
    let now: Nanos = 2_000_000_000

    var states: [VenueID: VenueState] {
        ["a": Fixture.state("a", balance: 150_000_00), "b": Fixture.state("b", balance: 500_000_00), "c": Fixture.state("c", balance: 300_000_00)]
    }

    func basis(_ states: [VenueID: VenueState], signed: Bool = true) -> [VenueID: Verifier.BasisState] {
        states.mapValues { Verifier.BasisState(state: $0, digest: [UInt8($0.venue.utf8.first!)], signedByWatcher: signed) }
    }

    func plan(_ transfers: [Transfer], seq: UInt64 = 1, expiresIn: Nanos = 3_000_000_000, topologyID: String = "test") -> Plan {
        let involved = Set(transfers.flatMap { [$0.from, $0.to] }).sorted()
        return Plan(
            topologyID: topologyID, epoch: 1, planSeq: seq, createdAt: now, expiresAt: now + expiresIn, transfers: transfers,
            basis: involved.compactMap { v in states[v].map { BasisRef(venue: v, seq: $0.seq, observedAt: $0.observedAt, digest: [UInt8(v.utf8.first!)]) } },
            triggerVenue: "a", triggerObservedAt: now, strategy: "threshold"
        )
    }

    func context(lastSigned: UInt64 = 0, view: [VenueID: VenueState]? = nil, outflows: [Verifier.SignedOutflow] = []) -> Verifier.Context {
        let v = view ?? states
        return Verifier.Context(topology: topology, view: v, viewReceivedAt: v.mapValues { _ in now - 100 }, lastSignedSeq: lastSigned, signedOutflows: outflows, now: now)
    }

    /// The honest plan: what the named strategy itself computes from the basis.
    var good: Transfer { GreedyThresholdStrategy().plan(views: states.mapValues { VenueView(state: $0) }, topology: topology)[0] }

    @Test func approvesAnHonestPlan() {
        #expect(Verifier.check(plan([good]), basis: basis(states), context: context()) == .approve)
    }

    @Test func rejectsAPlanWorseThanItsOwnRecomputation() {
        // Routing through c instead of straight from b: same need, needless second hop of fees.
        let detour = Verifier.check(plan([Transfer(from: "b", to: "a", amount: good.amount / 2)]), basis: basis(states), context: context())
        #expect(detour.rule == .objectiveMismatch, "\(detour.detail)")
        var unknown = plan([good])
        unknown.strategy = "mystery"
        #expect(Verifier.check(unknown, basis: basis(states), context: context()).rule == .objectiveMismatch)
    }

    @Test("each rule names itself", arguments: [
        ("unknown venue", [Transfer(from: "b", to: "zz", amount: 100_00)], Verifier.Rule.unknownRoute),
        ("self transfer", [Transfer(from: "b", to: "b", amount: 100_00)], .badAmount),
        ("negative amount", [Transfer(from: "b", to: "a", amount: -5)], .badAmount),
        ("drains below floor", [Transfer(from: "c", to: "a", amount: 250_000_00)], .floorBreached),
        ("funds a venue at target", [Transfer(from: "b", to: "c", amount: 10_000_00)], .noImprovement),
        ("above per-transfer cap", [Transfer(from: "b", to: "a", amount: 6_000_000_00)], .limitExceeded),
        ("inflated amount", [Transfer(from: "b", to: "a", amount: 190_000_00)], .overfunded),
    ])
    func rejects(_ name: String, transfers: [Transfer], rule: Verifier.Rule) {
        let verdict = Verifier.check(plan(transfers), basis: basis(states), context: context())
        #expect(verdict.decision == .reject, "\(name)")
        #expect(verdict.rule == rule, "\(name): \(verdict.detail)")
    }

    @Test func rejectsAnotherTopologyExpiredOrOverlongPlansAndOldSequences() {
        #expect(Verifier.check(plan([good], topologyID: "other"), basis: basis(states), context: context()).rule == .wrongTopology)
        #expect(Verifier.check(plan([good], expiresIn: -1), basis: basis(states), context: context()).rule == .expired)
        #expect(Verifier.check(plan([good], expiresIn: 60_000_000_000), basis: basis(states), context: context()).rule == .expired)
        #expect(Verifier.check(plan([good], seq: 5), basis: basis(states), context: context(lastSigned: 5)).rule == .seqNotIncreasing)
    }

    @Test func rejectsForgedOrMismatchedBasis() {
        #expect(Verifier.check(plan([good]), basis: basis(states, signed: false), context: context()).rule == .basisInvalid)
        var forged = basis(states)
        forged["a"]?.state.balance = 10_00
        forged["a"]?.digest = [9, 9]
        #expect(Verifier.check(plan([good]), basis: forged, context: context()).rule == .basisInvalid)
    }

    @Test func rejectsABasisFarBehindItsOwnViewAndAbstainsWithoutAView() {
        var newer = states
        newer["b"]?.observedAt += 10_000_000_000
        #expect(Verifier.check(plan([good]), basis: basis(states), context: context(view: newer)).rule == .basisStale)
        var partial = states
        partial["a"] = nil
        let verdict = Verifier.check(plan([good]), basis: basis(states), context: context(view: partial))
        #expect(verdict.decision == .abstain)
        #expect(verdict.rule == .viewStale)
    }

    @Test("capital already seen leaving in the own view is not subtracted from it again: a basis older than the own view counts it, the own view shows it")
    func theOwnViewIsNotChargedTwiceForWhatItAlreadyShows() {
        var own = states
        own["b"]!.balance -= 200_000_00
        own["b"]!.pendingOut = 200_000_00
        own["b"]!.pendingTransfers = ["7/0"]
        var charged = context(view: own)
        charged.virtual = ["b": (inbound: 0, outbound: 200_000_00)]  // against the basis, which does not list 7/0
        #expect(Verifier.check(plan([good]), basis: basis(states), context: charged).rule == .floorBreached)
        var fair = charged
        fair.virtualOwnView = [:]  // the own view lists 7/0: nothing of it is still to leave
        #expect(Verifier.check(plan([good]), basis: basis(states), context: fair).rule != .floorBreached)
        // Against a view that does not show it, it is still charged.
        var unseen = context(view: states)
        unseen.virtual = ["b": (inbound: 0, outbound: 390_000_00)]
        unseen.virtualOwnView = unseen.virtual
        #expect(Verifier.check(plan([good]), basis: basis(states), context: unseen).rule == .floorBreached)
    }

    @Test func rejectsWhenTheWindowBudgetIsSpent() {
        let spent = [Verifier.SignedOutflow(at: now - 1_000_000_000, transfer: Transfer(from: "b", to: "c", amount: 7_900_000_00))]
        #expect(Verifier.check(plan([good]), basis: basis(states), context: context(outflows: spent)).rule == .limitExceeded)
        let old = [Verifier.SignedOutflow(at: now - 120_000_000_000, transfer: Transfer(from: "b", to: "c", amount: 7_900_000_00))]
        #expect(Verifier.check(plan([good]), basis: basis(states), context: context(outflows: old)) == .approve)
    }

    @Test func neverSignsTwoDigestsForOneSequence() {
        var state = Verifier.State(topology: topology, lastSigned: nil)
        for s in states.values { state.observe(s, now: now - 100) }
        let first = plan([good], seq: 7)
        #expect(state.judge(first, digest: [1], basis: basis(states), now: now) == .approve)
        #expect(state.judge(first, digest: [1], basis: basis(states), now: now) == .approve)  // retry: same answer
        let other = plan([Transfer(from: "b", to: "a", amount: good.amount - 1_000_00)], seq: 7)
        #expect(state.judge(other, digest: [2], basis: basis(states), now: now).rule == .seqNotIncreasing)
        #expect(state.judge(plan([good], seq: 6), digest: [3], basis: basis(states), now: now).rule == .seqNotIncreasing)
    }

    @Test("a plan the coordinator says it did not approve stops counting as on its way once its source shows the capital never left")
    func anAbandonedPlanIsForgottenOnTheCoordinatorsWordAndTheSourcesState() {
        for executed in [false, true] {
            var state = Verifier.State(topology: topology, lastSigned: nil)
            for s in states.values { state.observe(s, now: now - 100) }
            #expect(state.judge(plan([good], seq: 7), digest: [1], basis: basis(states), now: now) == .approve)
            // A heartbeat before any later proposal says nothing about plan 7: it may be undecided.
            state.coordinatorSaid(lastApproved: 6, by: "coordinator", now: now + 5)
            state.proposed(8, by: "coordinator")
            // A standby's word counts for nothing: it proposed nothing here.
            state.coordinatorSaid(lastApproved: 6, by: "coordinator-2", now: now + 8)
            #expect(state.approvedInFlight.entries.values.allSatisfy { $0.abandonedAt == nil })
            state.coordinatorSaid(lastApproved: 6, by: "coordinator", now: now + 10)
            #expect(state.approvedInFlight.entries.values.allSatisfy { $0.abandonedAt == now + 10 })
            var source = Fixture.state("b", balance: 500_000_00, seq: 2, at: now + 20)
            if executed { source.pendingTransfers = [Transfer.id(planSeq: 7, index: 0)] }
            state.observe(source, now: now + 20)
            let again = state.judge(plan([good], seq: 9), digest: [2], basis: basis(states), now: now + 30)
            if executed {
                // The venue shows the transfer leaving: whatever the coordinator says, it is on its way.
                #expect(again.decision == .reject, "\(again.detail)")
            } else {
                #expect(again == .approve, "\(again.detail)")
            }
        }
    }

    @Test func aPlanReplayedUnderANewSequenceFundsNothingTwice() {
        var state = Verifier.State(topology: topology, lastSigned: nil)
        for s in states.values { state.observe(s, now: now - 100) }
        #expect(state.judge(plan([good], seq: 7), digest: [1], basis: basis(states), now: now) == .approve)
        let replayed = state.judge(plan([good], seq: 8), digest: [2], basis: basis(states), now: now)
        #expect(replayed.decision == .reject)
        #expect(replayed.rule == .noImprovement || replayed.rule == .overfunded, "\(replayed.detail)")
    }

    @Test func aRepublishedStateDoesNotMakeASilentVenueLookFresh() {
        var state = Verifier.State(topology: topology, lastSigned: nil)
        let s = Fixture.state("a", balance: 1, seq: 3, at: 10)
        state.observe(s, now: 100)
        state.observe(s, now: 5_000)
        #expect(state.receivedAt["a"] == 100)
    }
}
