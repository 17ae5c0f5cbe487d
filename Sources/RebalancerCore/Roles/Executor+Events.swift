extension Executor {
    /// One approval of an approved plan, as the shell checked it: `verifies` is whether its
    /// signature verified over the recomputed digest under the key of `verifier` in the plan
    /// epoch's set (false when the set has no such verifier).
    public struct CheckedApproval: Sendable, Equatable {
        /// The verifier it names.
        public var verifier: NodeID
        /// Whether the signature verified.
        public var verifies: Bool

        /// Creates a checked approval.
        public init(verifier: NodeID, verifies: Bool) {
            self.verifier = verifier
            self.verifies = verifies
        }
    }

    /// How an approved plan's signatures counted.
    public struct SignatureTally: Sendable, Equatable {
        /// Distinct verifiers of the set whose signature verified.
        public var valid: Set<NodeID> = []
        /// Signatures by a node outside the plan epoch's set.
        public var unknownSigner = 0
        /// A second signature by one verifier.
        public var duplicate = 0
        /// Signatures that did not verify.
        public var invalid = 0
    }

    /// What happens to an executor.
    public enum Event: Sendable {
        /// An approved plan from a coordinator's feed or replay, its approvals checked by the shell.
        /// `previousPlanSeq` is the coordinator's hint of the approved plan before it.
        case approved(Plan, previousPlanSeq: UInt64, approvals: [CheckedApproval])
        /// A coordinator's heartbeat on its plan feed: the last plan it approved.
        case coordinatorHeartbeat(lastPlanSeq: UInt64)
        /// A coordinator's heartbeat on the replay socket: the end of a replay batch, which holds
        /// approved plans up to `upTo`.
        case replayEnded(upTo: UInt64)
        /// A verifier-set rotation relayed by a coordinator; `validSigners` are the members of the
        /// current set whose signature over it verified (checked by the shell).
        case rotation(VerifierSets.Rotation, validSigners: Set<NodeID>)
        /// The record durably holds a rotation this core asked to record: apply it.
        case rotationRecorded(VerifierSets.Rotation, validSigners: Set<NodeID>)
        /// Something happened to a transfer being followed (`Executor+Transfers.swift`).
        case transfer(TransferEvent)
        /// Time passed (the tick the last `.scheduleTick` asked for).
        case tick
    }

    /// The set of verifiers whose signatures an approved plan's approvals are checked against.
    public func keys(for plan: Plan, now: Nanos) -> [NodeID: [UInt8]] { sets.set(for: plan.epoch, now: now)?.members ?? [:] }

    /// Counts a plan's checked approvals: each verifier of the set once, with a verified signature.
    public func tally(_ approvals: [CheckedApproval], epoch: UInt64, now: Nanos) -> SignatureTally {
        let members = sets.set(for: epoch, now: now)?.members ?? [:]
        var tally = SignatureTally()
        for approval in approvals {
            guard members[approval.verifier] != nil else {
                tally.unknownSigner += 1
                continue
            }
            guard !tally.valid.contains(approval.verifier) else {
                tally.duplicate += 1
                continue
            }
            guard approval.verifies else {
                tally.invalid += 1
                continue
            }
            tally.valid.insert(approval.verifier)
        }
        return tally
    }

    /// Takes one event at `now` and returns what the shell must do, in order.
    public mutating func on(_ event: Event, now: Nanos) -> [Directive] {
        switch event {
        case let .approved(plan, previousPlanSeq, approvals):
            let tally = tally(approvals, epoch: plan.epoch, now: now)
            return [.signatures(planSeq: plan.planSeq, tally)] + onApproved(plan, previousPlanSeq: previousPlanSeq, validSigners: tally.valid, now: now)
        case let .coordinatorHeartbeat(lastPlanSeq):
            // The coordinator approved something this executor never saw: a gap (asked once per plan).
            guard lastPlanSeq > highestSeen, lastPlanSeq > lastCoordinatorHeartbeat else { return [] }
            lastCoordinatorHeartbeat = lastPlanSeq
            return [.requestReplay(after: highestSeen)]
        case let .replayEnded(upTo):
            if highestSeen >= upTo {
                replay = ReplayRetry()
                return [.replayComplete(upTo: upTo)]
            }
            replay.behind = upTo
            replay.retryAt = now + replay.interval
            let wait = replay.interval
            replay.interval = min(replay.interval * 2, Self.maxReplayRetryInterval)
            return [.replayIncomplete(upTo: upTo, retryIn: wait)]
        case let .rotation(rotation, signers):
            // Re-published (the coordinator relays it every heartbeat): applied already.
            guard rotation.next.epoch > sets.current.epoch else { return [] }
            var trial = sets
            switch trial.apply(rotation, validSigners: signers, now: now) {
            case .success: return [.recordRotation(rotation, validSigners: signers)]
            case let .failure(reason): return [.rotationRefused(rotation, reason, validSigners: signers)]
            }
        case let .rotationRecorded(rotation, signers):
            // Applied to the sets as they are now: the same rotation relayed twice during the write is applied once.
            guard case .success = rotate(rotation, validSigners: signers, now: now) else { return [] }
            return [.rotated(rotation, validSigners: signers)]
        case let .transfer(event):
            return onTransfer(event, now: now).map(Directive.transfer)
        case .tick:
            let next = Directive.scheduleTick(after: Self.tickInterval(topology))
            let follow = followTransfers(now: now).map(Directive.transfer)
            guard let behind = replay.behind, now >= replay.retryAt else { return [next] + follow }
            replay.behind = nil
            return (highestSeen < behind ? [.requestReplay(after: highestSeen), next] : [next]) + follow
        }
    }

    /// How often an executor ticks: once a heartbeat (it heartbeats, retries replays and follows
    /// its transfers from the tick).
    public static func tickInterval(_ topology: Topology) -> Nanos { topology.timing.heartbeatMs * Nanos.perMillisecond }

    /// The longest wait before asking again for plans a replay batch did not bring up to date.
    public static let maxReplayRetryInterval: Nanos = 30 * Nanos.perSecond

    /// A replay batch that ended below the coordinator's last plan: when to ask again.
    struct ReplayRetry: Sendable {
        var behind: UInt64?
        var retryAt: Nanos = 0
        var interval: Nanos = Nanos.perSecond
    }
}
