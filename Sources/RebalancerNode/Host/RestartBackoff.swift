/// How long to wait before restarting a child process that exited: doubling from `initial` up
/// to `maximum` while it keeps dying, back to `initial` once it had run for `stableAfter`.
public struct RestartBackoff: Sendable {
    /// The first delay.
    public var initial: Duration
    /// The longest delay.
    public var maximum: Duration
    /// A run at least this long resets the delay to `initial`.
    public var stableAfter: Duration
    private var next: Duration

    /// A backoff policy; the defaults restart after 0.5 s, 1 s, 2 s, ... up to 30 s.
    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30), stableAfter: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = maximum
        self.stableAfter = stableAfter
        next = initial
    }

    /// The delay before restarting a child that exited after running for `uptime`.
    public mutating func delay(afterRunning uptime: Duration) -> Duration {
        if uptime >= stableAfter { next = initial }
        let delay = next
        next = min(next * 2, maximum)
        return delay
    }
}
