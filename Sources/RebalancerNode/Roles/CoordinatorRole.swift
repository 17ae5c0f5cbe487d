import Foundation
import Logging
import RebalancerCore
import RebalancerWire
import ZeroMQ

/// The coordinator's shell: it feeds verified states and votes to the `Coordinator` core and
/// carries out its directives: proposals to every verifier, approved plans journaled durably and
/// only then published, and a replay endpoint for executors that missed some.
public actor CoordinatorRole: RoleHandler {
    let runtime: NodeRuntime
    let journal: CoordinatorJournal
    var core: Coordinator
    private var latestEnvelope: [VenueID: Envelope] = [:]
    var heartbeatSeq: UInt64 = 0
    /// Whether the venues' target and band gauges have been set (once, on the first tick).
    private var targetsRecorded = false
    private let proposals: SocketLoop.Handle
    private let plans: SocketLoop.Handle
    let replay: SocketLoop.Handle
    private let watcherStates: WatcherStates
    /// Watcher state frames admitted but not opened: the newest per venue, their signatures
    /// checked when the core is about to plan on them (votes never wait behind that work).
    private var unopened = PendingStates()
    /// Verified watcher states not handed to the core yet, the newest per venue: kept while a
    /// proposal is out or more messages wait, then planned on once.
    private var arrived: [VenueID: Coordinator.ArrivedState] = [:]
    /// The signed envelopes of `arrived`, moved to `latestEnvelope` when the core takes them.
    private var arrivedEnvelopes: [VenueID: Envelope] = [:]
    /// The newest watcher sequence per venue whose `coordinator_received` hop is recorded.
    private var hopRecordedSeq: [VenueID: UInt64] = [:]
    private let voteOpener: EnvelopeOpener
    let replayOpener: EnvelopeOpener
    private let statusOpener: EnvelopeOpener
    /// The leadership lease in etcd, when the topology names a coordination service.
    private let campaign: LeaseCampaign?
    private var campaignTask: Task<Void, Never>?
    /// Why the coordination service could not be reached, the last time it could not (for the log).
    private var leaseError = ""
    /// The `plans` feed of every other listed coordinator: their heartbeats (alive, leading) and
    /// the approved plans a standby follows into its own journal.
    private let peerFeeds: Set<SocketLoop.Handle>
    let peerOpener: EnvelopeOpener
    /// The heartbeat counter that says whether its sender leads (1) or stands by (0).
    static let leadsCounter = "coordinator.leads"
    /// The executors' CURVE keys (Z85), the only connections a plan may be handed back over.
    let executorTransportKeys: Set<String>
    /// Accepts approved plans signed by a listed coordinator (this one or another), handed back by an executor.
    let ownPlanOpener: EnvelopeOpener
    /// When the core wants its next tick.
    public private(set) var nextTick: Duration?
    /// Directives not yet carried out, in the order the core gave them: a journal write is
    /// awaited (off the cooperative pool), and what the core decided meanwhile waits its turn.
    private var pending: [Coordinator.Directive] = []
    private var applying = false
    /// The stages of the state or vote being handled (`REBALANCER_TRACE`).
    private var trace: StageTrace?
    /// The highest plan sequence the journal holds as used: a proposal at or below it needs no
    /// journal write before it leaves (its sequence is already durable, never to be reused).
    private var reservedThrough: UInt64
    /// How far ahead of the last proposal the journal reserves sequences, between events (a tick),
    /// so the decision path writes nothing before a proposal. A restart continues above the
    /// reservation: the sequences skipped are never used, as a rejected plan's are not.
    static let reserveAhead: UInt64 = 64

    /// Runs on the node's executor (the socket thread): a state is planned on, a quorum journaled
    /// and the plan published there, without a hand-off to another thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { runtime.executor.asUnownedSerialExecutor() }

    /// Sets up the sockets and continues the plan sequence after the journal's highest.
    private let rotations: [Envelope]

    /// `rotations` are signed verifier-set rotations (`rebalancer rotation`) to relay to executors.
    public init(runtime: NodeRuntime, journal: CoordinatorJournal, strategy: any Strategy, rotations: [[UInt8]] = []) throws {
        let topology = runtime.topology
        self.runtime = runtime
        self.journal = journal
        self.rotations = rotations.map { Envelope.sealing(payload: $0, type: .rotation, sender: runtime.node.id, key: runtime.signer) }
        let lastSeq = try journal.lastPlanSeq()
        reservedThrough = lastSeq
        let approvedSeq = try journal.lastApproved()
        // The core holds every proposal until a quorum of verifiers has been heard and this coordinator leads.
        core = Coordinator(me: runtime.node.id, topology: topology, strategy: strategy, lastPlanSeq: lastSeq, lastApproved: approvedSeq, digest: { WireDigest.plan($0) })
        nextTick = .nanoseconds(Coordinator.tickInterval(topology))
        let watchers = topology.nodes(.watcher)
        watcherStates = WatcherStates(topology: topology)
        voteOpener = EnvelopeOpener(senders: topology.signingKeys(of: .verifier), types: [.vote, .heartbeat])
        let executors = topology.nodes(.executor)
        replayOpener = EnvelopeOpener(senders: topology.signingKeys(of: .executor), types: [.replayRequest])
        statusOpener = EnvelopeOpener(senders: topology.signingKeys(of: .executor), types: [.transferStatus, .heartbeat])
        executorTransportKeys = Set(topology.nodes(.executor).map { Z85.encode($0.curveKey) })
        ownPlanOpener = EnvelopeOpener(senders: Dictionary(uniqueKeysWithValues: topology.coordinators.map { ($0.id, $0.signingKey) }), types: [.approvedPlan])
        let peers = topology.coordinators.filter { $0.id != runtime.node.id }
        peerOpener = EnvelopeOpener(senders: Dictionary(uniqueKeysWithValues: peers.map { ($0.id, $0.signingKey) }), types: [.approvedPlan, .heartbeat])
        campaign = LeaseCampaign(topology: runtime.deployment, me: runtime.node.id)
        proposals = try runtime.bind(.router, endpoint: "proposals", receive: true)
        plans = try runtime.bind(.pub, endpoint: "plans", receive: false)
        replay = try runtime.bind(.router, endpoint: "replay", receive: true)
        // One socket hears every watcher (newest state per venue kept while busy).
        try runtime.subscribe(to: watchers, endpoint: "feed", subscribe: [Topic.statePrefix], conflate: true)
        for executor in executors { try runtime.connect(.sub, to: executor, endpoint: "status", subscribe: [Topic.status]) }
        peerFeeds = Set(try peers.map { try runtime.connect(.sub, to: $0, endpoint: "plans", subscribe: [Topic.plan, Topic.heartbeat]) })
        runtime.logger.info("journal opened", metadata: ["last_plan_seq": "\(lastSeq)", "last_approved": "\(approvedSeq)", "strategy": "\(strategy.name)"])
    }

    public func handle(_ inbound: SocketLoop.Inbound) async {
        if StageTrace.enabled { trace = StageTrace(receivedAt: inbound.receivedAt) }
        defer { trace = nil }
        if peerFeeds.contains(inbound.handle) {
            await onPeer(inbound)
        } else {
            switch inbound.handle {
            case proposals: await onVerifierMessage(inbound)
            case replay: await onReplayRequest(inbound)
            default: await onFeed(inbound)
            }
        }
        // Plan on the states that arrived as soon as nothing else waits and no proposal is out:
        // at once when a state comes alone, once for a burst.
        if core.takesStates(backlog: runtime.transport.backlog) { await planOnArrived() }
    }

    /// Hands the kept states to the core together, oldest first, to be planned on once: the
    /// frames kept unopened are opened first (a bad signature is counted as a drop).
    private func planOnArrived() async {
        let frames = unopened.takeAll()
        for frame in frames {
            guard let (opened, state) = watcherStates.confirm(frame, runtime: runtime) else { continue }
            // A watcher's heartbeat re-sends its last state (the same bytes): not news, so not a
            // decision hop (its age is the heartbeat's, not the path's).
            if state.seq > (hopRecordedSeq[state.venue] ?? 0) {
                hopRecordedSeq[state.venue] = state.seq
                runtime.decisionHop(.coordinatorReceived, since: state.observedAt)
            }
            if StageTrace.enabled { traceArrival(state, frame: frame, of: frames.count) }
            runtime.recordVenue(state)
            let candidate = Coordinator.ArrivedState(state: state, digest: opened.digest, arrival: frame.arrival)
            if let kept = arrived[state.venue], !candidate.replaces(kept) { continue }
            arrived[state.venue] = candidate
            arrivedEnvelopes[state.venue] = opened.envelope
        }
        guard !arrived.isEmpty else { return }
        let states = arrived.values.sorted { $0.arrival < $1.arrival }
        arrived = [:]
        // The envelopes a proposal carries are those of the states the core holds, no newer.
        latestEnvelope.merge(arrivedEnvelopes) { _, new in new }
        arrivedEnvelopes = [:]
        trace?.mark("opened")
        let directives = core.on(.states(states), now: runtime.clock.now())
        trace?.mark("planned")
        let proposes = directives.contains { if case .propose = $0 { true } else { false } }
        // A planning that proposed nothing is traced too: it is what a trigger may wait behind.
        if !proposes { trace?.log(runtime.logger, "planning", planSeq: core.lastPlanSeq, executor: runtime.executor) }
        await apply(directives)
    }

    /// Logs where a state's time went before the core got it (`REBALANCER_TRACE`), on the node's
    /// clock: the watcher's observation to the frame admitted here, that to its signature checked.
    private func traceArrival(_ state: VenueState, frame: PendingStates.Frame, of opened: Int) {
        let now = runtime.clock.now()
        runtime.logger.info("trace", metadata: [
            "what": "arrival", "venue": "\(state.venue)", "seq": "\(state.seq)", "observed_to_admitted_us": "\((frame.arrival - state.observedAt) / 1000)",
            "admitted_to_opened_us": "\((now - frame.arrival) / 1000)", "opened_together": "\(opened)",
        ])
    }

    private func onFeed(_ inbound: SocketLoop.Inbound) async {
        guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle) }
        let topic = String(decoding: inbound.frames[0], as: UTF8.self)
        if topic.hasPrefix(Topic.statePrefix) {
            // Admitted (a drop counted) on arrival and kept unopened, the newest per venue; its
            // signature is checked once nothing else waits and the core is about to plan on it.
            guard let frame = watcherStates.admit(inbound.frames[1], from: inbound.handle, runtime: runtime) else { return }
            if unopened.keep(frame) { runtime.counters.increment("states.conflated") }
        } else if topic == Topic.status {
            guard let opened = runtime.open(inbound.frames[1], with: statusOpener, from: inbound.handle) else { return }
            guard opened.type == .transferStatus else {
                _ = runtime.decode(opened, as: WireHeartbeat.self, from: inbound.handle)
                return
            }
            guard let status = runtime.decode(opened, as: WireTransferStatus.self, from: inbound.handle) else { return }
            if status.state == .failed {
                runtime.logger.warning("transfer failed", metadata: [
                    "executor": "\(opened.sender)", "id": "\(LogText.quoted(status.transferID))", "detail": "\(LogText.quoted(status.detail, limit: 200))",
                ])
                await apply(core.on(.transferFailed(id: status.transferID), now: runtime.clock.now()))
            } else if status.state == .submitted {
                await apply(core.on(.transferSubmitted(id: status.transferID), now: runtime.clock.now()))
            } else if status.state == .settled {
                await apply(core.on(.transferSettled(id: status.transferID), now: runtime.clock.now()))
            }
        } else {
            runtime.drop(.badFraming, from: inbound.handle)
        }
    }

    private func onVerifierMessage(_ inbound: SocketLoop.Inbound) async {
        guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle, peer: inbound.peerUserID) }
        guard let opened = runtime.open(inbound.frames[1], with: voteOpener, from: inbound.handle, peer: inbound.peerUserID) else { return }
        // The ROUTER identity is the verifier's claimed id; the signature proves it.
        guard String(decoding: inbound.frames[0], as: UTF8.self) == opened.sender else {
            return runtime.drop(.unknownSender, from: inbound.handle, sender: opened.sender, type: opened.type, peer: inbound.peerUserID)
        }
        guard opened.type == .vote else {
            guard let hb = runtime.decode(opened, as: WireHeartbeat.self, from: inbound.handle, peer: inbound.peerUserID) else { return }
            // A verifier's heartbeat carries the highest planSeq it has signed: a journal that
            // was lost or restored from an old copy continues above what a quorum has signed.
            await apply(core.on(.verifierSigned(opened.sender, lastSigned: hb.lastPlanSeq), now: runtime.clock.now()))
            return
        }
        let now = runtime.clock.now()
        guard let wire = runtime.decode(opened, as: WireVote.self, from: inbound.handle, peer: inbound.peerUserID) else { return }
        guard let decision = VoteDecision(wire: wire.decision) else {
            return runtime.drop(.malformedPayload, from: inbound.handle, sender: opened.sender, type: opened.type, peer: inbound.peerUserID)
        }
        let vote = Vote(verifier: opened.sender, planSeq: wire.planSeq, planDigest: Array(wire.planDigest), decision: decision, reason: wire.reason, signature: Array(wire.approval))
        trace?.mark("opened")
        var valid = false
        // The core says which approvals could count: only those are worth a signature check.
        if let digest = core.digestToCheck(for: vote), let key = voteOpener.senders[opened.sender] {
            valid = SignatureCheck.isValid(vote.signature, of: digest, publicKey: key)
        }
        runtime.counters.increment("votes.\(decision.rawValue)")
        if let pending = core.outstanding, pending.plan.planSeq == wire.planSeq { runtime.decisionHop(.voteReceived, since: pending.plan.triggerObservedAt) }
        let directives = core.on(.vote(vote, validApproval: valid), now: now)
        trace?.mark("counted")
        await apply(directives)
    }

    /// What the lease campaign found (off the decision path, between events).
    private func onLease(_ outcome: LeaseCampaign.Outcome) async {
        switch outcome {
        case let .leased(holder, validUntil):
            await apply(core.on(.lease(holder: holder, validUntil: validUntil), now: runtime.clock.now()))
        case let .unreachable(reason):
            runtime.counters.increment("leadership.lease_unreachable")
            leaseError = reason
            await apply(core.on(.leaseUnreachable, now: runtime.clock.now()))
        }
    }

    public func tick() async {
        if let campaign, campaignTask == nil {
            let clock = runtime.clock
            campaignTask = Task { await campaign.run(clock: { clock.now() }, report: { await self.onLease($0) }) }
        }
        if !targetsRecorded {
            // Not keyed on heartbeatSeq: a replay batch's end marker may take the first sequence.
            runtime.recordVenueTargets()
            targetsRecorded = true
        }
        // States kept while a proposal was out or messages waited are planned on at the latest
        // here, before the tick; the tick's time is read after (planning may await the journal).
        await planOnArrived()
        await apply(core.on(.tick, now: runtime.clock.now()))
        reserveAheadIfLow()
    }

    /// Reserves the next `reserveAhead` sequences when fewer than half are left (one durable
    /// write, between events), so the next proposals leave without one.
    private func reserveAheadIfLow() {
        guard reservedThrough < core.lastPlanSeq + Self.reserveAhead / 2 else { return }
        let through = core.lastPlanSeq + Self.reserveAhead
        do {
            try reserve(through: through)
        } catch {
            runtime.logger.error("cannot reserve plan sequences ahead", metadata: ["through": "\(through)", "error": "\(error)"])
        }
    }

    /// Makes every plan sequence up to `planSeq` durable as used (one journal write, on this
    /// role's own executor); `reservedThrough` never goes down.
    private func reserve(through planSeq: UInt64) throws {
        try journal.reserve(planSeq: planSeq)
        reservedThrough = max(reservedThrough, planSeq)
    }

    /// Reports what the core's standing check found: who leads, and loudly when fewer verifiers
    /// than the quorum are alive and when enough are back.
    private func report(_ standing: Coordinator.StandingReport) {
        switch standing.leadership {
        case let .tookOver(silent)?:
            runtime.counters.increment("leadership.took_over")
            runtime.logger.notice("leading: this coordinator proposes", metadata: ["silent": "\(silent.joined(separator: ","))", "last_plan_seq": "\(core.lastPlanSeq)"])
        case let .deferred(to)?:
            runtime.counters.increment("leadership.deferred")
            runtime.logger.notice("standing by", metadata: ["leader": "\(to)"])
        case nil:
            break
        }
        runtime.counters.set(Self.leadsCounter, standing.leads ? 1 : 0)
        let check = standing.verifiers
        runtime.counters.set("verifiers.alive", Int64(check.alive.count))
        let quorum = runtime.topology.quorum
        runtime.readiness.set(ready: check.hold == nil, reason: "\(check.alive.count) of \(runtime.topology.verifiers.count) verifiers heard, \(quorum) needed")
        for (venue, stale) in standing.staleVenues { runtime.recordVenueStale(venue, stale: stale) }
        switch check.change {
        case let .lost(hold, everReached)?:
            if everReached {
                runtime.logger.error("\(hold)")
            } else {
                runtime.logger.notice("waiting for verifiers", metadata: ["alive": "\(check.alive.count)", "needed": "\(quorum)"])
            }
        case let .reached(alive, again)?:
            runtime.logger.notice(again ? "quorum reachable again" : "quorum reached", metadata: ["alive": "\(alive.joined(separator: ","))"])
        case nil:
            break
        }
    }

    /// Carries out the core's directives in order. While one awaits its journal write, directives
    /// from later events queue behind it (none overtakes: a heartbeat never announces a plan that
    /// is not yet published).
    func apply(_ directives: [Coordinator.Directive]) async {
        pending += directives
        guard !applying else { return }
        applying = true
        defer { applying = false }
        while !pending.isEmpty {
            let directive = pending.removeFirst()
            switch directive {
            case let .propose(plan): await propose(plan)
            case let .approve(plan, approvals, previous): await approve(plan, approvals, previous: previous)
            case let .abandon(plan, reason):
                runtime.counters.increment(reason.counter)
                runtime.logger.warning("plan not approved", metadata: ["plan_seq": "\(plan.planSeq)", "reason": "\(reason)"])
            case let .unexecuted(id, transfer):
                runtime.counters.increment("transfers.unexecuted")
                runtime.logger.warning("approved transfer never reached its venue before its plan expired; released", metadata: ["id": "\(id)", "from": "\(transfer.from)", "to": "\(transfer.to)", "amount": "\(transfer.amount)"])
            case let .sequenceRaised(from, to):
                do {
                    try reserve(through: to)
                } catch {
                    runtime.logger.critical("cannot journal plan sequence", metadata: ["error": "\(error)"])
                }
                // A standby's sequence trails the leader's signed proposals all the time: normal
                // (what it missed while down was asked of the executors at its start).
                runtime.counters.increment("plans.sequence_raised")
                runtime.logger.warning("journal behind the verifiers: continuing above what a quorum has signed", metadata: ["last_plan_seq": "\(from)", "continues_after": "\(to)"])
            case let .reserve(planSeq):
                do {
                    try reserve(through: planSeq)
                } catch {
                    runtime.logger.critical("cannot journal plan sequence", metadata: ["error": "\(error)"])
                }
            case let .askExecutors(after):
                askExecutorsToRefill(after: after)
            case let .heartbeat(lastPlanSeq):
                heartbeatSeq += 1
                guard let envelope = runtime.heartbeat(seq: heartbeatSeq, lastPlanSeq: lastPlanSeq) else { continue }
                runtime.send(envelope, topic: Topic.heartbeat, on: plans)
                // Heartbeats to the verifiers too, so each knows its coordinator is alive.
                for verifier in runtime.topology.verifiers { runtime.send(envelope, to: Array(verifier.id.utf8), on: proposals) }
            case .relayRotations:
                for rotation in rotations { runtime.send(rotation, topic: Topic.rotation, on: plans) }
            case let .scheduleTick(after):
                nextTick = .nanoseconds(after)
            case .planAgain:
                // Everything before it, the approval's journal write and publication included,
                // is carried out: the planning the core left for now.
                pending += core.planAfterApproval(now: runtime.clock.now())
            case let .standing(standing):
                report(standing)
            case .lease(.answersAgain):
                runtime.logger.notice("etcd answers again: the lease decides who leads")
            case let .lease(.holder(holder)):
                runtime.logger.info("leadership lease", metadata: ["holder": "\(holder ?? "nobody")"])
            case .lease(.unreachable):
                runtime.logger.warning("etcd unreachable: who leads is decided by silence and order until it answers", metadata: ["error": "\(LogText.quoted(leaseError, limit: 200))"])
            case .journalReceived, .receivedWithoutQuorum:
                break  // carried out where the plan's bytes are (onPeer, onHandedBack)
            case let .overdue(id, transfer):
                runtime.counters.increment("transfers.overdue")
                runtime.logger.warning("transfer overdue", metadata: ["id": "\(id)", "from": "\(transfer.from)", "to": "\(transfer.to)", "amount": "\(transfer.amount)"])
            }
        }
    }

    private func propose(_ plan: Plan) async {
        // The basis envelopes as the core planned on them: taken before the journal write, since
        // a state that arrives while it is awaited replaces the venue's latest envelope.
        let basisStates = plan.basis.compactMap { latestEnvelope[$0.venue] }
        do {
            // Durable before the proposal leaves: reserved ahead (a tick) or written here, in
            // place, on this role's own executor.
            if plan.planSeq > reservedThrough { try reserve(through: plan.planSeq) }
            trace?.mark("reserved")
        } catch {
            runtime.logger.critical("cannot journal plan sequence; not proposing", metadata: ["error": "\(error)"])
            return
        }
        var proposal = WireProposal()
        proposal.plan = plan.wire
        proposal.basisStates = basisStates
        guard let envelope = runtime.seal(proposal, type: .proposal) else { return }
        trace?.mark("sealed")
        for verifier in runtime.topology.verifiers {
            runtime.send(envelope, to: Array(verifier.id.utf8), on: proposals)
        }
        trace?.mark("sent")
        trace?.log(runtime.logger, "proposal", planSeq: plan.planSeq, executor: runtime.executor)
        runtime.counters.increment("plans.proposed")
        runtime.decisionHop(.proposed, since: plan.triggerObservedAt)
        runtime.logger.info("proposed", metadata: [
            "plan_seq": "\(plan.planSeq)", "transfers": "\(plan.transfers.map { "\($0.from)->\($0.to):\($0.amount)" }.joined(separator: ","))",
        ])
    }

    private func approve(_ plan: Plan, _ approvals: [ApprovalSignature], previous: UInt64) async {
        runtime.decisionHop(.quorumReached, since: plan.triggerObservedAt)
        var approved = WireApprovedPlan()
        approved.plan = plan.wire
        approved.approvals = approvals.map { a in
            var w = Rebalancer_V1_Approval()
            w.verifier = a.verifier
            w.signature = Data(a.signature)
            return w
        }
        approved.previousPlanSeq = previous
        guard let envelope = runtime.seal(approved, type: .approvedPlan) else { return await apply(core.on(.approvalNotJournaled(plan), now: runtime.clock.now())) }
        trace?.mark("sealed")
        do {
            // Durable first: a plan is published only once the journal holds it (written in
            // place, on this role's own executor).
            try journal.append(planSeq: plan.planSeq, digest: WireDigest.plan(plan), envelope: envelope.bytes(), at: runtime.clock.now())
            trace?.mark("journaled")
        } catch {
            runtime.logger.critical("cannot journal approved plan; not publishing", metadata: ["plan_seq": "\(plan.planSeq)", "error": "\(error)"])
            return await apply(core.on(.approvalNotJournaled(plan), now: runtime.clock.now()))
        }
        runtime.decisionHop(.journaled, since: plan.triggerObservedAt)
        runtime.send(envelope, topic: Topic.plan, on: plans)
        trace?.mark("sent")
        trace?.log(runtime.logger, "approval", planSeq: plan.planSeq, executor: runtime.executor)
        runtime.decisionHop(.published, since: plan.triggerObservedAt)
        runtime.counters.increment("plans.approved")
        runtime.logger.info("approved", metadata: ["plan_seq": "\(plan.planSeq)", "signers": "\(approvals.map(\.verifier).joined(separator: ","))"])
    }
}
