/// When a watcher reads a real venue and what it says about the venue's freshness: one read at a
/// time, every `poll_ms`; a venue with no good read for `stale_after_ms` is stale (with the last
/// failure's reason) and is warned about once, then again with a doubling interval, and noticed
/// once when a read succeeds again.
///
/// A value type with no clock: the `Watcher` core passes `now` in and turns what it returns into
/// directives.
public struct VenuePoll: Sendable {
    /// Time between the starts of two reads.
    public let interval: Nanos
    /// How long a good read stays usable, ms (`stale_after_ms`).
    public let staleAfterMs: Int64
    /// When the last good read succeeded, if any.
    public private(set) var lastGoodAt: Nanos?
    /// Why the last read since the last good one failed (`code: detail`), if one did.
    public private(set) var lastFailure: String?
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
        self.staleAfterMs = staleAfterMs
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
    public mutating func succeeded(now: Nanos) -> Event? {
        reading = false
        failuresInARow = 0
        lastGoodAt = now
        lastFailure = nil
        guard case let .recovered(afterMs) = warnings.heard(now: now) else { return nil }
        return .recovered(afterMs: afterMs)
    }

    /// The read started last failed at `now` for `reason`; the last good read only ages.
    public mutating func failed(reason: String, now: Nanos) {
        reading = false
        failuresInARow += 1
        lastFailure = reason
    }

    /// Whether the last good read is recent enough to publish at `now`.
    public func isFresh(now: Nanos) -> Bool {
        guard let lastGoodAt else { return false }
        return now - lastGoodAt <= staleAfterMs * Nanos.perMillisecond
    }

    /// Called periodically: `.stale` when a warning is due.
    public mutating func check(now: Nanos) -> Event? {
        guard case let .silent(forMs, nextInMs) = warnings.check(now: now) else { return nil }
        let reason: String
        if isFresh(now: now) {
            reason = "no_read: no read for \(staleAfterMs) ms"
        } else {
            reason = lastFailure ?? (lastGoodAt == nil ? "no_read: not read yet" : "no_read: no read for \(staleAfterMs) ms")
        }
        return .stale(reason: reason, forMs: forMs, nextInMs: nextInMs)
    }
}
