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
