/// Whether a venue's last good read is recent enough to act on. A watcher records every read;
/// when none has succeeded for `staleAfterMs` the venue is stale, with the reason of the last
/// failure, so nothing moves to or from it. A failure never replaces the last good snapshot with
/// zeros: it only ages it.
public struct VenueFreshness: Sendable, Equatable {
    /// What the watcher may publish now.
    public enum Status: Sendable, Equatable {
        /// The last good snapshot, read at `readAtMs`.
        case fresh(VenueSnapshot, readAtMs: Int64)
        /// No good read for longer than allowed; `reason` is the last failure (`timeout: ...`).
        case stale(reason: String, lastGoodAtMs: Int64?)
    }

    /// How long a snapshot stays usable, ms (`stale_after_ms`).
    public let staleAfterMs: Int64
    /// The last good snapshot and when it was read.
    public private(set) var lastGood: (snapshot: VenueSnapshot, atMs: Int64)?
    /// The last failure since the last good read.
    public private(set) var lastFailure: VenueError?

    /// A tracker that has read nothing yet (stale until the first good read).
    public init(staleAfterMs: Int64) {
        self.staleAfterMs = staleAfterMs
    }

    /// A read succeeded at `atMs`.
    public mutating func record(_ snapshot: VenueSnapshot, atMs: Int64) {
        lastGood = (snapshot, atMs)
        lastFailure = nil
    }

    /// A read failed at `atMs`.
    public mutating func record(_ error: VenueError, atMs: Int64) {
        lastFailure = error
    }

    /// The status at `nowMs`.
    public func status(nowMs: Int64) -> Status {
        if let lastGood, nowMs - lastGood.atMs <= staleAfterMs {
            return .fresh(lastGood.snapshot, readAtMs: lastGood.atMs)
        }
        let reason = lastFailure.map { "\($0.code): \($0)" } ?? (lastGood == nil ? "no_read: not read yet" : "no_read: no read for \(staleAfterMs) ms")
        return .stale(reason: reason, lastGoodAtMs: lastGood?.atMs)
    }

    public static func == (lhs: VenueFreshness, rhs: VenueFreshness) -> Bool {
        lhs.staleAfterMs == rhs.staleAfterMs && lhs.lastGood?.snapshot == rhs.lastGood?.snapshot
            && lhs.lastGood?.atMs == rhs.lastGood?.atMs && lhs.lastFailure == rhs.lastFailure
    }
}
