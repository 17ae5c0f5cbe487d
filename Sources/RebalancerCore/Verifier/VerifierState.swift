extension Verifier {
    /// One verifier's memory: its own view from the watchers and what it has signed.
    ///
    /// Signing takes two steps (`on(_:now:)`): an approval is decided, persisted by the shell, and
    /// only then committed here and answered. The shell persists `lastSigned` durably before it sends an approval, and restores it on
    /// start, so that the verifier never signs two digests for one planSeq, nor one below it.
    public struct State: Sendable {
        /// The deployment.
        public let topology: Topology
        /// The latest state per venue, straight from its watcher.
        public private(set) var view: [VenueID: VenueState] = [:]
        /// When each state of the view arrived.
        public private(set) var receivedAt: [VenueID: Nanos] = [:]
        /// The last plan signed: its sequence and digest.
        public private(set) var lastSigned: (seq: UInt64, digest: [UInt8])?
        /// Transfers signed within the limits window.
        public private(set) var signedOutflows: [SignedOutflow] = []
        /// Transfers this verifier approved that the venue states do not show as settled yet.
        public private(set) var approvedInFlight = InFlightBook()
        /// The highest planSeq each coordinator proposed to this verifier.
        public private(set) var proposedBy: [NodeID: UInt64] = [:]
        /// When a coordinator was last heard (nil before the first tick or message: the clock starts then).
        public internal(set) var coordinatorSeen: Nanos?
        /// True once the coordinator's silence was reported, until it is heard again.
        public internal(set) var coordinatorSilent = false

        /// Creates a verifier's state, restoring what it signed before a restart.
        public init(topology: Topology, lastSigned: (seq: UInt64, digest: [UInt8])?, signedOutflows: [SignedOutflow] = []) {
            self.topology = topology
            self.lastSigned = lastSigned
            self.signedOutflows = signedOutflows
        }

        /// Takes a watcher-signed state into the view; older states are ignored.
        public mutating func observe(_ state: VenueState, now: Nanos) {
            // A re-published copy (same sequence) is not news: it must not make a silent venue look fresh.
            if let current = view[state.venue], current.observedAt > state.observedAt || current.seq == state.seq { return }
            view[state.venue] = state
            receivedAt[state.venue] = now
        }

        /// A proposal of `planSeq` arrived from `coordinator`.
        public mutating func proposed(_ planSeq: UInt64, by coordinator: NodeID) {
            proposedBy[coordinator] = max(proposedBy[coordinator] ?? 0, planSeq)
        }

        /// A signed heartbeat from `coordinator` says its last approved plan is `lastApproved`.
        /// Proposals and heartbeats come over one ordered connection, and a coordinator proposes
        /// only once the plan before is decided: a heartbeat that arrives after proposal `P` was
        /// sent after every plan below `P` was decided, so one above `lastApproved` and below `P`
        /// was not approved. Its transfers are marked, and forgotten once their sources show the
        /// capital never left (`InFlightBook.dropAbandoned`), instead of counted as on their way
        /// until the plan expires: on 100 venues a refused plan made every later plan funding the
        /// same venue `overfunded` for the 5 s of its life plus two heartbeats.
        public mutating func coordinatorSaid(lastApproved: UInt64, by coordinator: NodeID, now: Nanos) {
            guard let proposed = proposedBy[coordinator], proposed > lastApproved + 1 else { return }
            approvedInFlight.markAbandoned(now: now) { $0 > lastApproved && $0 < proposed }
        }

        /// Judges a proposal and, on approval, commits it at once: for callers without a ledger
        /// (tests, the offline tools). The role uses `on(_:now:)`, which persists before it commits.
        public mutating func judge(_ plan: Plan, digest: [UInt8], basis: [VenueID: BasisState], now: Nanos) -> Verdict {
            let decision = decide(plan, digest: digest, basis: basis, now: now)
            if case let .persist(approval) = decision { commit(approval, now: now) }
            return decision.verdict
        }

        /// What a proposal gets: an answer now, or an approval to persist before it is answered.
        enum Decision {
            case answer(Verdict)
            case persist(Approval)

            var verdict: Verdict {
                switch self {
                case let .answer(verdict): verdict
                case .persist: .approve
                }
            }
        }

        /// Decides on a proposal without signing anything: the first step of signing. (It forgets
        /// approved transfers that settled or expired, as every judgement does.)
        mutating func decide(_ plan: Plan, digest: [UInt8], basis: [VenueID: BasisState], now: Nanos) -> Decision {
            if let last = lastSigned, last.seq == plan.planSeq {
                // The same plan again (a retry): answer as before, it is already durable. Another
                // plan under this sequence: never.
                return .answer(last.digest == digest ? .approve : .reject(.seqNotIncreasing, "planSeq \(plan.planSeq) already signed with another digest"))
            }
            var context = Context(
                topology: topology, view: view, viewReceivedAt: receivedAt, lastSignedSeq: lastSigned?.seq ?? 0,
                signedOutflows: signedOutflows, now: now
            )
            context.virtual = virtualCapital(now: now, basis: basis.mapValues(\.state))
            context.virtualOwnView = countedInFlight(against: [:])
            let verdict = Verifier.check(plan, basis: basis, context: context)
            guard verdict.decision == .approve else { return .answer(verdict) }
            return .persist(Approval(plan: plan, digest: digest))
        }

        /// Takes a durably recorded approval into the state: the last step of signing.
        mutating func commit(_ approval: Approval, now: Nanos) {
            lastSigned = (approval.plan.planSeq, approval.digest)
            let windowStart = now - topology.limits.windowSeconds * Nanos.perSecond
            signedOutflows.removeAll { $0.at < windowStart }
            signedOutflows += approval.plan.transfers.map { SignedOutflow(at: now, transfer: $0) }
            approvedInFlight.add(plan: approval.plan, topology: topology, now: now)
        }

        /// What this verifier approved that the states a plan is judged on do not show yet, per
        /// venue: the plan's `basis` states where it has them, its own view elsewhere. The plan's
        /// objective is computed from the basis, so capital in flight must be counted against the
        /// basis too: a basis newer than the verifier's own view may already list a transfer as
        /// pending at its destination, and counting it again as virtual would see the destination
        /// funded twice and refuse a plan the coordinator rightly made. Forgets what both ends show
        /// settled and what expired unexecuted.
        mutating func virtualCapital(now: Nanos, basis: [VenueID: VenueState] = [:]) -> [VenueID: (inbound: Amount, outbound: Amount)] {
            _ = approvedInFlight.dropUnexecuted(now: now, grace: InFlightBook.unexecutedGrace(topology), states: view)
            _ = approvedInFlight.dropAbandoned(states: view)
            return countedInFlight(against: basis)
        }

        /// What this verifier approved that `basis` (its own view elsewhere) does not show yet, per
        /// venue; forgets what both ends show settled.
        private mutating func countedInFlight(against basis: [VenueID: VenueState]) -> [VenueID: (inbound: Amount, outbound: Amount)] {
            var states = view
            for (venue, state) in basis { states[venue] = state }
            var views = states.mapValues { VenueView(state: $0) }
            approvedInFlight.apply(to: &views)
            return views.compactMapValues { v in
                v.virtualIn == 0 && v.virtualOut == 0 ? nil : (inbound: v.virtualIn, outbound: v.virtualOut)
            }
        }
    }
}
