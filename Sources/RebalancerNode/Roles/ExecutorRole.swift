import Foundation
import Logging
import RebalancerCore
import RebalancerVenues
import RebalancerWire
import ZeroMQ

/// An executor: takes approved plans from the live feed or the replay endpoint, re-checks the
/// quorum of signatures itself over the digest it recomputes, records the plan durably, submits
/// each transfer through the `TransferGateway` of its source venue (the simulated market's or a
/// real venue's, see `ExecutorRole+Transfers.swift`) and publishes each transfer's status. In
/// monitor-only mode it records and reports what it would transfer and submits nothing.
public actor ExecutorRole: RoleHandler {
    let runtime: NodeRuntime
    let record: ExecutorRecord
    private var core: Executor
    /// The `plans` feed of every listed coordinator (the leader and its standbys).
    private let plans: Set<SocketLoop.Handle>
    /// The `replay` DEALER to every listed coordinator.
    private let replay: Set<SocketLoop.Handle>
    /// The DEALER to the simulated market; nil when no venue is simulated, or in monitor-only mode.
    private let orders: SocketLoop.Handle?
    private let status: SocketLoop.Handle
    private let planOpener: EnvelopeOpener
    private let receiptOpener: EnvelopeOpener?
    var triggerAt: [UInt64: Nanos] = [:]
    /// Verify and record every approved plan, report what would be transferred, submit nothing.
    let monitorOnly: Bool
    /// The gateway of every venue capital may leave, by venue (none in monitor-only mode).
    let gateways: [VenueID: any TransferGateway]
    /// The simulated market's gateway, fed by the receipts on `orders`.
    let simulated: SimulatedTransferGateway?
    /// Transfers recorded and not final, being driven through their gateway, by transfer id.
    var live: [String: LiveTransfer] = [:]
    private var heartbeatSeq: UInt64 = 0
    /// The stages of the approved plan being handled (`REBALANCER_TRACE`).
    private var trace: StageTrace?
    private var coordinatorWatch: UpstreamWatch
    /// When the core wants its next tick.
    public private(set) var nextTick: Duration?

    /// Runs on the node's executor (the socket thread): a message is handled and answered there.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { runtime.executor.asUnownedSerialExecutor() }

    /// Sets up the sockets and gateways and restores what this executor has executed; transfers
    /// recorded but not final are driven again through their gateway (looked up by key first).
    /// `monitorOnly` (or the node's `monitor_only: true`) submits nothing.
    public init(runtime: NodeRuntime, record: ExecutorRecord, monitorOnly: Bool = false) throws {
        let topology = runtime.topology
        let coordinators = topology.coordinators
        guard let coordinator = coordinators.first else {
            throw WatcherRole.WatcherError.misconfigured("executor needs a coordinator")
        }
        let monitorOnly = monitorOnly || runtime.node.monitorOnly
        self.monitorOnly = monitorOnly
        self.runtime = runtime
        self.record = record
        nextTick = .nanoseconds(Executor.tickInterval(topology))
        var machine = Executor(topology: topology, executed: try record.executed(), monitorOnly: monitorOnly)
        // Verifier-set rotations applied before a restart, in order, at the time they were applied.
        for (signed, appliedAt) in try record.rotations() {
            guard let wire = try? WireSignedRotation(serializedBytes: signed), let rotation = wire.decoded else { continue }
            let signers = wire.validSigners(of: machine.sets.current)
            if case let .failure(reason) = machine.rotate(rotation, validSigners: signers, now: appliedAt), reason != .alreadyApplied {
                runtime.logger.error("journaled rotation no longer applies", metadata: ["to_epoch": "\(rotation.next.epoch)", "reason": "\(reason.rawValue)"])
            }
        }
        runtime.logger.info("verifier set", metadata: ["current": "\(machine.sets.current.summary)"])
        // Plans from any listed coordinator count (each carries its quorum); a plan seen on two
        // feeds is executed once, by planSeq.
        planOpener = EnvelopeOpener(senders: Dictionary(uniqueKeysWithValues: coordinators.map { ($0.id, $0.signingKey) }), types: [.approvedPlan, .heartbeat, .rotation, .replayRequest])
        let upstream = coordinators.count == 1 ? "\(coordinator.id).plans" : "coordinators.plans"
        coordinatorWatch = UpstreamWatch(upstream: upstream, endpoint: coordinators.compactMap { runtime.deployment.endpoints(of: $0.id)["plans"] }.joined(separator: ","), staleAfterMs: topology.timing.staleAfterMs, now: runtime.clock.now())
        status = try runtime.bind(.pub, endpoint: "status", receive: false)
        var feeds = Set<SocketLoop.Handle>()
        var replays = Set<SocketLoop.Handle>()
        for node in coordinators {
            feeds.insert(try runtime.connect(.sub, to: node, endpoint: "plans", subscribe: [Topic.plan, Topic.heartbeat, Topic.rotation]))
            replays.insert(try runtime.connect(.dealer, to: node, endpoint: "replay", routingID: runtime.node.id))
        }
        plans = feeds
        replay = replays
        let links = try Self.makeGateways(runtime: runtime, monitorOnly: monitorOnly)
        orders = links.orders
        receiptOpener = links.receiptOpener
        gateways = links.gateways
        simulated = links.simulated
        // Ask for anything approved since the last plan executed before a restart.
        for handle in replays { Self.requestReplay(after: machine.highestSeen, runtime: runtime, on: handle) }
        let resumed = try Self.resumable(record: record, runtime: runtime, monitorOnly: monitorOnly, simulated: links.simulated)
        for (id, transfer) in resumed {
            let route = Self.route(for: transfer.request, gateways: links.gateways)
            _ = machine.on(.transfer(.resumed(id: id, state: transfer.row.state, from: transfer.row.from, to: transfer.row.to, route: route)), now: runtime.clock.now())
        }
        live = resumed
        core = machine
    }

    /// Hands the core one event now.
    func step(_ event: Executor.Event) -> [Executor.Directive] { core.on(event, now: runtime.clock.now()) }

    public func handle(_ inbound: SocketLoop.Inbound) async {
        if plans.contains(inbound.handle) {
            guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle) }
            if StageTrace.enabled { trace = StageTrace(receivedAt: inbound.receivedAt) }
            defer { trace = nil }
            return await onPlanEnvelope(inbound.frames[1], from: inbound.handle)
        }
        if replay.contains(inbound.handle) {
            guard inbound.frames.count == 1 else { return runtime.drop(.badFraming, from: inbound.handle) }
            return await onPlanEnvelope(inbound.frames[0], from: inbound.handle)
        }
        switch inbound.handle {
        case orders:
            guard inbound.frames.count == 1 else { return runtime.drop(.badFraming, from: inbound.handle) }
            await onReceipt(inbound.frames[0], from: inbound.handle)
        default:
            runtime.drop(.badFraming, from: inbound.handle)
        }
    }

    private func onPlanEnvelope(_ bytes: [UInt8], from handle: SocketLoop.Handle) async {
        guard let opened = runtime.open(bytes, with: planOpener, from: handle) else { return }
        trace?.mark("opened")
        if plans.contains(handle) { runtime.report(coordinatorWatch.heard(now: runtime.clock.now()), of: coordinatorWatch) }
        if opened.type == .heartbeat {
            guard let hb = runtime.decode(opened, as: WireHeartbeat.self, from: handle) else { return }
            let event: Executor.Event = replay.contains(handle) ? .replayEnded(upTo: hb.lastPlanSeq) : .coordinatorHeartbeat(lastPlanSeq: hb.lastPlanSeq)
            for directive in core.on(event, now: runtime.clock.now()) { apply(directive) }
            return
        }
        if opened.type == .rotation { return await onRotation(opened, from: handle) }
        if opened.type == .replayRequest {
            guard replay.contains(handle) else { return runtime.drop(.unexpectedType, from: handle, sender: opened.sender, type: opened.type) }
            return handBack(opened, from: handle)
        }
        guard let approved = runtime.decode(opened, as: WireApprovedPlan.self, from: handle) else { return }
        guard approved.hasPlan else {
            return runtime.drop(.malformedPayload, from: handle, sender: opened.sender, type: opened.type)
        }
        let plan = Plan(wire: approved.plan)
        let digest = WireDigest.plan(plan)
        let now = runtime.clock.now()
        // The signatures are checked here (crypto); which count is the core's decision.
        let keys = core.keys(for: plan, now: now)
        let approvals = approved.approvals.map { approval in
            Executor.CheckedApproval(verifier: approval.verifier, verifies: keys[approval.verifier].map { SignatureCheck.isValid(Array(approval.signature), of: digest, publicKey: $0) } ?? false)
        }
        trace?.mark("checked")
        var signers = Set<NodeID>()
        triggerAt[plan.planSeq] = plan.triggerObservedAt
        var acceptedNow: [String: RecordedTransfer] = [:]
        for directive in core.on(.approved(plan, previousPlanSeq: approved.previousPlanSeq, approvals: approvals), now: now) {
            switch directive {
            case let .signatures(_, tally):
                signers = tally.valid
                count(tally)
            case let .accepted(plan):
                let rows = Plan.canonical(plan.transfers).enumerated().map { index, transfer in
                    RecordedTransfer(
                        id: Transfer.id(planSeq: plan.planSeq, index: index), planSeq: plan.planSeq, index: index,
                        from: transfer.from, to: transfer.to, amount: transfer.amount,
                        key: IdempotencyKey(topologyID: runtime.topology.id, planSeq: plan.planSeq, index: index).rawValue)
                }
                do {
                    // Durable before anything is submitted: written in place, on this role's own executor (the socket thread, never the cooperative pool).
                    guard try record.accept(planSeq: plan.planSeq, digest: digest, transfers: rows, at: now, envelope: bytes) else { continue }
                    trace?.mark("durable")
                    trace?.log(runtime.logger, "accepted", planSeq: plan.planSeq, executor: runtime.executor)
                } catch {
                    runtime.logger.critical("cannot record plan; not executing", metadata: ["plan_seq": "\(plan.planSeq)", "error": "\(error)"])
                    return
                }
                for row in rows { acceptedNow[row.id] = row }
                runtime.counters.increment("plans.executed")
                publish(planSeq: plan.planSeq, index: -1, id: "\(plan.planSeq)", state: .received, detail: "quorum verified: \(signers.sorted().joined(separator: ","))", trigger: plan.triggerObservedAt)
                runtime.decisionHop(.executorVerified, since: plan.triggerObservedAt)
                runtime.logger.info("plan accepted", metadata: ["plan_seq": "\(plan.planSeq)", "latency_ms": "\(Double(now - plan.triggerObservedAt) / 1e6)"])
            case let .submit(id, _, _):
                // Only a transfer this message's plan recorded just now.
                guard let row = acceptedNow.removeValue(forKey: id) else { continue }
                start(row)
            case let .wouldSubmit(id, _, _):
                guard let row = acceptedNow.removeValue(forKey: id) else { continue }
                await wouldTransfer(row)
            case let .refused(planSeq, reason):
                runtime.counters.increment("plans.refused.\(reason.rawValue)")
                if reason != .duplicate {
                    runtime.logger.warning("plan refused", metadata: ["plan_seq": "\(planSeq)", "reason": "\(reason.rawValue)", "valid_signers": "\(signers.count)"])
                }
            case .requestReplay, .replayComplete, .replayIncomplete, .scheduleTick, .rotated, .rotationRefused, .recordRotation, .transfer:
                apply(directive)
            }
        }
    }

    /// Counts how an approved plan's signatures fared.
    private func count(_ tally: Executor.SignatureTally) {
        if tally.unknownSigner > 0 { runtime.counters.increment("signatures.unknown_signer", by: Int64(tally.unknownSigner)) }
        if tally.duplicate > 0 { runtime.counters.increment("signatures.duplicate", by: Int64(tally.duplicate)) }
        if tally.invalid > 0 { runtime.counters.increment("signatures.invalid", by: Int64(tally.invalid)) }
    }

    /// Carries out the core's replay directives (the others concern one approved plan).
    private func apply(_ directive: Executor.Directive) {
        switch directive {
        case let .requestReplay(after):
            requestReplay(after: after)
        case let .replayComplete(upTo):
            runtime.counters.increment("replay.completed")
            runtime.logger.info("replay complete", metadata: ["up_to": "\(upTo)", "highest_seen": "\(core.highestSeen)"])
        case let .replayIncomplete(upTo, retryIn):
            runtime.counters.increment("replay.completed")
            runtime.counters.increment("replay.incomplete")
            runtime.logger.warning("replay ended behind the coordinator; asking again later", metadata: [
                "up_to": "\(upTo)", "highest_seen": "\(core.highestSeen)", "retry_in_ms": "\(retryIn / Nanos.perMillisecond)",
            ])
        case let .scheduleTick(after):
            nextTick = .nanoseconds(after)
        case let .rotated(rotation, signers):
            runtime.counters.increment("rotations.applied")
            runtime.logger.notice("verifier set rotated", metadata: ["current": "\(core.sets.current.summary)", "signers": "\(signers.sorted().joined(separator: ","))", "grace_ms": "\(rotation.graceMs)"])
        case let .rotationRefused(rotation, reason, signers):
            runtime.counters.increment("rotations.refused.\(reason.rawValue)")
            runtime.logger.warning("rotation refused", metadata: ["reason": "\(reason.rawValue)", "to_epoch": "\(rotation.next.epoch)", "valid_signers": "\(signers.count)"])
        case let .transfer(step):
            // Each transfer on its own: a venue call awaited for one holds up no other.
            Task { await self.perform(step) }
        case .submit, .wouldSubmit, .accepted, .refused, .signatures, .recordRotation:
            break
        }
    }

    /// A verifier-set rotation, relayed by the (untrusted) coordinator: it counts only with a
    /// quorum of the current set's signatures, and is recorded durably before it is applied.
    private func onRotation(_ opened: OpenedEnvelope, from handle: SocketLoop.Handle) async {
        guard let wire = runtime.decode(opened, as: WireSignedRotation.self, from: handle) else { return }
        guard let rotation = wire.decoded else {
            return runtime.drop(.malformedPayload, from: handle, sender: opened.sender, type: opened.type)
        }
        let now = runtime.clock.now()
        // The signatures are checked here (crypto); whether they count, and whether the rotation applies, is the core's decision.
        let signers = wire.validSigners(of: core.sets.current)
        for directive in core.on(.rotation(rotation, validSigners: signers), now: now) {
            switch directive {
            case let .recordRotation(rotation, signers):
                do {
                    try record.recordRotation(toEpoch: rotation.next.epoch, signed: (try? wire.serializedBytes()) ?? [], at: now)
                } catch {
                    runtime.logger.critical("cannot record rotation; not applying", metadata: ["error": "\(error)"])
                    return
                }
                for applied in core.on(.rotationRecorded(rotation, validSigners: signers), now: now) { apply(applied) }
            default:
                apply(directive)
            }
        }
    }

    private func onReceipt(_ bytes: [UInt8], from handle: SocketLoop.Handle) async {
        guard let receiptOpener, let (opened, receipt) = runtime.open(bytes, with: receiptOpener, from: handle, as: WireOrderReceipt.self) else { return }
        guard Transfer.parseID(receipt.transferID) != nil else {
            return runtime.drop(.malformedPayload, from: handle, sender: opened.sender, type: opened.type)
        }
        switch receipt.state {
        case .submitted, .settled, .failed: break
        default: return runtime.drop(.malformedPayload, from: handle, sender: opened.sender, type: opened.type)
        }
        guard let status = simulated?.receive(receipt) else {
            runtime.counters.increment("receipts.unknown_transfer")
            return
        }
        await reported(status, for: receipt.transferID)
    }

    func publish(planSeq: UInt64, index: Int32, id: String, state: Rebalancer_V1_TransferState, detail: String, trigger: Nanos) {
        var s = WireTransferStatus()
        s.planSeq = planSeq
        s.index = index
        s.transferID = id
        s.state = state
        s.detail = detail
        s.atNs = runtime.clock.now()
        s.triggerObservedAtNs = trigger
        if let envelope = runtime.seal(s, type: .transferStatus) { runtime.send(envelope, topic: Topic.status, on: status) }
    }

    /// Asks every listed coordinator; each answers from its own journal, and what two return is
    /// executed once.
    private func requestReplay(after: UInt64) {
        for handle in replay { Self.requestReplay(after: after, runtime: runtime, on: handle) }
    }

    private static func requestReplay(after: UInt64, runtime: NodeRuntime, on replay: SocketLoop.Handle) {
        var request = WireReplayRequest()
        request.afterPlanSeq = after
        if let envelope = runtime.seal(request, type: .replayRequest) { runtime.send(envelope, on: replay) }
        runtime.counters.increment("replay.requested")
    }

    /// The coordinator lost (part of) its journal and asks for the approved plans this executor
    /// recorded after `after_plan_seq`: they go back exactly as received, signed by the
    /// coordinator, which takes only what its own key signed.
    private func handBack(_ opened: OpenedEnvelope, from handle: SocketLoop.Handle) {
        guard let request = runtime.decode(opened, as: WireReplayRequest.self, from: handle) else { return }
        do {
            let entries = try record.approvedEnvelopes(after: request.afterPlanSeq)
            for entry in entries { runtime.transport.send([entry.envelope], on: handle) }
            runtime.counters.increment("replay.handed_back", by: Int64(entries.count))
            runtime.logger.notice("handing approved plans back to the coordinator", metadata: ["after": "\(request.afterPlanSeq)", "plans": "\(entries.count)"])
        } catch {
            runtime.logger.error("cannot read the record to hand plans back", metadata: ["error": "\(error)"])
        }
    }

    public func tick() async {
        let now = runtime.clock.now()
        runtime.report(coordinatorWatch.check(now: now), of: coordinatorWatch)
        runtime.readiness.set(ready: coordinatorWatch.isFresh(now: now), reason: "coordinator \(coordinatorWatch.upstream) not heard recently")
        for directive in core.on(.tick, now: now) { apply(directive) }
        heartbeatSeq += 1
        if let envelope = runtime.heartbeat(seq: heartbeatSeq, lastPlanSeq: core.highestSeen) { runtime.send(envelope, topic: Topic.heartbeat, on: status) }
    }
}
