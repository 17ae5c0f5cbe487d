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
        let topology = c.topology
        // 1. Authorship (checked by the shell on the envelope), topology, epoch, expiry, sequence.
        guard plan.topologyID == topology.id, plan.epoch == topology.epoch else {
            return .reject(.wrongTopology, "plan for \(plan.topologyID)/\(plan.epoch)")
        }
        guard c.now < plan.expiresAt else { return .reject(.expired, "expired") }
        let maxTTL = topology.timing.planTTLms * Nanos.perMillisecond
        guard plan.expiresAt - c.now <= maxTTL, plan.expiresAt - plan.createdAt <= maxTTL else {
            return .reject(.expired, "lifetime above the \(topology.timing.planTTLms) ms bound")
        }
        guard plan.planSeq > c.lastSignedSeq else {
            return .reject(.seqNotIncreasing, "planSeq \(plan.planSeq) <= last signed \(c.lastSignedSeq)")
        }
        guard !plan.transfers.isEmpty else { return .reject(.noImprovement, "empty plan") }

        // 2. Basis: every reference backed by a watcher-signed state, fresh against our own view.
        let involved = Set(plan.transfers.flatMap { [$0.from, $0.to] })
        for venue in involved where topology.venue(venue) == nil {
            return .reject(.unknownRoute, "unknown venue \(venue)")
        }
        let refs = Dictionary(plan.basis.map { ($0.venue, $0) }, uniquingKeysWith: { first, _ in first })
        guard refs.count == plan.basis.count else { return .reject(.basisInvalid, "duplicate basis venue") }
        for venue in involved {
            guard let ref = refs[venue], let b = basis[venue] else {
                return .reject(.basisInvalid, "no basis state for \(venue)")
            }
            guard b.signedByWatcher, b.digest == ref.digest, b.state.venue == venue, b.state.seq == ref.seq else {
                return .reject(.basisInvalid, "basis state for \(venue) does not match its reference or signature")
            }
        }
        let staleAfter = topology.timing.staleAfterMs * Nanos.perMillisecond
        let tolerance = topology.timing.basisToleranceMs * Nanos.perMillisecond
        for venue in involved.sorted() {
            guard let own = c.view[venue], let received = c.viewReceivedAt[venue], c.now - received <= staleAfter else {
                return .abstain(.viewStale, "own view of \(venue) missing or stale")
            }
            let b = basis[venue]!.state
            guard own.observedAt - b.observedAt <= tolerance else {
                return .reject(.basisStale, "basis of \(venue) lags own view by \((own.observedAt - b.observedAt) / Nanos.perMillisecond) ms")
            }
        }

        // 3. Conservation and safety.
        var outflow: [VenueID: Amount] = [:]
        var inflow: [VenueID: Amount] = [:]
        for t in plan.transfers {
            guard t.amount > 0, t.from != t.to else { return .reject(.badAmount, "\(t.from)->\(t.to) \(t.amount)") }
            guard let route = topology.route(from: t.from, to: t.to),
                  let src = topology.venue(t.from), let dst = topology.venue(t.to), src.asset == dst.asset
            else { return .reject(.unknownRoute, "no route \(t.from)->\(t.to)") }
            guard t.amount <= route.capacity else { return .reject(.limitExceeded, "route capacity \(t.from)->\(t.to)") }
            guard t.amount <= topology.limits.perTransferCap else { return .reject(.limitExceeded, "per-transfer cap") }
            guard c.view[t.from]?.withdrawalsEnabled == true, basis[t.from]!.state.withdrawalsEnabled else {
                return .reject(.venueUnavailable, "withdrawals disabled at \(t.from)")
            }
            outflow[t.from, default: 0] += t.amount
            inflow[t.to, default: 0] += t.amount - route.fee(for: t.amount)
        }
        for (venue, out) in outflow {
            let config = topology.venue(venue)!
            let bands = Bands(venue: config)
            for state in [basis[venue]!.state, c.view[venue]!] {
                let after = state.balance - out - (c.virtual[venue]?.outbound ?? 0)
                guard after >= 0, after >= bands.floor(state) else {
                    return .reject(.floorBreached, "\(venue) would hold \(after) below floor \(bands.floor(state))")
                }
            }
            guard out <= config.withdrawalLimit else { return .reject(.limitExceeded, "withdrawal limit of \(venue)") }
        }

        // 4. Policy: capital goes only where it is needed (by the plan's own strategy's bands), and
        // the plan reduces the total shortfall.
        let basisStates = basis.mapValues(\.state)
        let policy = PolicyCheck.policyTopology(strategy: plan.strategy, basis: basisStates, topology: topology, virtual: c.virtual) ?? topology
        var before: Amount = 0
        var after: Amount = 0
        for venue in involved {
            let config = policy.venue(venue) ?? topology.venue(venue)!
            let state = basis[venue]!.state
            let target = Bands(venue: config).target(state)
            // Capital this verifier already approved and not yet visible counts: a plan replayed
            // under a new sequence, or a second plan for the same need, funds nothing twice.
            let now = state.balance + state.pendingIn + (c.virtual[venue]?.inbound ?? 0) - (c.virtual[venue]?.outbound ?? 0)
            let then = now - (outflow[venue] ?? 0) + (inflow[venue] ?? 0)
            if let credited = inflow[venue] {
                guard now < target else { return .reject(.noImprovement, "\(venue) already holds its target") }
                // Rounding and fee gross-up leave a little over; anything beyond this slack is inflated.
                let slack = max(Amount(Double(target - now) * Verifier.overfundingTolerance), 100_00)
                guard now + credited <= target + slack else {
                    return .reject(.overfunded, "\(venue) needs \(target - now), plan credits \(credited)")
                }
            }
            before += max(0, target - now)
            // A venue that lends from inside its band (it stays at or above its lower band) creates
            // no need: its shortfall counts as before, as the optimizer's formulation assumes.
            let lower = Amount((Double(state.maintenanceMargin) * config.lowerBand).rounded(.up))
            let lends = then < now && then >= lower
            after += lends ? max(0, target - now) : max(0, target - then)
        }
        guard after < before else { return .reject(.noImprovement, "shortfall \(before) -> \(after)") }

        // Recompute the plan deterministically from the same basis with the plan's own strategy:
        // the proposal must be about as good, and better than doing nothing.
        guard let recomputed = PolicyCheck.recompute(strategy: plan.strategy, basis: basisStates, topology: topology, virtual: c.virtual) else {
            return .reject(.objectiveMismatch, "unknown strategy \(plan.strategy)")
        }
        let objective = PolicyCheck.objective(of: plan.transfers, basis: basisStates, topology: topology, strategy: plan.strategy, virtual: c.virtual)
        let idle = PolicyCheck.objective(of: [], basis: basisStates, topology: topology, strategy: plan.strategy, virtual: c.virtual)
        guard objective < idle else {
            return .reject(.noImprovement, "objective \(objective) not below doing nothing \(idle)")
        }
        guard objective <= recomputed.objective * (1 + Verifier.objectiveTolerance) + Verifier.objectiveSlack else {
            return .reject(.objectiveMismatch, "objective \(objective) vs recomputed \(recomputed.objective)")
        }

        // 5. Limits over the sliding window, counting what this verifier already signed.
        let windowStart = c.now - topology.limits.windowSeconds * Nanos.perSecond
        var venueWindow: [VenueID: Amount] = [:]
        var routeWindow: [String: Amount] = [:]
        var globalWindow: Amount = 0
        for record in c.signedOutflows where record.at >= windowStart {
            venueWindow[record.transfer.from, default: 0] += record.transfer.amount
            routeWindow["\(record.transfer.from)>\(record.transfer.to)", default: 0] += record.transfer.amount
            globalWindow += record.transfer.amount
        }
        for t in plan.transfers where routeWindow["\(t.from)>\(t.to)", default: 0] + t.amount > topology.limits.perRouteOutflow {
            return .reject(.limitExceeded, "per-route outflow window of \(t.from)->\(t.to)")
        }
        for (venue, out) in outflow where venueWindow[venue, default: 0] + out > topology.limits.perVenueOutflow {
            return .reject(.limitExceeded, "per-venue outflow window of \(venue)")
        }
        guard globalWindow + outflow.values.reduce(0, +) <= topology.limits.globalNotional else {
            return .reject(.limitExceeded, "global notional window")
        }
        return .approve
    }
}
