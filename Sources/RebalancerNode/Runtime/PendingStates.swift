import RebalancerCore
import RebalancerWire
import ZeroMQ

/// Watcher state frames admitted (`WatcherStates.admit`) but not opened yet: the newest per
/// venue. A frame replaced by a newer one of its venue before it was opened is never checked;
/// `keep` says so, and the shell counts it (`states.conflated`), so every frame that arrived is
/// either counted as a drop, opened, or counted as conflated.
struct PendingStates: Sendable {
    /// One admitted frame.
    struct Frame: Sendable {
        /// The envelope frame as received.
        let bytes: [UInt8]
        /// The envelope, decoded, its signature not checked yet.
        let envelope: Envelope
        /// Its payload, decoded.
        let wire: WireVenueState
        /// The socket it came on.
        let handle: SocketLoop.Handle
        /// When it arrived.
        let arrival: Nanos

        /// The venue it claims to be a state of (its watcher's own, checked on admission).
        var venue: VenueID { wire.venue }
    }

    private(set) var frames: [VenueID: Frame] = [:]

    /// Keeps `frame` as its venue's newest (by arrival: a claimed sequence or time is not checked
    /// yet, so it must not keep an honest later frame out); true when it replaced one unopened.
    mutating func keep(_ frame: Frame) -> Bool {
        frames.updateValue(frame, forKey: frame.venue) != nil
    }

    /// Takes the frame kept for `venue`, if any.
    mutating func take(_ venue: VenueID) -> Frame? { frames.removeValue(forKey: venue) }

    /// Takes every kept frame, oldest arrival first.
    mutating func takeAll() -> [Frame] {
        defer { frames = [:] }
        return frames.values.sorted { $0.arrival < $1.arrival }
    }

    /// Whether nothing is kept.
    var isEmpty: Bool { frames.isEmpty }
}
