/// The executor's acceptance logic: a plan is acted on only with a quorum of valid signatures from
/// distinct verifiers of the current set, before it expires, and at most once.
public struct Executor: Sendable {
    /// Why a plan was not acted on.
    public enum Refusal: String, Sendable, Equatable {
        /// Another topology or epoch.
        case wrongTopology = "wrong_topology"
        /// The plan's epoch is neither the current verifier set's nor a previous one still in its grace period.
        case unknownEpoch = "unknown_epoch"
        /// Fewer than `quorum` valid signatures from distinct current verifiers.
        case noQuorum = "no_quorum"
        /// Past its expiry.
        case expired = "expired"
        /// This planSeq has been executed already.
        case duplicate = "duplicate"
    }

    /// What to do.
    public enum Directive: Sendable, Equatable {
        /// Carry out one transfer of an accepted plan.
        case submit(id: String, transfer: Transfer, planSeq: UInt64)
        /// Monitor-only: report what one transfer of an accepted plan would be; submit nothing.
        case wouldSubmit(id: String, transfer: Transfer, planSeq: UInt64)
        /// Record the plan as executed (durably) before submitting anything.
        case accepted(Plan)
        /// Log and count a refused plan.
        case refused(planSeq: UInt64, Refusal)
        /// Ask the coordinator for approved plans after this sequence.
        case requestReplay(after: UInt64)
        /// Count how an approved plan's signatures fared (before anything else about it).
        case signatures(planSeq: UInt64, SignatureTally)
        /// A replay batch brought this executor up to date.
        case replayComplete(upTo: UInt64)
        /// A replay batch ended below the coordinator's last plan: asked again after `retryIn`.
        case replayIncomplete(upTo: UInt64, retryIn: Nanos)
        /// Deliver the next `.tick` after this many nanoseconds.
        case scheduleTick(after: Nanos)
        /// Record this rotation durably, then report `.rotationRecorded`: it is applied only once
        /// the record holds it.
        case recordRotation(VerifierSets.Rotation, validSigners: Set<NodeID>)
        /// The rotation is applied: the current set changed.
        case rotated(VerifierSets.Rotation, validSigners: Set<NodeID>)
        /// The rotation is refused (and nothing recorded).
        case rotationRefused(VerifierSets.Rotation, VerifierSets.RotationRefusal, validSigners: Set<NodeID>)
        /// Something to do for one transfer being followed (`Executor+Transfers.swift`).
        case transfer(TransferDirective)
    }

    /// The deployment.
    public let topology: Topology
    /// Verify and record every approved plan, report what would be transferred, submit nothing.
    public let monitorOnly: Bool
    /// Plan sequences already executed.
    public private(set) var executed: Set<UInt64>
    /// The highest plan sequence seen on any feed.
    public private(set) var highestSeen: UInt64
    /// The verifier sets whose signatures count.
    public private(set) var sets: VerifierSets
    /// The highest last plan a coordinator's heartbeat announced that this executor asked a replay for.
    var lastCoordinatorHeartbeat: UInt64 = 0
    /// When to ask again after an incomplete replay.
    var replay = ReplayRetry()
    /// The transfers being driven through their gateways, by transfer id, until they are final.
    public internal(set) var transfers: [String: FollowedTransfer] = [:]

    /// Creates an executor that has already executed `executed`; a `monitorOnly` one submits nothing.
    public init(topology: Topology, executed: Set<UInt64>, monitorOnly: Bool = false) {
        self.topology = topology
        self.monitorOnly = monitorOnly
        self.executed = executed
        self.highestSeen = executed.max() ?? 0
        self.sets = VerifierSets(topology: topology)
    }

    /// The verifier set whose signatures count for a plan of `epoch` now, if any.
    public func verifierSet(for epoch: UInt64, now: Nanos) -> VerifierSet? { sets.set(for: epoch, now: now) }

    /// Hands over to a new verifier set, signed by a quorum of the current one.
    public mutating func rotate(_ rotation: VerifierSets.Rotation, validSigners: Set<NodeID>, now: Nanos) -> Result<Void, VerifierSets.RotationRefusal> {
        sets.apply(rotation, validSigners: validSigners, now: now)
    }

    /// Handles an approved plan whose signatures the shell checked: `validSigners` are the distinct
    /// verifiers of the plan epoch's set (`verifierSet(for:now:)`) whose signature verified over
    /// the digest the executor recomputed itself.
    /// `previousPlanSeq` is the coordinator's hint of the approved plan before this one, for gap detection.
    public mutating func onApproved(_ plan: Plan, previousPlanSeq: UInt64, validSigners: Set<NodeID>, now: Nanos) -> [Directive] {
        var out: [Directive] = []
        guard plan.topologyID == topology.id else { return [.refused(planSeq: plan.planSeq, .wrongTopology)] }
        guard let set = sets.set(for: plan.epoch, now: now) else { return [.refused(planSeq: plan.planSeq, .unknownEpoch)] }
        guard validSigners.intersection(set.members.keys).count >= set.quorum else {
            return [.refused(planSeq: plan.planSeq, .noQuorum)]
        }
        if previousPlanSeq > highestSeen {
            out.append(.requestReplay(after: highestSeen))
        }
        highestSeen = max(highestSeen, plan.planSeq)
        guard !executed.contains(plan.planSeq) else { return out + [.refused(planSeq: plan.planSeq, .duplicate)] }
        guard now < plan.expiresAt else { return out + [.refused(planSeq: plan.planSeq, .expired)] }
        executed.insert(plan.planSeq)
        out.append(.accepted(plan))
        for (index, transfer) in Plan.canonical(plan.transfers).enumerated() {
            let id = Transfer.id(planSeq: plan.planSeq, index: index)
            out.append(monitorOnly ? .wouldSubmit(id: id, transfer: transfer, planSeq: plan.planSeq) : .submit(id: id, transfer: transfer, planSeq: plan.planSeq))
        }
        return out
    }
}
