import Foundation
import Logging
import Metrics
import RebalancerCore
import RebalancerWire
import ZeroMQ

/// A verifier: watches every venue itself, judges each proposal against its own view and the
/// rules, durably records what it signs before answering, and answers approve (a signature over
/// the plan digest), reject or abstain, with the rule's reason code.
public actor VerifierRole: RoleHandler {
    private let runtime: NodeRuntime
    private let ledger: VerifierLedger
    private var state: Verifier.State
    /// The DEALER to every listed coordinator: a vote goes back on the one its proposal came from.
    private let coordinators: Set<SocketLoop.Handle>
    private let watcherStates: WatcherStates
    private let proposalOpener: EnvelopeOpener
    private var heartbeatSeq: UInt64 = 0
    /// When the core wants its next tick.
    public private(set) var nextTick: Duration?
    /// The newest watcher envelope whose signature this verifier checked, per venue: a proposal's
    /// basis state with the very same bytes needs no second check.
    private var checked: [VenueID: Envelope] = [:]
    /// Watcher state frames admitted but not opened: the newest per venue. A proposal opens those
    /// of its basis venues before it is judged; one that changes what this verifier checks
    /// (`Verifier.State.opensBeforeUse`) is opened as soon as no other message waits, and on
    /// every tick those whose venue's view reached the staleness bound. The rest are replaced
    /// unopened, each counted as conflated.
    private var unopened = PendingStates()
    /// Venues whose kept frame is to be opened as soon as no other message waits.
    private var openSoon: Set<VenueID> = []
    /// The stages of the proposal being judged (`REBALANCER_TRACE`).
    private var trace: StageTrace?

    /// Runs on the node's executor (the socket thread): a proposal is judged, written to the
    /// ledger and answered there.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { runtime.executor.asUnownedSerialExecutor() }

    /// Sets up the sockets and restores what this verifier signed before.
    public init(runtime: NodeRuntime, ledger: VerifierLedger) throws {
        let topology = runtime.topology
        let coordinatorNodes = topology.coordinators
        guard !coordinatorNodes.isEmpty else { throw WatcherRole.WatcherError.misconfigured("no coordinator") }
        self.runtime = runtime
        self.ledger = ledger
        nextTick = .nanoseconds(Verifier.tickInterval(topology))
        let window = runtime.clock.now() - topology.limits.windowSeconds * Nanos.perSecond
        state = Verifier.State(topology: topology, lastSigned: try ledger.lastSigned(), signedOutflows: try ledger.outflows(since: window))
        let watchers = topology.nodes(.watcher)
        watcherStates = WatcherStates(topology: topology)
        // Proposals from any listed coordinator: the ledger (one digest per planSeq, increasing)
        // is what keeps two coordinators that both lead from getting two plans under one sequence.
        proposalOpener = EnvelopeOpener(senders: Dictionary(uniqueKeysWithValues: coordinatorNodes.map { ($0.id, $0.signingKey) }), types: [.proposal, .heartbeat])
        // One socket hears every watcher (newest state per venue kept while busy): the poll loop
        // walks one socket, not one per venue.
        try runtime.subscribe(to: watchers, endpoint: "feed", subscribe: [Topic.statePrefix], conflate: true)
        coordinators = Set(try coordinatorNodes.map { try runtime.connect(.dealer, to: $0, endpoint: "proposals", routingID: runtime.node.id) })
        if let last = state.lastSigned { runtime.logger.info("restored ledger", metadata: ["last_signed": "\(last.seq)"]) }
    }

    public func handle(_ inbound: SocketLoop.Inbound) async {
        await take(inbound)
        if runtime.transport.backlog == 0, !openSoon.isEmpty {
            for venue in openSoon.sorted() { openKept(venue) }
        }
    }

    private func take(_ inbound: SocketLoop.Inbound) async {
        if coordinators.contains(inbound.handle) {
            guard inbound.frames.count == 1 else { return runtime.drop(.badFraming, from: inbound.handle) }
            if StageTrace.enabled { trace = StageTrace(receivedAt: inbound.receivedAt) }
            await onProposal(inbound.frames[0], from: inbound.handle)
            trace = nil
        } else {
            guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle) }
            // Admitted (a drop counted) and kept unopened until a proposal uses it or nothing waits.
            guard let frame = watcherStates.admit(inbound.frames[1], from: inbound.handle, runtime: runtime) else { return }
            if unopened.keep(frame) { runtime.counters.increment("states.conflated") }
            if state.opensBeforeUse(VenueState(wire: frame.wire), now: frame.arrival) {
                openSoon.insert(frame.venue)
            } else {
                openSoon.remove(frame.venue)
            }
        }
    }

    /// Opens the kept frames whose venue's view is due for a refresh at `now`.
    private func openAgingKept(now: Nanos) {
        let due = unopened.frames.filter { state.opensBeforeUse(VenueState(wire: $0.value.wire), now: now) }.keys
        for venue in due.sorted() { openKept(venue) }
    }

    /// Opens the kept frame of `venue`, if any: its signature checked (a bad one counted as a
    /// drop), then observed as of its arrival.
    private func openKept(_ venue: VenueID) {
        openSoon.remove(venue)
        guard let frame = unopened.take(venue), let (opened, venueState) = watcherStates.confirm(frame, runtime: runtime) else { return }
        checked[venueState.venue] = opened.envelope
        // `.observed` only updates the view (no directive), as of the frame's arrival.
        _ = state.on(.observed(venueState), now: frame.arrival)
    }

    private func onProposal(_ bytes: [UInt8], from handle: SocketLoop.Handle) async {
        guard let opened = runtime.open(bytes, with: proposalOpener, from: handle) else { return }
        trace?.mark("opened")
        var heartbeat: WireHeartbeat?
        if opened.type == .heartbeat {
            guard let decoded = runtime.decode(opened, as: WireHeartbeat.self, from: handle) else { return }
            heartbeat = decoded
        }
        await apply(state.on(.coordinatorHeard, now: runtime.clock.now()), on: handle)
        if let heartbeat {
            state.coordinatorSaid(lastApproved: heartbeat.lastPlanSeq, by: opened.sender, now: runtime.clock.now())
            return
        }
        guard let proposal = runtime.decode(opened, as: WireProposal.self, from: handle) else { return }
        guard proposal.hasPlan else {
            return runtime.drop(.malformedPayload, from: handle, sender: opened.sender, type: opened.type)
        }
        let plan = Plan(wire: proposal.plan)
        state.proposed(plan.planSeq, by: opened.sender)
        // The own view of every venue the plan rests on, from the newest frame of each.
        for venue in Set(plan.basis.map(\.venue)) { openKept(venue) }
        var basis: [VenueID: Verifier.BasisState] = [:]
        for envelope in proposal.basisStates {
            guard let wire = try? WireVenueState(serializedBytes: envelope.payload) else { continue }
            // Kept even when unsigned, so the rule can reject the plan as `basis_invalid`. The
            // same bytes as a state already checked here are signed: no second check.
            let signed = checked[wire.venue] == envelope || watcherStates.verified(envelope) != nil
            basis[wire.venue] = Verifier.BasisState(state: VenueState(wire: wire), digest: envelope.digest, signedByWatcher: signed)
        }
        trace?.mark("basis")
        await apply(state.on(.proposal(plan, digest: WireDigest.plan(plan), basis: basis), now: runtime.clock.now()), on: handle)
    }

    /// Carries out the core's directives; `handle` is the coordinator's socket a vote answers on.
    private func apply(_ directives: [Verifier.Directive], on handle: SocketLoop.Handle) async {
        for directive in directives {
            switch directive {
            case let .persist(approval):
                // Durable before the approval is signed or sent: written in place, on this
                // role's own executor (the socket thread, never the cooperative pool).
                trace?.mark("judged")
                let event: Verifier.Event
                do {
                    try ledger.record(planSeq: approval.plan.planSeq, digest: approval.digest, transfers: approval.plan.transfers, at: runtime.clock.now())
                    trace?.mark("durable")
                    event = .persisted(approval)
                } catch let refusal as VerifierLedger.LedgerError {
                    event = .persistFailed(approval, refused: true, detail: "\(refusal)")
                } catch {
                    runtime.logger.error("ledger write failed", metadata: ["plan_seq": "\(approval.plan.planSeq)", "error": "\(error)"])
                    event = .persistFailed(approval, refused: false, detail: "\(error)")
                }
                await apply(state.on(event, now: runtime.clock.now()), on: handle)
            case let .vote(planSeq, digest, verdict):
                vote(planSeq: planSeq, digest: digest, verdict: verdict, on: handle)
            case let .coordinatorSilent(forMs):
                runtime.logger.error("coordinator silent", metadata: ["for_ms": "\(forMs)"])
            case .coordinatorBack:
                runtime.logger.notice("coordinator is back")
            case let .readiness(ready, reason):
                runtime.readiness.set(ready: ready, reason: reason)
            case let .scheduleTick(after):
                nextTick = .nanoseconds(after)
            case let .heartbeat(lastSignedSeq):
                heartbeatSeq += 1
                if let envelope = runtime.heartbeat(seq: heartbeatSeq, lastPlanSeq: lastSignedSeq) {
                    for coordinator in coordinators { runtime.send(envelope, on: coordinator) }
                }
            }
        }
    }

    private func vote(planSeq: UInt64, digest: [UInt8], verdict: Verifier.Verdict, on handle: SocketLoop.Handle) {
        var vote = WireVote()
        vote.planSeq = planSeq
        vote.planDigest = Data(digest)
        vote.decision = verdict.decision.wire
        vote.reason = verdict.rule?.rawValue ?? ""
        if verdict.decision == .approve { vote.approval = Data(runtime.signer.sign(digest)) }
        // Sent first; counted and logged after, off the coordinator's wait.
        let envelope = runtime.seal(vote, type: .vote)
        if let envelope { runtime.send(envelope, on: handle) }
        trace?.mark("sent")
        runtime.counters.increment("votes.\(verdict.decision.rawValue)")
        if let rule = verdict.rule { runtime.counters.increment("rule.\(rule.rawValue)") }
        Metrics.Counter(label: "rebalancer_verdicts_total", dimensions: [("node", runtime.node.id), ("decision", verdict.decision.rawValue), ("rule", verdict.rule?.rawValue ?? "none")]).increment()
        runtime.logger.info("vote", metadata: [
            "plan_seq": "\(planSeq)", "decision": "\(verdict.decision.rawValue)",
            "rule": "\(verdict.rule?.rawValue ?? "-")", "detail": "\(verdict.detail)",
        ])
        trace?.log(runtime.logger, "vote", planSeq: planSeq, executor: runtime.executor)
    }

    public func tick() async {
        // Heartbeats go to every coordinator; no vote is answered from a tick.
        openAgingKept(now: runtime.clock.now())
        guard let any = coordinators.first else { return }
        await apply(state.on(.tick, now: runtime.clock.now()), on: any)
    }
}
