extension Verifier {
    /// An approval decided and not yet signed: the shell persists it, then reports `.persisted`.
    public struct Approval: Sendable, Equatable {
        /// The plan approved.
        public let plan: Plan
        /// Its digest, which the signature will cover.
        public let digest: [UInt8]
    }

    /// What happens to a verifier.
    public enum Event: Sendable {
        /// A watcher-signed venue state arrived.
        case observed(VenueState)
        /// A listed coordinator was heard (any authenticated message from it).
        case coordinatorHeard
        /// A proposal from a listed coordinator, its basis states' signatures checked.
        case proposal(Plan, digest: [UInt8], basis: [VenueID: BasisState])
        /// The ledger durably holds the approval: sign and answer.
        case persisted(Approval)
        /// The ledger refused the approval (`refused: true`: it already holds this sequence with
        /// another digest, or a higher one) or failed to write it (`refused: false`).
        case persistFailed(Approval, refused: Bool, detail: String)
        /// Time passed (the tick the last `.scheduleTick` asked for).
        case tick
    }

    /// What the shell must do.
    public enum Directive: Sendable, Equatable {
        /// Record the approval durably, then deliver `.persisted` (or `.persistFailed`). Nothing is
        /// signed or sent before: a verifier never signs what it might forget.
        case persist(Approval)
        /// Answer the proposal: sign the digest when the verdict approves.
        case vote(planSeq: UInt64, digest: [UInt8], verdict: Verdict)
        /// No coordinator was heard for longer than the staleness bound (said once until it is back).
        case coordinatorSilent(forMs: Int64)
        /// A coordinator is heard again after a silence.
        case coordinatorBack
        /// The node's readiness, each tick: ready while a coordinator is heard.
        case readiness(ready: Bool, reason: String)
        /// Send a heartbeat to every coordinator, carrying the last signed sequence.
        case heartbeat(lastSignedSeq: UInt64)
        /// Deliver the next `.tick` after this many nanoseconds.
        case scheduleTick(after: Nanos)
    }

    /// How often a verifier ticks: once a heartbeat (it heartbeats and checks its coordinator's silence).
    public static func tickInterval(_ topology: Topology) -> Nanos { topology.timing.heartbeatMs * Nanos.perMillisecond }
}

extension Verifier.State {
    /// Takes one event at `now` and returns what the shell must do, in order.
    public mutating func on(_ event: Verifier.Event, now: Nanos) -> [Verifier.Directive] {
        switch event {
        case let .observed(state):
            observe(state, now: now)
            return []
        case .coordinatorHeard:
            let wasSilent = coordinatorSilent
            coordinatorSeen = now
            coordinatorSilent = false
            return wasSilent ? [.coordinatorBack] : []
        case let .proposal(plan, digest, basis):
            switch decide(plan, digest: digest, basis: basis, now: now) {
            case let .answer(verdict): return [.vote(planSeq: plan.planSeq, digest: digest, verdict: verdict)]
            case let .persist(approval): return [.persist(approval)]
            }
        case let .persisted(approval):
            commit(approval, now: now)
            return [.vote(planSeq: approval.plan.planSeq, digest: approval.digest, verdict: .approve)]
        case let .persistFailed(approval, refused, detail):
            let verdict: Verifier.Verdict = refused
                ? .reject(.seqNotIncreasing, "the ledger refused planSeq \(approval.plan.planSeq): \(detail)")
                : .abstain(.ledgerFailed, "cannot record the approval: \(detail)")
            return [.vote(planSeq: approval.plan.planSeq, digest: approval.digest, verdict: verdict)]
        case .tick:
            return tick(now: now)
        }
    }

    private mutating func tick(now: Nanos) -> [Verifier.Directive] {
        let seen = coordinatorSeen ?? now
        coordinatorSeen = seen
        let silence = now - seen
        let bound = topology.timing.staleAfterMs * Nanos.perMillisecond
        var directives: [Verifier.Directive] = []
        if !coordinatorSilent, silence > bound {
            coordinatorSilent = true
            directives.append(.coordinatorSilent(forMs: silence / Nanos.perMillisecond))
        }
        directives.append(.readiness(ready: silence <= bound, reason: "coordinator not heard for \(silence / Nanos.perMillisecond) ms"))
        directives.append(.heartbeat(lastSignedSeq: lastSigned?.seq ?? 0))
        directives.append(.scheduleTick(after: Verifier.tickInterval(topology)))
        return directives
    }
}
