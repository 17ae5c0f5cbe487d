extension Verifier {
    /// One verifier's memory: its own view from the watchers and what it has signed.
    ///
    /// The shell persists `lastSigned` durably before it sends an approval, and restores it on
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

        /// Judges a proposal. An approval is recorded here; the shell must persist it before answering.
        public mutating func judge(_ plan: Plan, digest: [UInt8], basis: [VenueID: BasisState], now: Nanos) -> Verdict {
            if let last = lastSigned, last.seq == plan.planSeq {
                // The same plan again (a retry): answer as before. Another plan under this sequence: never.
                return last.digest == digest ? .approve : .reject(.seqNotIncreasing, "planSeq \(plan.planSeq) already signed with another digest")
            }
            var context = Context(
                topology: topology, view: view, viewReceivedAt: receivedAt, lastSignedSeq: lastSigned?.seq ?? 0,
                signedOutflows: signedOutflows, now: now
            )
            context.virtual = virtualCapital(now: now, basis: basis.mapValues(\.state))
            let verdict = Verifier.check(plan, basis: basis, context: context)
            if verdict.decision == .approve {
                lastSigned = (plan.planSeq, digest)
                let windowStart = now - topology.limits.windowSeconds * Nanos.perSecond
                signedOutflows.removeAll { $0.at < windowStart }
                signedOutflows += plan.transfers.map { SignedOutflow(at: now, transfer: $0) }
                approvedInFlight.add(plan: plan, topology: topology, now: now)
            }
            return verdict
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
