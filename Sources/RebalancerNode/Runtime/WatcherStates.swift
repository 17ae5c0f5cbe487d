import RebalancerCore
import RebalancerWire
import ZeroMQ

/// The one intake of watcher-signed venue states, shared by the coordinator and the verifiers:
/// signature, payload, the watcher's own venue and topology, and the staleness bound.
///
/// In two steps, so a state's signature is checked once, when it is used: `admit` checks on
/// arrival everything but the signature (framing, envelope, type, sender, payload, the sender's
/// own venue and topology, the staleness bound), counting every drop; the frame is then kept
/// unopened (`PendingStates`, the newest per venue; one replaced before it was opened is counted
/// as conflated); `confirm` checks its signature when a decision uses it, counting a bad one.
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

    /// Opens a state frame from a feed at once (signature included); a drop is counted and logged
    /// by reason, and a state older than the staleness bound is refused loudly.
    func open(_ bytes: [UInt8], from handle: SocketLoop.Handle, runtime: NodeRuntime) -> (OpenedEnvelope, VenueState)? {
        guard let frame = admit(bytes, from: handle, runtime: runtime) else { return nil }
        return confirm(frame, runtime: runtime)
    }

    /// Everything but the signature, on arrival: a drop is counted and logged by reason, and a
    /// state older than the staleness bound is refused loudly (the subscriber has fallen behind).
    func admit(_ bytes: [UInt8], from handle: SocketLoop.Handle, runtime: NodeRuntime) -> PendingStates.Frame? {
        guard let envelope = try? Envelope(serializedBytes: bytes) else {
            runtime.drop(.malformedEnvelope, from: handle)
            return nil
        }
        guard opener.types.contains(envelope.type) else {
            runtime.drop(.unexpectedType, from: handle, sender: envelope.sender, type: envelope.type)
            return nil
        }
        guard let key = opener.senders[envelope.sender] else {
            runtime.drop(.unknownSender, from: handle, sender: envelope.sender, type: envelope.type)
            return nil
        }
        // A frame refused for its payload is refused for its signature first, when that is bad
        // too: the same reason the opener gives (signature before payload), at one check per bad frame.
        let wire = try? WireVenueState(serializedBytes: envelope.payload)
        guard let wire, bound(wire, sender: envelope.sender) else {
            let reason: DropReason = !envelope.isSigned(by: key) ? .badSignature : wire == nil ? .malformedPayload : .unknownSender
            runtime.drop(reason, from: handle, sender: envelope.sender, type: envelope.type)
            return nil
        }
        guard !runtime.fellBehind(observedAt: wire.observedAtNs, venue: wire.venue) else { return nil }
        return PendingStates.Frame(bytes: bytes, envelope: envelope, wire: wire, handle: handle, arrival: runtime.clock.now())
    }

    /// The signature of an admitted frame, checked now that it is used; a bad one is counted and
    /// logged as a drop like any other.
    func confirm(_ frame: PendingStates.Frame, runtime: NodeRuntime) -> (OpenedEnvelope, VenueState)? {
        guard let opened = runtime.open(frame.bytes, with: opener, from: frame.handle) else { return nil }
        return (opened, VenueState(wire: frame.wire))
    }

    private func bound(_ wire: WireVenueState, sender: NodeID) -> Bool {
        venueOf[sender] == wire.venue && wire.topologyID == topologyID
    }
}
