import RebalancerCore
import RebalancerWire

extension Plan {
    /// A plan over `latest`, the newest signed state of each venue as a hostile coordinator saw
    /// it: the basis names each involved venue's state envelope by digest. The hostile tests, in
    /// memory and over real processes, propose such plans to real verifiers.
    public static func over(_ transfers: [Transfer], seq: UInt64, latest: [VenueID: Envelope], topology: Topology, now: Nanos) -> Plan {
        let involved = Set(transfers.flatMap { [$0.from, $0.to] }).sorted()
        let refs = involved.compactMap { venue -> BasisRef? in
            guard let envelope = latest[venue], let state = try? WireVenueState(serializedBytes: envelope.payload) else { return nil }
            return BasisRef(venue: venue, seq: state.seq, observedAt: state.observedAtNs, digest: envelope.digest)
        }
        return Plan(topologyID: topology.id, epoch: topology.epoch, planSeq: seq, createdAt: now, expiresAt: now + 4 * Nanos.perSecond,
                    transfers: transfers, basis: refs, triggerVenue: involved.first ?? "", triggerObservedAt: now, strategy: "threshold")
    }
}
