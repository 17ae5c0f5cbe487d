import RebalancerCore
import RebalancerVenues

/// When a watcher reads a real venue and what it says about the venue's freshness: one read at a
/// time, every `poll_ms`; a venue with no good read for `stale_after_ms` is stale (with the last
/// failure's reason) and is warned about once, then again with a doubling interval, and noticed
/// once when a read succeeds again.
///
/// A value type with no clock: the watcher passes `now` in and logs what it returns.
public struct VenuePoll: Sendable {
    /// Time between the starts of two reads.
    public let interval: Nanos
    /// The last good read and the last failure (never a zero balance for an error).
    public private(set) var freshness: VenueFreshness
    /// Whether a read is under way.
    public private(set) var reading = false
    /// Failures since the last good read.
    public private(set) var failuresInARow = 0
    private var nextReadAt: Nanos
    private var warnings: UpstreamWatch

    /// What the watcher should log.
    public enum Event: Sendable, Equatable {
        /// No good read for `forMs`: the venue is stale for `reason`; the next warning in `nextInMs`.
        case stale(reason: String, forMs: Int64, nextInMs: Int64)
        /// A good read after the venue was reported stale for `afterMs`.
        case recovered(afterMs: Int64)
    }

    /// A poll that reads at once, starting at `now`.
    public init(intervalMs: Int64, staleAfterMs: Int64, venue: VenueID, now: Nanos) {
        interval = max(1, intervalMs) * Nanos.perMillisecond
        freshness = VenueFreshness(staleAfterMs: staleAfterMs)
        nextReadAt = now
        warnings = UpstreamWatch(upstream: venue, endpoint: "-", staleAfterMs: staleAfterMs, now: now)
    }

    /// True (and the read counts as started) when no read is under way and one is due at `now`.
    public mutating func startRead(now: Nanos) -> Bool {
        guard !reading, now >= nextReadAt else { return false }
        reading = true
        nextReadAt = now + interval
        return true
    }

    /// The read started last succeeded at `now`: `.recovered` if the venue had been reported stale.
    public mutating func succeeded(_ snapshot: VenueSnapshot, now: Nanos) -> Event? {
        reading = false
        failuresInARow = 0
        freshness.record(snapshot, atMs: now / Nanos.perMillisecond)
        guard case let .recovered(afterMs) = warnings.heard(now: now) else { return nil }
        return .recovered(afterMs: afterMs)
    }

    /// The read started last failed at `now`; the last good snapshot only ages.
    public mutating func failed(_ error: VenueError, now: Nanos) {
        reading = false
        failuresInARow += 1
        freshness.record(error, atMs: now / Nanos.perMillisecond)
    }

    /// Whether the last good read is recent enough to publish at `now`.
    public func isFresh(now: Nanos) -> Bool {
        if case .fresh = freshness.status(nowMs: now / Nanos.perMillisecond) { return true }
        return false
    }

    /// Called periodically: `.stale` when a warning is due.
    public mutating func check(now: Nanos) -> Event? {
        guard case let .silent(forMs, nextInMs) = warnings.check(now: now) else { return nil }
        let reason: String
        switch freshness.status(nowMs: now / Nanos.perMillisecond) {
        case let .stale(text, _): reason = text
        case .fresh: reason = "no_read: no read for \(freshness.staleAfterMs) ms"
        }
        return .stale(reason: reason, forMs: forMs, nextInMs: nextInMs)
    }
}
