extension Verifier {
    /// A basis state as the verifier received it inside a proposal, its watcher signature already checked.
    public struct BasisState: Sendable, Equatable {
        /// The decoded state.
        public var state: VenueState
        /// The digest of the watcher's signed envelope.
        public var digest: [UInt8]
        /// True when the envelope's signature verified under the venue's watcher key.
        public var signedByWatcher: Bool

        /// Creates a basis state.
        public init(state: VenueState, digest: [UInt8], signedByWatcher: Bool) {
            self.state = state
            self.digest = digest
            self.signedByWatcher = signedByWatcher
        }
    }

    /// Everything one check needs, passed in so the check is a pure function.
    public struct Context: Sendable {
        /// The deployment.
        public var topology: Topology
        /// The verifier's own latest view, straight from the watchers.
        public var view: [VenueID: VenueState]
        /// When the verifier received each state of its view.
        public var viewReceivedAt: [VenueID: Nanos]
        /// The last plan sequence this verifier signed.
        public var lastSignedSeq: UInt64
        /// Outflows this verifier has signed for, with the time it signed them.
        public var signedOutflows: [SignedOutflow]
        /// Now, from the caller's clock.
        public var now: Nanos
        /// Capital this verifier already approved that the states do not show yet, per venue.
        public var virtual: [VenueID: (inbound: Amount, outbound: Amount)] = [:]
        /// The same, counted against the verifier's own view alone (nil: `virtual`): what its own
        /// states already show is not subtracted from them again. A basis older than the own view
        /// does not list a transfer the own view already shows leaving; counted against the basis
        /// and subtracted from the own view, it was subtracted twice (on 100 venues, `floor_breached`
        /// refusals of sources that held enough).
        public var virtualOwnView: [VenueID: (inbound: Amount, outbound: Amount)]?

        /// Creates a context.
        public init(topology: Topology, view: [VenueID: VenueState], viewReceivedAt: [VenueID: Nanos], lastSignedSeq: UInt64, signedOutflows: [SignedOutflow], now: Nanos) {
            self.topology = topology
            self.view = view
            self.viewReceivedAt = viewReceivedAt
            self.lastSignedSeq = lastSignedSeq
            self.signedOutflows = signedOutflows
            self.now = now
        }
    }

    /// One transfer this verifier approved, for the sliding-window limits.
    public struct SignedOutflow: Sendable, Equatable, Codable {
        /// When the verifier signed it.
        public var at: Nanos
        /// The transfer.
        public var transfer: Transfer

        /// Creates a record.
        public init(at: Nanos, transfer: Transfer) {
            self.at = at
            self.transfer = transfer
        }
    }

    /// Relative tolerance between a plan's objective and the verifier's recomputation.
    public static let objectiveTolerance = 0.05
    /// Absolute slack on the objective comparison (objective units: cents).
    public static let objectiveSlack = 100_00.0

    /// How far above its target a plan may fill a destination, as a fraction of the shortfall.
    public static let overfundingTolerance = 0.05

    /// Checks a plan against every rule, in order, and returns the first that fails.
    public static func check(_ plan: Plan, basis: [VenueID: BasisState], context c: Context) -> Verdict {
        // 1. Authorship (checked by the shell on the envelope), topology, epoch, expiry, sequence.
        if let failed = Rules.identity(plan, c) { return failed }
        // 2. Basis: every reference backed by a watcher-signed state, fresh against our own view.
        let checked: Rules.Checked
        switch Rules.basis(plan, basis, c) {
        case let .failure(failed): return failed.verdict
        case let .success(value): checked = value
        }
        // 3. Conservation and safety.
        let flows: Rules.Flows
        switch Rules.conservation(plan, checked, c) {
        case let .failure(failed): return failed.verdict
        case let .success(value): flows = value
        }
        if let failed = Rules.floors(flows, checked, c) { return failed }
        // 4. Policy: capital only where it is needed, less shortfall, about as good as a recomputation.
        if let failed = Rules.need(plan, flows, checked, c) { return failed }
        if let failed = Rules.objective(plan, checked, c) { return failed }
        // 5. Limits over the sliding window, counting what this verifier already signed.
        if let failed = Rules.window(plan, flows, c) { return failed }
        return .approve
    }
}
