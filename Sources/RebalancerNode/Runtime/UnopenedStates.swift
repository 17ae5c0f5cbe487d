import RebalancerCore
import ZeroMQ

/// Watcher-state frames a verifier keeps unopened until it needs them: the newest frame of each
/// feed and topic, and when it arrived.
///
/// Checking a signature costs far more than keeping bytes, and most states are superseded before
/// anything reads them; so a verifier opens (signature, payload, staleness at arrival) the states
/// a proposal's judgement reads just before it judges, and all the others once a tick, and takes
/// each into its view with its arrival time: the view it judges on is the one it would hold had it
/// opened every state on arrival, and every bad frame is still counted and logged, within a tick.
struct UnopenedStates: Sendable {
    /// One kept frame.
    struct Frame: Sendable, Equatable {
        /// The feed it came from.
        let handle: SocketLoop.Handle
        /// The envelope bytes, unopened.
        let bytes: [UInt8]
        /// When it arrived.
        let arrival: Nanos
    }

    private struct Key: Hashable {
        let handle: SocketLoop.Handle
        let topic: [UInt8]
    }

    private var newest: [Key: Frame] = [:]
    private let venueOf: [SocketLoop.Handle: VenueID]

    /// `venueOf` names the venue each watcher feed carries.
    init(venueOf: [SocketLoop.Handle: VenueID]) {
        self.venueOf = venueOf
    }

    /// How many frames are kept.
    var count: Int { newest.count }

    /// Keeps `bytes` as the newest frame of `topic` on `handle`'s feed. The same bytes again (a
    /// watcher's heartbeat re-publish) keep the first arrival: a re-published copy must not make
    /// a silent venue look fresh.
    mutating func keep(_ bytes: [UInt8], topic: [UInt8], from handle: SocketLoop.Handle, at arrival: Nanos) {
        let key = Key(handle: handle, topic: topic)
        if let current = newest[key], current.bytes == bytes { return }
        newest[key] = Frame(handle: handle, bytes: bytes, arrival: arrival)
    }

    /// Removes and returns the kept frames of the feeds of `venues` (every frame when nil), oldest
    /// arrival first.
    mutating func take(venues: Set<VenueID>? = nil) -> [Frame] {
        let keys = newest.keys.filter { key in venues.map { wanted in venueOf[key.handle].map(wanted.contains) ?? true } ?? true }
        let frames = keys.compactMap { newest.removeValue(forKey: $0) }
        return frames.sorted { $0.arrival < $1.arrival }
    }
}
