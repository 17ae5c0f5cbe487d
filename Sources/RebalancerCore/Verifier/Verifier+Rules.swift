extension Verifier {
    /// The verifier's rules, one function each, in the order `check` applies them. Each returns
    /// the verdict of its failure, or nil (or what the next rules need) when the plan passes it.
    enum Rules {
        /// A failed rule, as an error so a rule that also computes something can return either.
        struct Failed: Error {
            let verdict: Verdict
        }

        /// The involved venues with what the rules after the basis check read: the topology's
        /// entry, the checked basis state and the verifier's own fresh view of each.
        struct Checked {
            struct Venue {
                let config: Topology.Venue
                let basis: VenueState
                let own: VenueState
            }

            let venues: [VenueID: Venue]
            /// Every basis state of the proposal, signed or not, for the recomputation.
            let basisStates: [VenueID: VenueState]
        }

        /// What the plan moves: out of each source, and credited (after fees) to each destination.
        struct Flows {
            var outflow: [VenueID: Amount] = [:]
            var inflow: [VenueID: Amount] = [:]
        }

        /// Rule 1: the plan's topology and epoch, its expiry and lifetime, its sequence, not empty.
        static func identity(_ plan: Plan, _ c: Context) -> Verdict? {
            let topology = c.topology
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
            return nil
        }

        /// Rule 2: every involved venue is in the topology, has exactly one basis reference backed by
        /// a watcher-signed state, and the verifier's own view of it is fresh and not far ahead.
        static func basis(_ plan: Plan, _ basis: [VenueID: BasisState], _ c: Context) -> Result<Checked, Failed> {
            let topology = c.topology
            let involved = Set(plan.transfers.flatMap { [$0.from, $0.to] })
            var configs: [VenueID: Topology.Venue] = [:]
            for venue in involved {
                guard let config = topology.venue(venue) else { return .failure(Failed(verdict: .reject(.unknownRoute, "unknown venue \(venue)"))) }
                configs[venue] = config
            }
            let refs = Dictionary(plan.basis.map { ($0.venue, $0) }, uniquingKeysWith: { first, _ in first })
            guard refs.count == plan.basis.count else { return .failure(Failed(verdict: .reject(.basisInvalid, "duplicate basis venue"))) }
            var signed: [VenueID: VenueState] = [:]
            for venue in involved {
                guard let ref = refs[venue], let b = basis[venue] else {
                    return .failure(Failed(verdict: .reject(.basisInvalid, "no basis state for \(venue)")))
                }
                guard b.signedByWatcher, b.digest == ref.digest, b.state.venue == venue, b.state.seq == ref.seq else {
                    return .failure(Failed(verdict: .reject(.basisInvalid, "basis state for \(venue) does not match its reference or signature")))
                }
                signed[venue] = b.state
            }
            let staleAfter = topology.timing.staleAfterMs * Nanos.perMillisecond
            let tolerance = topology.timing.basisToleranceMs * Nanos.perMillisecond
            var venues: [VenueID: Checked.Venue] = [:]
            for venue in involved.sorted() {
                guard let own = c.view[venue], let received = c.viewReceivedAt[venue], c.now - received <= staleAfter,
                      let state = signed[venue], let config = configs[venue] else {
                    return .failure(Failed(verdict: .abstain(.viewStale, "own view of \(venue) missing or stale")))
                }
                guard own.observedAt - state.observedAt <= tolerance else {
                    return .failure(Failed(verdict: .reject(.basisStale, "basis of \(venue) lags own view by \((own.observedAt - state.observedAt) / Nanos.perMillisecond) ms")))
                }
                venues[venue] = Checked.Venue(config: config, basis: state, own: own)
            }
            return .success(Checked(venues: venues, basisStates: basis.mapValues(\.state)))
        }

        /// Rule 3a: positive amounts, no self-transfers, only the topology's routes between venues of
        /// one asset, within route capacity and the per-transfer cap, from venues that allow withdrawals.
        static func conservation(_ plan: Plan, _ checked: Checked, _ c: Context) -> Result<Flows, Failed> {
            let topology = c.topology
            var flows = Flows()
            for t in plan.transfers {
                guard t.amount > 0, t.from != t.to else { return .failure(Failed(verdict: .reject(.badAmount, "\(t.from)->\(t.to) \(t.amount)"))) }
                guard let route = topology.route(from: t.from, to: t.to),
                      let src = checked.venues[t.from], let dst = checked.venues[t.to], src.config.asset == dst.config.asset
                else { return .failure(Failed(verdict: .reject(.unknownRoute, "no route \(t.from)->\(t.to)"))) }
                guard t.amount <= route.capacity else { return .failure(Failed(verdict: .reject(.limitExceeded, "route capacity \(t.from)->\(t.to)"))) }
                guard t.amount <= topology.limits.perTransferCap else { return .failure(Failed(verdict: .reject(.limitExceeded, "per-transfer cap"))) }
                guard src.own.withdrawalsEnabled, src.basis.withdrawalsEnabled else {
                    return .failure(Failed(verdict: .reject(.venueUnavailable, "withdrawals disabled at \(t.from)")))
                }
                flows.outflow[t.from, default: 0] += t.amount
                flows.inflow[t.to, default: 0] += t.amount - route.fee(for: t.amount)
            }
            return .success(flows)
        }

        /// Rule 3b: no source drawn below its floor or zero, in the basis and in the own view, counting
        /// what this verifier already approved out of it; within each venue's withdrawal limit.
        static func floors(_ flows: Flows, _ checked: Checked, _ c: Context) -> Verdict? {
            for (venue, out) in flows.outflow.sorted(by: { $0.key < $1.key }) {
                guard let entry = checked.venues[venue] else { return .reject(.unknownRoute, "unknown venue \(venue)") }
                let bands = Bands(venue: entry.config)
                for (state, virtual) in [(entry.basis, c.virtual), (entry.own, c.virtualOwnView ?? c.virtual)] {
                    let after = state.balance - out - (virtual[venue]?.outbound ?? 0)
                    guard after >= 0, after >= bands.floor(state) else {
                        return .reject(.floorBreached, "\(venue) would hold \(after) below floor \(bands.floor(state))")
                    }
                }
                guard out <= entry.config.withdrawalLimit else { return .reject(.limitExceeded, "withdrawal limit of \(venue)") }
            }
            return nil
        }

        /// Rule 4a: capital goes only where it is needed (by the plan's own strategy's bands), never
        /// well beyond the target, and the total shortfall goes down.
        static func need(_ plan: Plan, _ flows: Flows, _ checked: Checked, _ c: Context) -> Verdict? {
            let topology = c.topology
            let policy = PolicyCheck.policyTopology(strategy: plan.strategy, basis: checked.basisStates, topology: topology, virtual: c.virtual) ?? topology
            var before: Amount = 0
            var after: Amount = 0
            for (venue, entry) in checked.venues.sorted(by: { $0.key < $1.key }) {
                let config = policy.venue(venue) ?? entry.config
                let state = entry.basis
                let target = Bands(venue: config).target(state)
                // Capital this verifier already approved and not yet visible counts: a plan replayed
                // under a new sequence, or a second plan for the same need, funds nothing twice.
                let now = state.balance + state.pendingIn + (c.virtual[venue]?.inbound ?? 0) - (c.virtual[venue]?.outbound ?? 0)
                let then = now - (flows.outflow[venue] ?? 0) + (flows.inflow[venue] ?? 0)
                if let credited = flows.inflow[venue] {
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
            return nil
        }

        /// Rule 4b: recomputing the plan deterministically from the same basis with the plan's own
        /// strategy, the proposal is about as good, and better than doing nothing.
        ///
        /// A proposal within tolerance of a proven lower bound on the recomputed plan's objective
        /// (`PolicyCheck.lowerBound`, one linear program) is within tolerance of that plan too,
        /// so the full recomputation (the optimizer's search) runs only when the bound does not
        /// settle it: the verdict is the same either way.
        static func objective(_ plan: Plan, _ checked: Checked, _ c: Context) -> Verdict? {
            let topology = c.topology
            let states = checked.basisStates
            guard PolicyCheck.strategy(named: plan.strategy) != nil else {
                return .reject(.objectiveMismatch, "unknown strategy \(plan.strategy)")
            }
            let objective = PolicyCheck.objective(of: plan.transfers, basis: states, topology: topology, strategy: plan.strategy, virtual: c.virtual)
            let idle = PolicyCheck.objective(of: [], basis: states, topology: topology, strategy: plan.strategy, virtual: c.virtual)
            guard objective < idle else {
                return .reject(.noImprovement, "objective \(objective) not below doing nothing \(idle)")
            }
            if let bound = PolicyCheck.lowerBound(strategy: plan.strategy, basis: states, topology: topology, virtual: c.virtual),
               objective <= bound * (1 + Verifier.objectiveTolerance) + Verifier.objectiveSlack {
                return nil
            }
            guard let recomputed = PolicyCheck.recompute(strategy: plan.strategy, basis: states, topology: topology, virtual: c.virtual) else {
                return .reject(.objectiveMismatch, "unknown strategy \(plan.strategy)")
            }
            guard objective <= recomputed.objective * (1 + Verifier.objectiveTolerance) + Verifier.objectiveSlack else {
                return .reject(.objectiveMismatch, "objective \(objective) vs recomputed \(recomputed.objective)")
            }
            return nil
        }

        /// Rule 5: per-route, per-venue and global outflow over the sliding window, counting what
        /// this verifier already signed.
        static func window(_ plan: Plan, _ flows: Flows, _ c: Context) -> Verdict? {
            let limits = c.topology.limits
            let windowStart = c.now - limits.windowSeconds * Nanos.perSecond
            var venueWindow: [VenueID: Amount] = [:]
            var routeWindow: [String: Amount] = [:]
            var globalWindow: Amount = 0
            for record in c.signedOutflows where record.at >= windowStart {
                venueWindow[record.transfer.from, default: 0] += record.transfer.amount
                routeWindow["\(record.transfer.from)>\(record.transfer.to)", default: 0] += record.transfer.amount
                globalWindow += record.transfer.amount
            }
            for t in plan.transfers where routeWindow["\(t.from)>\(t.to)", default: 0] + t.amount > limits.perRouteOutflow {
                return .reject(.limitExceeded, "per-route outflow window of \(t.from)->\(t.to)")
            }
            for (venue, out) in flows.outflow.sorted(by: { $0.key < $1.key }) where venueWindow[venue, default: 0] + out > limits.perVenueOutflow {
                return .reject(.limitExceeded, "per-venue outflow window of \(venue)")
            }
            guard globalWindow + flows.outflow.values.reduce(0, +) <= limits.globalNotional else {
                return .reject(.limitExceeded, "global notional window")
            }
            return nil
        }
    }
}
