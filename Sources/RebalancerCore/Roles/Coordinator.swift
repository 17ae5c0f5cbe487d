/// The coordinator's decision logic: a value driven by events that returns directives.
///
/// It keeps the latest verified state of every venue, plans when a venue leaves its band, sends
/// one proposal at a time to the verifiers, and approves a plan once `quorum` verifiers have
/// signed the same digest. The shell journals an approved plan durably before it publishes it.
public struct Coordinator: Sendable {
    /// What happened.
    public enum Event: Sendable {
        /// A watcher-signed state arrived (its signature already checked).
        case state(VenueState, digest: [UInt8])
        /// Watcher-signed states (signatures checked) that arrived while the coordinator was busy,
        /// oldest first, each with its arrival: taken in order, then planned on once.
        case states([ArrivedState])
        /// A verifier's vote arrived; `validApproval` says whether its signature over `digest` verified.
        case vote(Vote, validApproval: Bool)
        /// The executor reported a transfer failed.
        case transferFailed(id: String)
        /// An executor reported the source venue accepted transfer `id`.
        case transferSubmitted(id: String)
        /// An executor reported transfer `id` settled.
        case transferSettled(id: String)
        /// A verifier's heartbeat said the highest planSeq it has signed (its ledger's last).
        case verifierSigned(NodeID, lastSigned: UInt64)
        /// Another listed coordinator published this approved plan (the shell checked its
        /// signature and its quorum): its capital is in flight, and the sequence continues after it.
        case followed(Plan)
        /// The shell could not journal the plan of an `.approve` (so did not publish it): the
        /// chain of approved plans goes on from the one before it.
        case approvalNotJournaled(Plan)
        /// An executor handed back an approved plan the journal had lost, now journaled again:
        /// asking the executors to refill the journal ends.
        case restored(planSeq: UInt64)
        /// An approved plan this coordinator did not approve: from another coordinator's feed or
        /// handed back by an executor, with the verifiers whose signature over it verified.
        case received(Plan, Received, validSigners: Set<NodeID>)
        /// Another listed coordinator's signed heartbeat, claiming to lead or not.
        case peerHeartbeat(NodeID, leads: Bool)
        /// The coordination service (etcd) says `holder` holds the leadership lease (nil: nobody)
        /// and that this answer stands until `validUntil`.
        case lease(holder: NodeID?, validUntil: Nanos)
        /// The coordination service cannot be reached: silence and order decide who leads.
        case leaseUnreachable
        /// Time passed (the tick the last `.scheduleTick` asked for).
        case tick
    }

    /// What to do.
    public enum Directive: Sendable, Equatable {
        /// Send this plan to every verifier.
        case propose(Plan)
        /// Journal durably, then publish, this plan with these approvals; `previousPlanSeq` (the
        /// approved plan before it) lets an executor see a gap at once.
        case approve(Plan, [ApprovalSignature], previousPlanSeq: UInt64)
        /// The proposal failed: rejected by too many verifiers, or quorum unreachable before expiry.
        case abandon(Plan, reason: AbandonReason)
        /// A transfer has not settled by its deadline.
        case overdue(id: String, transfer: Transfer)
        /// An approved transfer's plan expired and its source venue never saw it: it will not happen.
        case unexecuted(id: String, transfer: Transfer)
        /// The verifiers have signed above this coordinator's sequence (its journal was lost or
        /// restored from an old copy): the next plan continues after `to`. Reserve it durably.
        case sequenceRaised(from: UInt64, to: UInt64)
        /// A standby follows the leader's sequence: reserve `planSeq` durably, quietly (normal).
        case reserve(planSeq: UInt64)
        /// Ask every executor for the approved plans it recorded after `after` (the journal's
        /// last): refilling a journal that was lost or restored from an old copy.
        case askExecutors(after: UInt64)
        /// Publish a heartbeat (to the executors' feed and to every verifier) carrying the
        /// highest approved planSeq.
        case heartbeat(lastPlanSeq: UInt64)
        /// Publish the signed verifier-set rotations again, for executors that missed them.
        case relayRotations
        /// Deliver the next `.tick` after this many nanoseconds.
        case scheduleTick(after: Nanos)
        /// Plan on the current view (`planAfterApproval`) once every directive before this one is
        /// carried out: what follows an event that approved a plan, so the optimizer never runs
        /// between a quorum and the approval's publication.
        case planAgain
        /// Journal this received approved plan exactly as it came, then report `.followed` (from a
        /// peer) or `.restored` (handed back).
        case journalReceived(Plan, Received)
        /// A received approved plan without a quorum of valid signatures: not journaled.
        case receivedWithoutQuorum(Plan, Received, validSigners: Int)
        /// What this tick's standing check found (a coordinator made with `init(me:)`): count,
        /// log and report readiness from it.
        case standing(StandingReport)
        /// The coordination service's answer changed who holds the lease, or whether it answers: log it.
        case lease(LeaseNews)
    }

    /// A watcher-signed state and when it arrived.
    public struct ArrivedState: Sendable {
        /// The state.
        public var state: VenueState
        /// The digest of its watcher envelope.
        public var digest: [UInt8]
        /// When it arrived.
        public var arrival: Nanos

        /// Creates one.
        public init(state: VenueState, digest: [UInt8], arrival: Nanos) {
            self.state = state
            self.digest = digest
            self.arrival = arrival
        }

        /// Whether this state should take the place of `kept`, kept for the same venue: unless
        /// `kept` is at least as new by both sequence and observation time.
        public func replaces(_ kept: ArrivedState) -> Bool {
            !(kept.state.seq >= state.seq && kept.state.observedAt >= state.observedAt)
        }
    }

    /// Where the outstanding proposal stands.
    public struct Outstanding: Sendable {
        /// The plan.
        public var plan: Plan
        /// Its digest.
        public var digest: [UInt8]
        /// Approvals so far, by verifier.
        public var approvals: [NodeID: [UInt8]] = [:]
        /// Rejections and abstentions so far, by verifier, with reason.
        public var refusals: [NodeID: String] = [:]
    }

    /// The deployment.
    public let topology: Topology
    /// Venues whose states list our transfer ids: those of the simulated market (no adapter, or
    /// `simulated`). For them an executor's report counts only a grace after it (`InFlightBook.apply`).
    let listingVenues: Set<VenueID>
    /// The planning strategy.
    public let strategy: any Strategy
    /// The latest state per venue.
    public private(set) var states: [VenueID: VenueState] = [:]
    /// Digest of the watcher envelope of each latest state.
    public private(set) var digests: [VenueID: [UInt8]] = [:]
    /// When each latest state arrived.
    public private(set) var receivedAt: [VenueID: Nanos] = [:]
    /// Transfers approved and not yet reflected everywhere.
    public private(set) var inFlight = InFlightBook()
    /// The proposal waiting for votes.
    public private(set) var outstanding: Outstanding?
    /// The last plan sequence used; the next plan takes the one after it.
    public private(set) var lastPlanSeq: UInt64
    /// The highest approved planSeq: approved here (from its `.approve`, put back by
    /// `.approvalNotJournaled`), followed or restored. The `previousPlanSeq` of the next approval,
    /// and what heartbeats carry.
    public private(set) var lastApproved: UInt64
    /// Asking the executors to refill the journal, while it lasts.
    var refill: Refill?
    /// Liveness and leadership, when this coordinator decides its own hold.
    var standing: Standing?
    /// When the rotations are next relayed (nil before the first tick).
    var nextRelayAt: Nanos?
    /// No new plan before this instant (after an abandoned proposal).
    public private(set) var quietUntil: Nanos = 0

    /// How long the coordinator proposes nothing after a proposal failed, so the verifiers' views
    /// and its own catch up (a `basis_stale` refusal is one publication apart): a heartbeat, at
    /// most 500 ms. On a 100-venue topology (2 s heartbeat) a whole heartbeat of silence let the
    /// losing legs be liquidated 0.4 s after a refusal with no plan allowed out.
    var quietAfterFailure: Nanos { min(topology.timing.heartbeatMs, 500) * Nanos.perMillisecond }
    /// While set, no plan is proposed: the reason (for example, too few verifiers alive).
    public internal(set) var hold: Hold?
    /// The highest planSeq each verifier reports having signed, from its heartbeats.
    public private(set) var signedByVerifier: [NodeID: UInt64] = [:]
    /// The venue whose change prompted the next plan, and when its watcher saw it.
    private var trigger: (VenueID, Nanos)?
    /// The `previousPlanSeq` of each approval not yet known journaled, for `.approvalNotJournaled`.
    private var unjournaled: [UInt64: UInt64] = [:]
    /// Computes plan digests (SHA-256 lives in the wire module).
    private let digest: @Sendable (Plan) -> [UInt8]

    /// Creates a coordinator that continues after `lastPlanSeq`, its journal's last approved plan
    /// being `lastApproved`. Whatever the journal missed while this coordinator was down (or all of
    /// it, if its disk was lost) the executors still hold: it asks them, a few times, from there.
    public init(topology: Topology, strategy: any Strategy, lastPlanSeq: UInt64, lastApproved: UInt64 = 0, digest: @escaping @Sendable (Plan) -> [UInt8]) {
        self.topology = topology
        listingVenues = Set(topology.venues.filter { $0.adapter?.isSimulated ?? true }.map(\.id))
        self.strategy = strategy
        self.lastPlanSeq = lastPlanSeq
        self.lastApproved = lastApproved
        self.digest = digest
        refill = Refill(after: lastApproved)
    }

    /// Handles one event at `now`.
    public mutating func on(_ event: Event, now: Nanos) -> [Directive] {
        var out: [Directive] = []
        if standingEvent(event, now: now) { return leaseNews(event) }
        switch event {
        case .peerHeartbeat, .lease, .leaseUnreachable:
            return []
        case let .received(plan, source, signers):
            return receive(plan, from: source, validSigners: signers)
        case let .state(state, stateDigest):
            guard take(ArrivedState(state: state, digest: stateDigest, arrival: now)) else { return [] }
        case let .states(arrived):
            guard arrived.map({ take($0) }).contains(true) else { return [] }
        case let .vote(vote, validApproval):
            out += record(vote, validApproval: validApproval, now: now)
        case let .transferFailed(id):
            inFlight.fail(id: id)
        case let .transferSubmitted(id):
            inFlight.submitted(id: id, at: now)
        case let .transferSettled(id):
            inFlight.settled(id: id, at: now)
        case let .verifierSigned(verifier, lastSigned):
            out += raiseSequence(verifier, lastSigned: lastSigned, now: now)
        case let .followed(plan):
            inFlight.add(plan: plan, topology: topology, now: now)
            lastPlanSeq = max(lastPlanSeq, plan.planSeq)
            lastApproved = max(lastApproved, plan.planSeq)
            if let pending = outstanding, pending.plan.planSeq <= plan.planSeq {
                // Verifiers that signed the other plan refuse this sequence: it cannot be approved.
                outstanding = nil
                out.append(.abandon(pending.plan, reason: .superseded(by: plan.planSeq)))
            }
        case let .approvalNotJournaled(plan):
            if let previous = unjournaled[plan.planSeq], lastApproved == plan.planSeq { lastApproved = previous }
            unjournaled[plan.planSeq] = nil
        case let .restored(planSeq):
            lastApproved = max(lastApproved, planSeq)
            refill = nil
        case .tick:
            out += checkStanding(now: now)
        }
        out += expireOutstanding(now: now)
        out += inFlight.flagOverdue(now: now).map { .overdue(id: $0.id, transfer: $0.transfer) }
        out += inFlight.dropUnexecuted(now: now, grace: InFlightBook.unexecutedGrace(topology), states: states)
            .map { .unexecuted(id: $0.id, transfer: $0.transfer) }
        // An event that approved a plan plans only after the approval is published (`.planAgain`,
        // last), so the optimizer never runs between a quorum and its publication.
        let approved = out.contains { if case .approve = $0 { true } else { false } }
        if !approved { out += planIfNeeded(now: now) }
        if case .tick = event { out += cadence(now: now) }
        if approved { out.append(.planAgain) }
        return out
    }

    /// Plans on the current view, as `on` does after every event but one that approved a plan:
    /// the shell calls it when it reaches the `.planAgain` that such an event ends with.
    public mutating func planAfterApproval(now: Nanos) -> [Directive] { planIfNeeded(now: now) }

    /// Takes a state into the view unless it is not newer than the one held; true if taken.
    private mutating func take(_ arrived: ArrivedState) -> Bool {
        let state = arrived.state
        if let current = states[state.venue], current.seq >= state.seq, current.observedAt >= state.observedAt { return false }
        states[state.venue] = state
        digests[state.venue] = arrived.digest
        receivedAt[state.venue] = arrived.arrival
        if trigger == nil { trigger = (state.venue, state.observedAt) }
        return true
    }

    /// The planSeq every approved plan is at or below, as far as the verifiers' reports prove it:
    /// with `r` of the `n` verifiers reporting, any plan approved by `quorum` signers had at least
    /// `r + quorum - n` of them among the reporters, so the `(r + quorum - n)`-th highest report is
    /// at or above it. Taking that one rather than the highest ignores up to that many minus one
    /// inflated reports (a lying verifier cannot push the sequence to its end). Nil until the
    /// reports cover a quorum.
    public var sequenceFloor: UInt64? {
        let members = Set(topology.verifiers.map(\.id))
        let reports = signedByVerifier.filter { members.contains($0.key) }.values.sorted(by: >)
        let rank = reports.count + topology.quorum - members.count
        guard reports.count >= topology.quorum, rank >= 1 else { return nil }
        return reports[rank - 1]
    }

    private mutating func raiseSequence(_ verifier: NodeID, lastSigned: UInt64, now: Nanos) -> [Directive] {
        guard topology.verifiers.contains(where: { $0.id == verifier }) else { return [] }
        signedByVerifier[verifier] = lastSigned
        guard let floor = sequenceFloor, floor > lastPlanSeq else { return [] }
        let from = lastPlanSeq
        lastPlanSeq = floor
        // A standby's sequence trails the leader's signed proposals all the time: normal (what it
        // missed while down was asked of the executors at its start).
        if case .standby = hold { return [.reserve(planSeq: floor)] }
        // What the executors recorded above the journal's last approved plan comes back.
        refill = Refill(after: lastApproved, attempts: 1, nextAt: now + heartbeat)
        return [.sequenceRaised(from: from, to: floor), .askExecutors(after: lastApproved)]
    }

    /// Holds planning for `reason`, or resumes it with nil.
    public mutating func setHold(_ reason: Hold?) { hold = reason }

    /// The planner's view: latest states, staleness, capital in flight.
    public func views(now: Nanos) -> [VenueID: VenueView] {
        var views = baseViews(now: now)
        var book = inFlight
        book.apply(to: &views, listing: listingVenues, grace: InFlightBook.unexecutedGrace(topology))
        return views
    }

    private func baseViews(now: Nanos) -> [VenueID: VenueView] {
        let staleAfter = topology.timing.staleAfterMs * Nanos.perMillisecond
        var views: [VenueID: VenueView] = [:]
        for (venue, state) in states {
            views[venue] = VenueView(state: state, stale: now - (receivedAt[venue] ?? 0) > staleAfter)
        }
        return views
    }

    private mutating func planIfNeeded(now: Nanos) -> [Directive] {
        guard outstanding == nil, now >= quietUntil, hold == nil else { return [] }
        var current = baseViews(now: now)
        // Adjusts for capital in flight, prunes what both ends reflect.
        inFlight.apply(to: &current, listing: listingVenues, grace: InFlightBook.unexecutedGrace(topology))
        let transfers = strategy.plan(views: current, topology: topology)
        guard !transfers.isEmpty else {
            trigger = nil
            return []
        }
        lastPlanSeq += 1
        // A strategy whose bands read the whole book rests its plan on every venue's state.
        let involved = strategy.plansFromWholeBook ? Set(states.keys) : Set(transfers.flatMap { [$0.from, $0.to] })
        let basis = involved.sorted().compactMap { venue -> BasisRef? in
            guard let state = states[venue], let d = digests[venue] else { return nil }
            return BasisRef(venue: venue, seq: state.seq, observedAt: state.observedAt, digest: d)
        }
        let (triggerVenue, triggerAt) = trigger ?? (transfers[0].to, states[transfers[0].to]?.observedAt ?? now)
        trigger = nil
        let plan = Plan(
            topologyID: topology.id, epoch: topology.epoch, planSeq: lastPlanSeq, createdAt: now,
            expiresAt: now + topology.timing.planTTLms * Nanos.perMillisecond, transfers: transfers,
            basis: basis, triggerVenue: triggerVenue, triggerObservedAt: triggerAt, strategy: strategy.name
        )
        outstanding = Outstanding(plan: plan, digest: digest(plan))
        return [.propose(plan)]
    }

    private mutating func record(_ vote: Vote, validApproval: Bool, now: Nanos) -> [Directive] {
        guard var pending = outstanding, vote.planSeq == pending.plan.planSeq,
              topology.verifiers.contains(where: { $0.id == vote.verifier })
        else { return [] }
        switch vote.decision {
        case .approve:
            guard validApproval, vote.planDigest == pending.digest else {
                pending.refusals[vote.verifier] = "invalid_approval"
                break
            }
            pending.approvals[vote.verifier] = vote.signature
        case .reject, .abstain:
            pending.refusals[vote.verifier] = "\(vote.decision.rawValue):\(vote.reason)"
        }
        outstanding = pending
        if pending.approvals.count >= topology.quorum {
            outstanding = nil
            inFlight.add(plan: pending.plan, topology: topology, now: now)
            let approvals = pending.approvals.sorted { $0.key < $1.key }.prefix(topology.quorum)
                .map { ApprovalSignature(verifier: $0.key, signature: $0.value) }
            // The chain moves on now; `.approvalNotJournaled` puts it back if the journal refuses.
            let previous = lastApproved
            lastApproved = max(lastApproved, pending.plan.planSeq)
            unjournaled = unjournaled.filter { $0.key > previous }
            unjournaled[pending.plan.planSeq] = previous
            return [.approve(pending.plan, approvals, previousPlanSeq: previous)]
        }
        let undecided = topology.verifiers.count - pending.approvals.count - pending.refusals.count
        if pending.approvals.count + undecided < topology.quorum {
            outstanding = nil
            quietUntil = now + quietAfterFailure
            return [.abandon(pending.plan, reason: .rejected(refusals: pending.refusals))]
        }
        return []
    }

    private mutating func expireOutstanding(now: Nanos) -> [Directive] {
        guard let pending = outstanding, now >= pending.plan.expiresAt else { return [] }
        outstanding = nil
        quietUntil = now + quietAfterFailure
        let missing = topology.verifiers.map(\.id).filter { pending.approvals[$0] == nil && pending.refusals[$0] == nil }
        return [.abandon(pending.plan, reason: .quorumUnreachable(approvals: pending.approvals.count, quorum: topology.quorum, missing: missing))]
    }
}
