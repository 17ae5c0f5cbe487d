/// A verifier set: who may approve plans of one epoch, and how many must.
public struct VerifierSet: Sendable, Equatable {
    /// The epoch plans of this set carry.
    public var epoch: UInt64
    /// Ed25519 public keys by verifier id.
    public var members: [NodeID: [UInt8]]
    /// Approvals needed.
    public var quorum: Int

    /// Creates a set.
    public init(epoch: UInt64, members: [NodeID: [UInt8]], quorum: Int) {
        self.epoch = epoch
        self.members = members
        self.quorum = quorum
    }

    /// The topology's own set.
    public init(topology: Topology) {
        self.init(epoch: topology.epoch, members: topology.signingKeys(of: .verifier), quorum: topology.quorum)
    }

    /// True when `quorum` lies in (n/2, n].
    public var quorumIsSafe: Bool { quorum * 2 > members.count && quorum <= members.count }
}

/// The verifier sets an executor accepts: the current one, and the previous one until its grace
/// period ends. A rotation to a new set must be signed by a quorum of the current set.
public struct VerifierSets: Sendable, Equatable {
    /// Why a rotation was refused.
    public enum RotationRefusal: String, Sendable, Equatable, Error {
        /// Another topology.
        case wrongTopology = "wrong_topology"
        /// Not from the current epoch to the next.
        case wrongEpoch = "wrong_epoch"
        /// Fewer than the current quorum signed it.
        case noQuorum = "no_quorum"
        /// The new quorum is outside (n/2, n].
        case unsafeQuorum = "unsafe_quorum"
        /// Already applied.
        case alreadyApplied = "already_applied"
    }

    /// A proposed handover.
    public struct Rotation: Sendable, Equatable {
        /// The deployment.
        public var topologyID: String
        /// The set handing over.
        public var fromEpoch: UInt64
        /// The new set.
        public var next: VerifierSet
        /// When the new set takes over.
        public var activateAt: Nanos
        /// How long the old set's signatures stay valid after that, in milliseconds.
        public var graceMs: Int64

        /// Creates a rotation.
        public init(topologyID: String, fromEpoch: UInt64, next: VerifierSet, activateAt: Nanos, graceMs: Int64) {
            self.topologyID = topologyID
            self.fromEpoch = fromEpoch
            self.next = next
            self.activateAt = activateAt
            self.graceMs = graceMs
        }
    }

    /// The deployment.
    public let topologyID: String
    /// The current set.
    public private(set) var current: VerifierSet
    /// The previous set and the instant its signatures stop counting.
    public private(set) var previous: (set: VerifierSet, until: Nanos)?

    /// Sets starting from the topology's own.
    public init(topology: Topology) {
        topologyID = topology.id
        current = VerifierSet(topology: topology)
    }

    /// The set whose signatures count for a plan of `epoch` at `now`, or nil.
    public func set(for epoch: UInt64, now: Nanos) -> VerifierSet? {
        if epoch == current.epoch { return current }
        if let previous, previous.set.epoch == epoch, now < previous.until { return previous.set }
        return nil
    }

    /// Applies a rotation whose signatures the shell checked: `validSigners` are the distinct
    /// members of the current set whose signature over the rotation digest verified.
    public mutating func apply(_ rotation: Rotation, validSigners: Set<NodeID>, now: Nanos) -> Result<Void, RotationRefusal> {
        guard rotation.topologyID == topologyID else { return .failure(.wrongTopology) }
        if rotation.next.epoch == current.epoch && rotation.fromEpoch + 1 == current.epoch { return .failure(.alreadyApplied) }
        guard rotation.fromEpoch == current.epoch, rotation.next.epoch == current.epoch + 1 else { return .failure(.wrongEpoch) }
        guard validSigners.intersection(current.members.keys).count >= current.quorum else { return .failure(.noQuorum) }
        guard rotation.next.quorumIsSafe else { return .failure(.unsafeQuorum) }
        previous = (current, max(now, rotation.activateAt) + rotation.graceMs * Nanos.perMillisecond)
        current = rotation.next
        return .success(())
    }
}

extension VerifierSet {
    /// A readable form for logs.
    public var summary: String { "epoch \(epoch): \(quorum) of \(members.keys.sorted().joined(separator: ","))" }
}
