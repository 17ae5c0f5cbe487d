import Testing
@testable import RebalancerCore

@Suite struct CoordinatorTests {
    let topology = Fixture.topology()

    func coordinator(lastSeq: UInt64 = 0) -> Coordinator {
        Coordinator(topology: topology, strategy: GreedyThresholdStrategy(), lastPlanSeq: lastSeq, digest: Fixture.digest)
    }

    func feed(_ c: inout Coordinator, now: Nanos, a: Amount = 150_000_00) -> [Coordinator.Directive] {
        var out: [Coordinator.Directive] = []
        out += c.on(.state(Fixture.state("b", balance: 500_000_00, at: now), digest: [2]), now: now)
        out += c.on(.state(Fixture.state("c", balance: 300_000_00, at: now), digest: [3]), now: now)
        out += c.on(.state(Fixture.state("a", balance: a, at: now), digest: [1]), now: now)
        return out
    }

    func proposed(_ directives: [Coordinator.Directive]) -> Plan? {
        for d in directives { if case let .propose(plan) = d { return plan } }
        return nil
    }

    func vote(_ c: inout Coordinator, _ plan: Plan, _ verifier: String, _ decision: VoteDecision = .approve, now: Nanos) -> [Coordinator.Directive] {
        c.on(.vote(Vote(verifier: verifier, planSeq: plan.planSeq, planDigest: Fixture.digest(plan), decision: decision, signature: [7]), validApproval: decision == .approve), now: now)
    }

    @Test func proposesContinuingTheJournaledSequenceAndApprovesAtQuorum() throws {
        var c = coordinator(lastSeq: 41)
        let plan = try #require(proposed(feed(&c, now: 1_000)))
        #expect(plan.planSeq == 42)
        #expect(plan.basis.map(\.venue) == ["a", "b"])
        #expect(vote(&c, plan, "verifier-1", now: 2_000).isEmpty)
        #expect(vote(&c, plan, "verifier-1", now: 2_000).isEmpty)  // the same verifier twice counts once
        #expect(vote(&c, plan, "verifier-2", now: 2_000).isEmpty)
        let done = vote(&c, plan, "verifier-3", now: 3_000)
        guard case let .approve(approved, signatures, _)? = done.first else { Issue.record("not approved: \(done)"); return }
        #expect(approved == plan)
        #expect(signatures.map(\.verifier) == ["verifier-1", "verifier-2", "verifier-3"])
        // The quorum's event plans nothing itself: it ends by asking for the planning, which the
        // shell runs once the approval is journaled and published.
        #expect(done.last == .planAgain)
        #expect(proposed(done) == nil)
    }

    /// What `.planAgain` asks for plans on the view as it then is: a deficit left after the
    /// approved plan is proposed at that point, not in the event that reached the quorum.
    @Test func theApprovingEventLeavesThePlanningToPlanAgain() throws {
        var c = coordinator()
        let plan = try #require(proposed(feed(&c, now: 1_000)))
        _ = vote(&c, plan, "verifier-1", now: 2_000)
        _ = vote(&c, plan, "verifier-2", now: 2_000)
        // A second venue runs short while the votes are out.
        #expect(proposed(c.on(.state(Fixture.state("c", balance: 10_000_00, at: 2_500), digest: [4]), now: 2_500)) == nil)
        let done = vote(&c, plan, "verifier-3", now: 3_000)
        #expect(done.filter { $0 == .planAgain }.count == 1)
        #expect(done.last == .planAgain)
        #expect(proposed(done) == nil)
        let next = try #require(proposed(c.planAfterApproval(now: 3_000)), "the shortfall of c is planned once the approval is out")
        #expect(next.planSeq == plan.planSeq + 1)
        #expect(next.transfers.contains { $0.to == "c" })
        // An event that approves nothing plans in place and asks for nothing more.
        #expect(!c.on(.tick, now: 3_100).contains(.planAgain))
    }

    @Test func countsCapitalInFlightAndDoesNotFundTheSameDeficitTwice() throws {
        var c = coordinator()
        let plan = try #require(proposed(feed(&c, now: 1_000)))
        for v in ["verifier-1", "verifier-2", "verifier-3"] { _ = vote(&c, plan, v, now: 2_000) }
        // New states that do not show the transfer yet: nothing more is proposed.
        #expect(proposed(feed(&c, now: 3_000)) == nil)
        #expect(c.inFlight.entries.count == 1)
    }

    /// A real venue's watcher cannot list our transfer ids: the executor's reports keep a
    /// submitted transfer in flight past its plan's expiry (so its deficit is not funded twice),
    /// and a settled one leaves the book once the destination's state is newer than the report.
    /// The fixture's venues read through an adapter other than the simulated market's: their
    /// states list none of our transfer ids.
    func realVenueCoordinator() -> Coordinator {
        var real = topology
        for i in real.venues.indices { real.venues[i].adapter = VenueAdapter(kind: "external") }
        return Coordinator(topology: real, strategy: GreedyThresholdStrategy(), lastPlanSeq: 0, digest: Fixture.digest)
    }

    @Test func followsTransfersRealVenuesCannotListByTheExecutorsReports() throws {
        var reported = realVenueCoordinator()
        var silent = realVenueCoordinator()
        for c in [0, 1] {
            var machine = c == 0 ? reported : silent
            let plan = try #require(proposed(feed(&machine, now: 1_000)))
            for v in ["verifier-1", "verifier-2", "verifier-3"] { _ = vote(&machine, plan, v, now: 2_000) }
            if c == 0 { reported = machine } else { silent = machine }
        }
        let id = try #require(reported.inFlight.entries.keys.first)
        _ = reported.on(.transferSubmitted(id: id), now: 3_000)
        let entry = try #require(reported.inFlight.entries[id])
        let late = entry.expiresAt + InFlightBook.unexecutedGrace(topology) + 1_000
        // Both see states long after the plan expired that do not list the transfer.
        let dropped = feed(&silent, now: late)
        #expect(dropped.contains(.unexecuted(id: id, transfer: entry.transfer)))
        #expect(silent.inFlight.entries[id] == nil)
        let kept = feed(&reported, now: late)
        #expect(!kept.contains(.unexecuted(id: id, transfer: entry.transfer)))
        #expect(proposed(kept) == nil)  // still in flight: the same deficit is not funded again
        #expect(reported.inFlight.entries[id] != nil)
        // Settled, then the destination's state observed after the report: it leaves the book.
        _ = reported.on(.transferSettled(id: id), now: late + 1)
        #expect(reported.inFlight.entries[id] != nil)
        _ = feed(&reported, now: late + 2, a: 150_000_00 + entry.credited)
        #expect(reported.inFlight.entries[id] == nil)
    }

    @Test("on the simulated market, whose states list our transfer ids, a state stamped just after the executor's report does not yet count as showing the debit")
    func aListingVenuesStateIsTrustedForItsListsNotForItsStamp() throws {
        var c = coordinator()
        let plan = try #require(proposed(feed(&c, now: 1_000)))
        for v in ["verifier-1", "verifier-2", "verifier-3"] { _ = vote(&c, plan, v, now: 2_000) }
        let id = try #require(c.inFlight.entries.keys.first)
        let transfer = try #require(c.inFlight.entries[id]).transfer
        _ = c.on(.transferSubmitted(id: id), now: 3_000)
        // Stamped after the report, but a reading the venue produced before the debit: no listing.
        _ = feed(&c, now: 4_000)
        #expect(c.views(now: 4_000)[transfer.from]?.virtualOut == transfer.amount)
        // Long enough after the report, the stamp is believed (an id can fall off a busy venue's list).
        let late = 3_000 + InFlightBook.unexecutedGrace(topology) + 1
        _ = feed(&c, now: late)
        #expect(c.views(now: late)[transfer.from]?.virtualOut == 0)
        // A real venue's state is believed at once.
        var real = realVenueCoordinator()
        let realPlan = try #require(proposed(feed(&real, now: 1_000)))
        for v in ["verifier-1", "verifier-2", "verifier-3"] { _ = vote(&real, realPlan, v, now: 2_000) }
        let realID = try #require(real.inFlight.entries.keys.first)
        _ = real.on(.transferSubmitted(id: realID), now: 3_000)
        let realTransfer = try #require(real.inFlight.entries[realID]).transfer
        _ = feed(&real, now: 4_000)
        #expect(real.views(now: 4_000)[realTransfer.from]?.virtualOut == 0)
    }

    @Test func abandonsWhenRefusalsMakeQuorumImpossible() throws {
        var c = coordinator()
        let plan = try #require(proposed(feed(&c, now: 1_000)))
        _ = vote(&c, plan, "verifier-1", .reject, now: 2_000)
        let out = vote(&c, plan, "verifier-2", .abstain, now: 2_000)
        guard case .abandon? = out.first else { Issue.record("expected abandon: \(out)"); return }
        #expect(c.outstanding == nil)
    }

    @Test("after a refused proposal the coordinator stays quiet for a heartbeat, at most 500 ms, then proposes again")
    func aRefusalQuietsItForAtMostHalfASecond() throws {
        for heartbeatMs: Int64 in [200, 2000] {
            var topology = Fixture.topology()
            topology.timing.heartbeatMs = heartbeatMs
            var c = Coordinator(topology: topology, strategy: GreedyThresholdStrategy(), lastPlanSeq: 0, digest: Fixture.digest)
            let ms = Nanos.perMillisecond
            let plan = try #require(proposed(feed(&c, now: 1_000 * ms)))
            _ = vote(&c, plan, "verifier-1", .reject, now: 1_010 * ms)
            _ = vote(&c, plan, "verifier-2", .reject, now: 1_010 * ms)
            let quiet = min(heartbeatMs, 500)
            #expect(c.quietUntil == (1_010 + quiet) * ms)
            #expect(proposed(feed(&c, now: (1_009 + quiet) * ms)) == nil)
            let again = try #require(proposed(feed(&c, now: (1_011 + quiet) * ms)))
            #expect(again.planSeq == plan.planSeq + 1)
        }
    }

    @Test func saysQuorumUnreachableWhenVerifiersAreSilent() throws {
        var c = coordinator()
        let plan = try #require(proposed(feed(&c, now: 1_000)))
        _ = vote(&c, plan, "verifier-1", now: 2_000)
        _ = vote(&c, plan, "verifier-2", now: 2_000)
        let out = c.on(.tick, now: plan.expiresAt)
        guard case let .abandon(_, reason)? = out.first else { Issue.record("expected abandon: \(out)"); return }
        #expect(reason == .quorumUnreachable(approvals: 2, quorum: 3, missing: ["verifier-3", "verifier-4"]))
        #expect(reason.counter == "plans.unreachable")
    }

    @Test func ignoresVotesFromOutsideTheSetAndApprovalsThatDoNotVerify() throws {
        var c = coordinator()
        let plan = try #require(proposed(feed(&c, now: 1_000)))
        _ = c.on(.vote(Vote(verifier: "mallory", planSeq: plan.planSeq, planDigest: Fixture.digest(plan), decision: .approve), validApproval: true), now: 2_000)
        _ = c.on(.vote(Vote(verifier: "verifier-1", planSeq: plan.planSeq, planDigest: Fixture.digest(plan), decision: .approve), validApproval: false), now: 2_000)
        _ = vote(&c, plan, "verifier-2", now: 2_000)
        #expect(vote(&c, plan, "verifier-3", now: 2_000).isEmpty)
        #expect(c.outstanding?.approvals.count == 2)
    }

    @Test func takesStatesOnlyWhenIdleAndNothingWaits() throws {
        var c = coordinator()
        #expect(c.takesStates(backlog: 0))
        #expect(!c.takesStates(backlog: 1))
        _ = try #require(proposed(feed(&c, now: 1_000)))
        #expect(!c.takesStates(backlog: 0))  // a proposal is out
    }

    @Test func aKeptStateIsReplacedOnlyByANewerOne() {
        func arrived(seq: UInt64, at observed: Nanos) -> Coordinator.ArrivedState {
            Coordinator.ArrivedState(state: Fixture.state("a", balance: 1, seq: seq, at: observed), digest: [], arrival: 0)
        }
        #expect(arrived(seq: 2, at: 10).replaces(arrived(seq: 1, at: 10)))
        #expect(arrived(seq: 1, at: 11).replaces(arrived(seq: 1, at: 10)))
        #expect(!arrived(seq: 1, at: 10).replaces(arrived(seq: 1, at: 10)))
        #expect(!arrived(seq: 1, at: 9).replaces(arrived(seq: 2, at: 10)))
    }

    @Test func onlyAnApprovalOfTheOutstandingPlanIsWorthASignatureCheck() throws {
        var c = coordinator()
        func ballot(_ seq: UInt64, _ decision: VoteDecision) -> Vote {
            Vote(verifier: "verifier-1", planSeq: seq, planDigest: [1], decision: decision, signature: [7])
        }
        #expect(c.digestToCheck(for: ballot(1, .approve)) == nil)  // nothing outstanding
        let plan = try #require(proposed(feed(&c, now: 1_000)))
        #expect(c.digestToCheck(for: ballot(plan.planSeq, .approve)) == Fixture.digest(plan))
        #expect(c.digestToCheck(for: ballot(plan.planSeq + 1, .approve)) == nil)
        #expect(c.digestToCheck(for: ballot(plan.planSeq, .reject)) == nil)
        #expect(c.digestToCheck(for: ballot(plan.planSeq, .abstain)) == nil)
    }
}

@Suite struct CoordinatorHoldTests {
    @Test func proposesNothingWhileHeldAndResumesAfter() {
        var c = Coordinator(topology: Fixture.topology(), strategy: GreedyThresholdStrategy(), lastPlanSeq: 0, digest: Fixture.digest)
        c.setHold(.quorumUnreachable(alive: 1, of: 4, needed: 3, silent: ["verifier-2", "verifier-3", "verifier-4"]))
        var out: [Coordinator.Directive] = []
        out += c.on(.state(Fixture.state("b", balance: 500_000_00, at: 1), digest: [2]), now: 1)
        out += c.on(.state(Fixture.state("a", balance: 150_000_00, at: 1), digest: [1]), now: 1)
        #expect(out.isEmpty)
        c.setHold(nil)
        let resumed = c.on(.tick, now: 2)
        guard case let .propose(plan)? = resumed.first else { Issue.record("expected a proposal: \(resumed)"); return }
        #expect(plan.planSeq == 1)
    }
}

/// Issue 14: the coordinator decides on the states that arrive, not on a tick, and a burst of
/// states is planned on once.
@Suite struct CoordinatorEventDrivenTests {
    let topology = Fixture.topology()

    func coordinator() -> Coordinator {
        Coordinator(topology: topology, strategy: GreedyThresholdStrategy(), lastPlanSeq: 0, digest: Fixture.digest)
    }

    func arrived(_ venue: String, balance: Amount, at: Nanos, digest: UInt8) -> Coordinator.ArrivedState {
        Coordinator.ArrivedState(state: Fixture.state(venue, balance: balance, at: at), digest: [digest], arrival: at + 100)
    }

    @Test func proposesOnTheStateThatArrivesWithoutATick() throws {
        var c = coordinator()
        #expect(c.on(.state(Fixture.state("b", balance: 500_000_00, at: 1_000), digest: [2]), now: 1_000).isEmpty)
        #expect(c.on(.state(Fixture.state("c", balance: 300_000_00, at: 1_000), digest: [3]), now: 1_000).isEmpty)
        let directives = c.on(.state(Fixture.state("a", balance: 150_000_00, at: 2_000), digest: [1]), now: 2_000)
        guard case let .propose(plan)? = directives.first else { Issue.record("no proposal on the state: \(directives)"); return }
        #expect(plan.triggerVenue == "a")
        #expect(plan.triggerObservedAt == 2_000)
    }

    @Test func plansOnceOnABurstOfStatesFromItsOldest() throws {
        var c = coordinator()
        let burst = [
            arrived("b", balance: 500_000_00, at: 1_000, digest: 2), arrived("a", balance: 150_000_00, at: 1_200, digest: 1),
            arrived("c", balance: 300_000_00, at: 1_400, digest: 3),
        ]
        let directives = c.on(.states(burst), now: 2_000)
        let proposals = directives.compactMap { d -> Plan? in if case let .propose(plan) = d { plan } else { nil } }
        #expect(proposals.count == 1)
        #expect(proposals.first?.triggerVenue == "b", "measured from the oldest state of the burst")
        #expect(c.receivedAt["c"] == 1_500, "each state is fresh as of its arrival")
        #expect(c.on(.states(burst), now: 3_000).isEmpty, "the same states again are not news")
    }
}
