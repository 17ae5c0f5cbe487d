/// Notices when a role's upstream (the feed it cannot work without) falls silent, so the role
/// says so instead of saying nothing: a warning after `stale_after_ms` of silence, repeated with
/// a doubling interval (at most `maxInterval`), and one notice when the upstream is heard again.
///
/// A value type with no clock: the shell passes `now` in and logs what it returns (`NodeRuntime.report`).
public struct UpstreamWatch: Sendable {
    /// The longest wait between two warnings about one silence.
    public static let maxInterval: Nanos = 60 * Nanos.perSecond

    /// What the role waits on, for logs: the peer and endpoint name (e.g. `venues.feed`).
    public let upstream: String
    /// The endpoint's address (e.g. `tcp://127.0.0.1:7000`).
    public let endpoint: String
    private let staleAfter: Nanos
    private var lastHeard: Nanos
    private var silent = false
    private var nextWarning: Nanos
    private var interval: Nanos

    /// What a call observed.
    public enum Event: Sendable, Equatable {
        /// Nothing heard for `forMs`; the next warning comes in `nextInMs` if it stays silent.
        case silent(forMs: Int64, nextInMs: Int64)
        /// Heard again after `afterMs` of silence.
        case recovered(afterMs: Int64)
    }

    /// Starts watching at `now`, as if the upstream had just been heard.
    public init(upstream: String, endpoint: String, staleAfterMs: Int64, now: Nanos) {
        self.upstream = upstream
        self.endpoint = endpoint
        staleAfter = max(1, staleAfterMs) * Nanos.perMillisecond
        lastHeard = now
        nextWarning = now + staleAfter
        interval = staleAfter
    }

    /// The upstream was heard at `now`: `.recovered` if it had been reported silent.
    public mutating func heard(now: Nanos) -> Event? {
        defer {
            lastHeard = now
            silent = false
            interval = staleAfter
            nextWarning = now + staleAfter
        }
        guard silent else { return nil }
        return .recovered(afterMs: (now - lastHeard) / Nanos.perMillisecond)
    }

    /// True while the upstream was heard within `stale_after_ms` of `now`.
    public func isFresh(now: Nanos) -> Bool { now - lastHeard <= staleAfter }

    /// Called periodically: `.silent` when a warning is due.
    public mutating func check(now: Nanos) -> Event? {
        guard now >= nextWarning else { return nil }
        silent = true
        interval = min(interval * 2, Self.maxInterval)
        nextWarning = now + interval
        return .silent(forMs: (now - lastHeard) / Nanos.perMillisecond, nextInMs: interval / Nanos.perMillisecond)
    }
}
