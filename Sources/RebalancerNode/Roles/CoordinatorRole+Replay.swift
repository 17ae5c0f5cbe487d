import Foundation
import RebalancerCore
import RebalancerWire
import ZeroMQ

/// Approved plans that reach the coordinator from elsewhere, and those it hands out again: replay
/// to executors that missed plans, the plans another listed coordinator published (followed into
/// this journal), and plans an executor hands back after this journal lost them.
extension CoordinatorRole {
    func onReplayRequest(_ inbound: SocketLoop.Inbound) async {
        guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle, peer: inbound.peerUserID) }
        if let envelope = try? Envelope(serializedBytes: inbound.frames[1]), envelope.type == .approvedPlan, ownPlanOpener.senders[envelope.sender] != nil {
            return await onHandedBack(inbound)
        }
        guard let (opened, request) = runtime.open(inbound.frames[1], with: replayOpener, from: inbound.handle, peer: inbound.peerUserID, as: WireReplayRequest.self)
        else { return }
        let identity = inbound.frames[0]
        do {
            let entries = try journal.approved(after: request.afterPlanSeq)
            for entry in entries { runtime.transport.send([identity, entry.envelope], on: replay) }
            runtime.counters.increment("replay.served", by: Int64(entries.count))
            // The end of the batch: a signed heartbeat whose last_plan_seq is the highest approved
            // planSeq this coordinator holds. The executor knows it has everything up to there.
            // (What the journal holds: an approval whose write is still awaited is not announced.)
            let upTo = try journal.lastApproved()
            heartbeatSeq += 1
            if let end = runtime.heartbeat(seq: heartbeatSeq, lastPlanSeq: upTo) { runtime.send(end, to: identity, on: replay) }
            runtime.logger.info("replay", metadata: ["executor": "\(opened.sender)", "after": "\(request.afterPlanSeq)", "plans": "\(entries.count)", "up_to": "\(upTo)"])
        } catch {
            runtime.logger.error("replay failed", metadata: ["error": "\(error)"])
        }
    }

    /// Another listed coordinator's feed: its heartbeat says whether it is alive and leads; its
    /// approved plans (with a quorum of the verifiers' signatures over the digest recomputed here)
    /// are journaled as they are, so this one can replay them and continues after them if it
    /// takes over.
    func onPeer(_ inbound: SocketLoop.Inbound) async {
        guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle) }
        guard let opened = runtime.open(inbound.frames[1], with: peerOpener, from: inbound.handle) else { return }
        let now = runtime.clock.now()
        if opened.type == .heartbeat {
            guard let hb = runtime.decode(opened, as: WireHeartbeat.self, from: inbound.handle) else { return }
            return await apply(core.on(.peerHeartbeat(opened.sender, leads: hb.counters[Self.leadsCounter] == 1), now: now))
        }
        guard let approved = runtime.decode(opened, as: WireApprovedPlan.self, from: inbound.handle) else { return }
        guard approved.hasPlan else { return runtime.drop(.malformedPayload, from: inbound.handle, sender: opened.sender, type: opened.type) }
        let plan = Plan(wire: approved.plan)
        let digest = WireDigest.plan(plan)
        let signers = approved.validSigners(of: digest, keys: runtime.topology.signingKeys(of: .verifier))
        for directive in core.on(.received(plan, .peer, validSigners: signers), now: now) {
            switch directive {
            case .journalReceived:
                guard await journalApproved(plan, digest: digest, envelope: inbound.frames[1], at: now) else { return }
                runtime.counters.increment("plans.followed")
                runtime.logger.info("followed", metadata: ["plan_seq": "\(plan.planSeq)", "from": "\(opened.sender)"])
                await apply(core.on(.followed(plan), now: now))
            case let .receivedWithoutQuorum(_, _, valid):
                runtime.counters.increment("plans.follow_refused")
                runtime.logger.warning("not following a plan without a quorum", metadata: ["from": "\(opened.sender)", "plan_seq": "\(plan.planSeq)", "valid_signers": "\(valid)"])
            default:
                await apply([directive])
            }
        }
    }

    /// Journals an approved plan this coordinator did not approve itself (followed from another
    /// coordinator, or handed back by an executor) exactly as published; true if it was new.
    func journalApproved(_ plan: Plan, digest: [UInt8], envelope: [UInt8], at now: Nanos) async -> Bool {
        do {
            guard try journal.append(planSeq: plan.planSeq, digest: digest, envelope: envelope, at: now) else { return false }
        } catch {
            runtime.logger.error("cannot journal an approved plan received from another node", metadata: ["plan_seq": "\(plan.planSeq)", "error": "\(error)"])
            return false
        }
        return true
    }

    /// An approved plan a listed coordinator signed, handed back by an executor (over a connection
    /// authenticated as an executor) after the journal lost it: journaled again exactly as it was
    /// published, so replay serves it to executors that missed it.
    func onHandedBack(_ inbound: SocketLoop.Inbound) async {
        guard let peer = inbound.peerUserID, executorTransportKeys.contains(peer) else {
            return runtime.drop(.transportMismatch, from: inbound.handle, sender: runtime.node.id, type: .approvedPlan, peer: inbound.peerUserID)
        }
        guard let (opened, approved) = runtime.open(inbound.frames[1], with: ownPlanOpener, from: inbound.handle, as: WireApprovedPlan.self) else { return }
        guard approved.hasPlan else { return runtime.drop(.malformedPayload, from: inbound.handle, sender: opened.sender, type: opened.type, peer: peer) }
        let plan = Plan(wire: approved.plan)
        let digest = WireDigest.plan(plan)
        let signers = approved.validSigners(of: digest, keys: runtime.topology.signingKeys(of: .verifier))
        for directive in core.on(.received(plan, .handedBack(signer: opened.sender), validSigners: signers), now: runtime.clock.now()) {
            switch directive {
            case .journalReceived:
                guard await journalApproved(plan, digest: digest, envelope: inbound.frames[1], at: runtime.clock.now()) else { return }
                runtime.counters.increment("replay.restored")
                runtime.logger.info("restored approved plan from an executor's record", metadata: ["plan_seq": "\(plan.planSeq)"])
                await apply(core.on(.restored(planSeq: plan.planSeq), now: runtime.clock.now()))
            case .receivedWithoutQuorum:
                runtime.drop(.stale, from: inbound.handle, sender: opened.sender, type: opened.type, peer: peer)
            default:
                await apply([directive])
            }
        }
    }

    /// Asks every executor for the approved plans it recorded after `after` (the journal's last).
    func askExecutorsToRefill(after: UInt64) {
        var request = WireReplayRequest()
        request.afterPlanSeq = after
        guard let envelope = runtime.seal(request, type: .replayRequest) else { return }
        for executor in runtime.topology.nodes(.executor) { runtime.send(envelope, to: Array(executor.id.utf8), on: replay) }
    }
}
