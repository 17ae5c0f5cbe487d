/// Whether a coordinator may propose, decided in the core: a quorum of verifiers heard within the
/// staleness bound, and this coordinator leading (by the etcd lease, or by silence and order).
/// The shell only reports what it heard and carries out `.standing`: logs, counters, readiness.
extension Coordinator {
    /// What a coordinator that keeps its own standing tracks (`init(me:)`).
    struct Standing: Sendable {
        /// This coordinator.
        let me: NodeID
        /// Which verifiers were heard recently.
        var liveness: VerifierLiveness
        /// Who leads; made at the first event (its silence deadline counts from there).
        var leadership: Leadership?
        /// What the coordination service last said, as far as the log was told.
        var leaseSeen = LeaseSeen.nothing
    }

    /// What the coordination service last said, as far as the log was told.
    enum LeaseSeen: Sendable, Equatable {
        /// Nothing yet.
        case nothing
        /// This holder (nil: nobody).
        case held(NodeID?)
        /// It could not be reached.
        case unreachable
    }

    /// What an answer of the coordination service changed, for the log: each change said once,
    /// not every answer.
    public enum LeaseNews: Sendable, Equatable {
        /// It answers again after it could not be reached: the lease decides who leads.
        case answersAgain
        /// The lease has a new holder (nil: nobody), or this is the service's first answer.
        case holder(NodeID?)
        /// It cannot be reached (after answering, or from the start): silence and order decide.
        case unreachable
    }

    /// What one tick's standing check found.
    public struct StandingReport: Sendable, Equatable {
        /// The verifiers heard within the staleness bound, the hold they impose, and what changed.
        public var verifiers: VerifierLiveness.Check
        /// Whether this coordinator took over or stood down at this tick.
        public var leadership: Leadership.Change?
        /// Whether this coordinator leads now.
        public var leads: Bool
        /// Each venue whose latest state is older than the staleness bound (true) or not.
        public var staleVenues: [VenueID: Bool]
        /// The hold set for planning (nil: it may propose).
        public var hold: Hold?
    }

    /// Creates a coordinator that decides its own hold: it proposes nothing until a quorum of
    /// verifiers has been heard (a proposal sent to a verifier that has not (re)connected yet is
    /// lost, and its planSeq burnt), nor before it leads.
    public init(me: NodeID, topology: Topology, strategy: any Strategy, lastPlanSeq: UInt64, lastApproved: UInt64, digest: @escaping @Sendable (Plan) -> [UInt8]) {
        self.init(topology: topology, strategy: strategy, lastPlanSeq: lastPlanSeq, lastApproved: lastApproved, digest: digest)
        standing = Standing(me: me, liveness: VerifierLiveness(topology: topology))
        hold = .starting
    }

    /// Takes the standing events; false for every other event.
    mutating func standingEvent(_ event: Event, now: Nanos) -> Bool {
        guard var current = standing else { return false }
        if current.leadership == nil { current.leadership = Leadership(me: current.me, topology: topology, now: now) }
        defer { standing = current }
        switch event {
        case let .peerHeartbeat(peer, leads): current.leadership?.heard(peer, leads: leads, at: now)
        case let .lease(holder, validUntil): current.leadership?.leased(holder: holder, validUntil: validUntil)
        case .leaseUnreachable: current.leadership?.leaseUnreachable()
        case let .verifierSigned(verifier, _): current.liveness.heard(verifier, now: now)
        case let .vote(vote, _): current.liveness.heard(vote.verifier, now: now)
        default: break
        }
        switch event {
        case .peerHeartbeat, .lease, .leaseUnreachable: return true
        default: return false
        }
    }

    /// What a lease event changed in what the coordination service says (nothing for other events).
    mutating func leaseNews(_ event: Event) -> [Directive] {
        guard let seen = standing?.leaseSeen else { return [] }
        switch event {
        case let .lease(holder, _):
            standing?.leaseSeen = .held(holder)
            return (seen == .unreachable ? [.lease(.answersAgain)] : []) + (seen == .held(holder) ? [] : [.lease(.holder(holder))])
        case .leaseUnreachable:
            standing?.leaseSeen = .unreachable
            return seen == .unreachable ? [] : [.lease(.unreachable)]
        default:
            return []
        }
    }

    /// At a tick: who is alive, who leads, and so the hold.
    mutating func checkStanding(now: Nanos) -> [Directive] {
        guard var current = standing, var leadership = current.leadership else { return [] }
        let verifiers = current.liveness.check(now: now)
        let change = leadership.evaluate(now: now)
        let hold = leadership.leads ? verifiers.hold : .standby(leader: leadership.leader(now: now))
        current.leadership = leadership
        standing = current
        self.hold = hold
        let bound = topology.timing.staleAfterMs * Nanos.perMillisecond
        var stale: [VenueID: Bool] = [:]
        for venue in topology.venues { stale[venue.id] = now - (states[venue.id]?.observedAt ?? .min / 2) > bound }
        return [.standing(StandingReport(verifiers: verifiers, leadership: change, leads: leadership.leads, staleVenues: stale, hold: hold))]
    }
}
