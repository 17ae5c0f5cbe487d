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
    private var coordinatorSeen: Nanos
    private var coordinatorSilent = false

    /// Sets up the sockets and restores what this verifier signed before.
    public init(runtime: NodeRuntime, ledger: VerifierLedger) throws {
        let topology = runtime.topology
        let coordinatorNodes = topology.coordinators
        guard !coordinatorNodes.isEmpty else { throw WatcherRole.WatcherError.misconfigured("no coordinator") }
        self.runtime = runtime
        self.ledger = ledger
        let window = runtime.clock.now() - topology.limits.windowSeconds * Nanos.perSecond
        state = Verifier.State(topology: topology, lastSigned: try ledger.lastSigned(), signedOutflows: try ledger.outflows(since: window))
        let watchers = topology.nodes(.watcher)
        watcherStates = WatcherStates(topology: topology)
        // Proposals from any listed coordinator: the ledger (one digest per planSeq, increasing)
        // is what keeps two coordinators that both lead from getting two plans under one sequence.
        proposalOpener = EnvelopeOpener(senders: Dictionary(uniqueKeysWithValues: coordinatorNodes.map { ($0.id, $0.signingKey) }), types: [.proposal, .heartbeat])
        coordinatorSeen = runtime.clock.now()
        for watcher in watchers {
            try runtime.connect(.sub, to: watcher, endpoint: "feed", subscribe: ["state/"], conflate: true)
        }
        coordinators = Set(try coordinatorNodes.map { try runtime.connect(.dealer, to: $0, endpoint: "proposals", routingID: runtime.node.id) })
        if let last = state.lastSigned { runtime.logger.info("restored ledger", metadata: ["last_signed": "\(last.seq)"]) }
    }

    public func handle(_ inbound: SocketLoop.Inbound) async {
        if coordinators.contains(inbound.handle) {
            guard inbound.frames.count == 1 else { return runtime.drop(.badFraming, from: inbound.handle) }
            onProposal(inbound.frames[0], from: inbound.handle)
        } else {
            guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle) }
            guard let (_, venueState) = watcherStates.open(inbound.frames[1], from: inbound.handle, runtime: runtime) else { return }
            state.observe(venueState, now: runtime.clock.now())
        }
    }

    private func onProposal(_ bytes: [UInt8], from handle: SocketLoop.Handle) {
        guard let opened = runtime.open(bytes, with: proposalOpener, from: handle) else { return }
        if opened.type == .heartbeat, runtime.decode(opened, as: WireHeartbeat.self, from: handle) == nil { return }
        coordinatorSeen = runtime.clock.now()
        if coordinatorSilent {
            coordinatorSilent = false
            runtime.logger.notice("coordinator is back")
        }
        if opened.type == .heartbeat { return }
        guard let proposal = runtime.decode(opened, as: WireProposal.self, from: handle) else { return }
        guard proposal.hasPlan else {
            return runtime.drop(.malformedPayload, from: handle, sender: opened.sender, type: opened.type)
        }
        let plan = Plan(wire: proposal.plan)
        let digest = WireDigest.plan(plan)
        var basis: [VenueID: Verifier.BasisState] = [:]
        for envelope in proposal.basisStates {
            guard let wire = try? WireVenueState(serializedBytes: envelope.payload) else { continue }
            // Kept even when unsigned, so the rule can reject the plan as `basis_invalid`.
            let signed = watcherStates.verified(envelope) != nil
            basis[wire.venue] = Verifier.BasisState(state: VenueState(wire: wire), digest: envelope.digest, signedByWatcher: signed)
        }
        let now = runtime.clock.now()
        var verdict = state.judge(plan, digest: digest, basis: basis, now: now)
        if verdict.decision == .approve {
            do {
                try ledger.record(planSeq: plan.planSeq, digest: digest, transfers: plan.transfers, at: now)
            } catch {
                verdict = .reject(.seqNotIncreasing, "\(error)")
            }
        }
        var vote = WireVote()
        vote.planSeq = plan.planSeq
        vote.planDigest = Data(digest)
        vote.decision = verdict.decision.wire
        vote.reason = verdict.rule?.rawValue ?? ""
        if verdict.decision == .approve { vote.approval = Data(runtime.signer.sign(digest)) }
        runtime.counters.increment("votes.\(verdict.decision.rawValue)")
        if let rule = verdict.rule { runtime.counters.increment("rule.\(rule.rawValue)") }
        Metrics.Counter(label: "rebalancer_verdicts_total", dimensions: [("node", runtime.node.id), ("decision", verdict.decision.rawValue), ("rule", verdict.rule?.rawValue ?? "none")]).increment()
        runtime.logger.info("vote", metadata: [
            "plan_seq": "\(plan.planSeq)", "decision": "\(verdict.decision.rawValue)",
            "rule": "\(verdict.rule?.rawValue ?? "-")", "detail": "\(verdict.detail)",
        ])
        guard let envelope = runtime.seal(vote, type: .vote) else { return }
        runtime.send(envelope, on: handle)
    }

    public func tick() async {
        let now = runtime.clock.now()
        if !coordinatorSilent, now - coordinatorSeen > runtime.topology.timing.staleAfterMs * Nanos.perMillisecond {
            coordinatorSilent = true
            runtime.logger.error("coordinator silent", metadata: ["for_ms": "\((now - coordinatorSeen) / Nanos.perMillisecond)"])
        }
        runtime.readiness.set(ready: now - coordinatorSeen <= runtime.topology.timing.staleAfterMs * Nanos.perMillisecond, reason: "coordinator not heard for \((now - coordinatorSeen) / Nanos.perMillisecond) ms")
        heartbeatSeq += 1
        if let envelope = runtime.heartbeat(seq: heartbeatSeq, lastPlanSeq: state.lastSigned?.seq ?? 0) {
            for handle in coordinators { runtime.send(envelope, on: handle) }
        }
    }
}
