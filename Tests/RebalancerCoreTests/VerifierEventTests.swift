import Testing
@testable import RebalancerCore

/// The verifier core's one shape, `on(_:now:) -> [Directive]`: signing in two steps (decide,
/// persist, commit), a ledger failure answered as what it is, and coordinator silence.
@Suite struct VerifierEventTests {
    let rules = VerifierRuleTests()
    var now: Nanos { rules.now }

    /// A verifier whose view holds the fixture states, received just now.
    func verifier() -> Verifier.State {
        var state = Verifier.State(topology: rules.topology, lastSigned: nil)
        for venue in rules.states.values { _ = state.on(.observed(venue), now: now - 100) }
        return state
    }

    func proposal(seq: UInt64 = 1, digest: [UInt8] = [1]) -> Verifier.Event {
        .proposal(rules.plan([rules.good], seq: seq), digest: digest, basis: rules.basis(rules.states))
    }

    @Test func anApprovalIsPersistedBeforeItIsCommittedOrAnswered() throws {
        var v = verifier()
        let decided = v.on(proposal(), now: now)
        guard case let .persist(approval)? = decided.first, decided.count == 1 else {
            Issue.record("expected one persist directive: \(decided)")
            return
        }
        #expect(v.lastSigned == nil, "nothing is committed before the ledger holds it")
        #expect(v.signedOutflows.isEmpty)
        let answered = v.on(.persisted(approval), now: now)
        #expect(answered == [.vote(planSeq: 1, digest: [1], verdict: .approve)])
        #expect(v.lastSigned?.seq == 1)
        #expect(v.signedOutflows.count == 1)
    }

    @Test func aLedgerWriteFailureIsReportedAsOneAndChangesNothing() throws {
        var v = verifier()
        guard case let .persist(approval)? = v.on(proposal(), now: now).first else {
            Issue.record("expected a persist directive")
            return
        }
        let answered = v.on(.persistFailed(approval, refused: false, detail: "disk I/O error"), now: now)
        guard case let .vote(_, _, verdict)? = answered.first else {
            Issue.record("expected a vote: \(answered)")
            return
        }
        #expect(verdict.decision == .abstain)
        #expect(verdict.rule == .ledgerFailed)
        #expect(v.lastSigned == nil)
        // Nothing was committed, so the same plan can be approved once the ledger works again.
        guard case .persist? = v.on(proposal(), now: now).first else {
            Issue.record("expected the retry to be decided again")
            return
        }
    }

    @Test func aLedgerRefusalIsASequenceRefusal() throws {
        var v = verifier()
        guard case let .persist(approval)? = v.on(proposal(), now: now).first else {
            Issue.record("expected a persist directive")
            return
        }
        let answered = v.on(.persistFailed(approval, refused: true, detail: "planSeq 1 not above signed 7"), now: now)
        guard case let .vote(_, _, verdict)? = answered.first else {
            Issue.record("expected a vote: \(answered)")
            return
        }
        #expect(verdict.decision == .reject)
        #expect(verdict.rule == .seqNotIncreasing)
    }

    @Test func aRetryOfTheSignedPlanIsAnsweredAtOnceAndAnotherDigestIsRefused() throws {
        var v = verifier()
        guard case let .persist(approval)? = v.on(proposal(), now: now).first else {
            Issue.record("expected a persist directive")
            return
        }
        _ = v.on(.persisted(approval), now: now)
        #expect(v.on(proposal(), now: now) == [.vote(planSeq: 1, digest: [1], verdict: .approve)])
        let other = v.on(proposal(digest: [2]), now: now)
        guard case let .vote(_, _, verdict)? = other.first else {
            Issue.record("expected a vote: \(other)")
            return
        }
        #expect(verdict.rule == .seqNotIncreasing)
    }

    @Test func coordinatorSilenceIsSaidOnceAndItsReturnToo() {
        var v = verifier()
        let bound = rules.topology.timing.staleAfterMs * Nanos.perMillisecond
        #expect(v.on(.tick, now: now).contains(.readiness(ready: true, reason: "coordinator not heard for 0 ms")))
        let silent = v.on(.tick, now: now + bound + Nanos.perMillisecond)
        #expect(silent.first == .coordinatorSilent(forMs: rules.topology.timing.staleAfterMs + 1))
        #expect(silent.contains(.heartbeat(lastSignedSeq: 0)))
        #expect(silent.contains { if case .readiness(false, _) = $0 { true } else { false } })
        #expect(!v.on(.tick, now: now + 2 * bound).contains { if case .coordinatorSilent = $0 { true } else { false } })
        #expect(v.on(.coordinatorHeard, now: now + 2 * bound) == [.coordinatorBack])
        #expect(v.on(.coordinatorHeard, now: now + 2 * bound).isEmpty)
    }
}

/// The coordinator's verifier liveness: the hold while fewer than the quorum are heard.
@Suite struct VerifierLivenessTests {
    @Test func holdsUntilAQuorumIsHeardSaysWhenItIsLostAndWhenItReturns() {
        let topology = Fixture.topology()
        let second = Nanos.perSecond
        var liveness = VerifierLiveness(topology: topology)
        #expect(liveness.check(now: 0).hold == .starting)
        for id in ["verifier-1", "verifier-2", "verifier-3"] { liveness.heard(id, now: second) }
        let reached = liveness.check(now: second)
        #expect(reached.hold == nil)
        #expect(reached.change == .reached(alive: ["verifier-1", "verifier-2", "verifier-3"], again: false))
        #expect(liveness.check(now: second).change == nil)
        liveness.heard("verifier-1", now: 10 * second)
        liveness.heard("verifier-2", now: 10 * second)
        let lost = liveness.check(now: 10 * second)
        let hold = Coordinator.Hold.quorumUnreachable(alive: 2, of: 4, needed: 3, silent: ["verifier-3", "verifier-4"])
        #expect(lost.hold == hold)
        #expect(lost.change == .lost(hold, everReached: true))
        #expect(liveness.check(now: 10 * second).change == nil, "said once")
        liveness.heard("verifier-4", now: 11 * second)
        #expect(liveness.check(now: 11 * second).change == .reached(alive: ["verifier-1", "verifier-2", "verifier-4"], again: true))
    }
}
