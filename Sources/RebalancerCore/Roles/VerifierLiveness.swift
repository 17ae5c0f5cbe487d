/// Which verifiers a coordinator has heard from recently, and whether a quorum of them is alive:
/// the coordinator's hold while it is not, said once when it is lost and once when it returns.
public struct VerifierLiveness: Sendable {
    /// What changed at a check.
    public enum Change: Sendable, Equatable {
        /// Fewer than the quorum are alive (first said, or a different set is silent).
        /// `everReached` is false while the quorum has never been reached since the start.
        case lost(Coordinator.Hold, everReached: Bool)
        /// A quorum is alive again (`again: false` the first time it is reached).
        case reached(alive: [NodeID], again: Bool)
    }

    /// The outcome of one check.
    public struct Check: Sendable, Equatable {
        /// Verifiers heard within the staleness bound.
        public var alive: [NodeID]
        /// The hold for the coordinator core: nil while a quorum is alive.
        public var hold: Coordinator.Hold?
        /// What changed, if anything.
        public var change: Change?
    }

    private let topology: Topology
    private var seen: [NodeID: Nanos] = [:]
    private var everReached = false
    private var lastLost: Coordinator.Hold?
    /// The current hold (`.starting` until a quorum is first heard).
    public private(set) var hold: Coordinator.Hold? = .starting

    /// Liveness of the topology's verifiers, none heard yet.
    public init(topology: Topology) { self.topology = topology }

    /// A verifier was heard (any authenticated message).
    public mutating func heard(_ verifier: NodeID, now: Nanos) { seen[verifier] = now }

    /// Checks who is alive at `now`.
    public mutating func check(now: Nanos) -> Check {
        let deadline = topology.timing.staleAfterMs * Nanos.perMillisecond
        let ids = topology.verifiers.map(\.id)
        let alive = ids.filter { id in seen[id].map { now - $0 <= deadline } ?? false }
        if alive.count < topology.quorum {
            let lost = Coordinator.Hold.quorumUnreachable(alive: alive.count, of: ids.count, needed: topology.quorum, silent: ids.filter { !alive.contains($0) })
            hold = everReached ? lost : .starting
            defer { lastLost = lost }
            return Check(alive: alive, hold: hold, change: lost == lastLost ? nil : .lost(lost, everReached: everReached))
        }
        let change: Change? = !everReached || lastLost != nil ? .reached(alive: alive, again: everReached) : nil
        everReached = true
        lastLost = nil
        hold = nil
        return Check(alive: alive, hold: nil, change: change)
    }
}
