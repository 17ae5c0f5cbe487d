import RebalancerCore
import RebalancerWire
import ZeroMQ

/// The one intake of watcher-signed venue states, shared by the coordinator and the verifiers:
/// signature, payload, the watcher's own venue and topology, and the staleness bound.
struct WatcherStates: Sendable {
    private let opener: EnvelopeOpener
    private let venueOf: [NodeID: VenueID]
    private let topologyID: String

    init(topology: Topology) {
        opener = EnvelopeOpener(senders: topology.signingKeys(of: .watcher), types: [.venueState])
        venueOf = topology.watcherVenues
        topologyID = topology.id
    }

    /// The state in `envelope` if the topology's watcher of that very venue signed it; no I/O.
    func verified(_ envelope: Envelope) -> VenueState? {
        guard envelope.type == .venueState, let key = opener.senders[envelope.sender], envelope.isSigned(by: key),
              let wire = try? WireVenueState(serializedBytes: envelope.payload), bound(wire, sender: envelope.sender)
        else { return nil }
        return VenueState(wire: wire)
    }

    /// Opens a state frame from a feed; a drop is counted and logged by reason, and a state older
    /// than the staleness bound is refused loudly (the subscriber has fallen behind).
    func open(_ bytes: [UInt8], from handle: SocketLoop.Handle, runtime: NodeRuntime) -> (OpenedEnvelope, VenueState)? {
        guard let opened = runtime.open(bytes, with: opener, from: handle) else { return nil }
        guard let wire = opened.decode(WireVenueState.self) else {
            runtime.drop(.malformedPayload, from: handle, sender: opened.sender, type: opened.type)
            return nil
        }
        guard bound(wire, sender: opened.sender) else {
            runtime.drop(.unknownSender, from: handle, sender: opened.sender, type: opened.type)
            return nil
        }
        guard !runtime.fellBehind(observedAt: wire.observedAtNs, venue: wire.venue) else { return nil }
        return (opened, VenueState(wire: wire))
    }

    private func bound(_ wire: WireVenueState, sender: NodeID) -> Bool {
        venueOf[sender] == wire.venue && wire.topologyID == topologyID
    }
}
