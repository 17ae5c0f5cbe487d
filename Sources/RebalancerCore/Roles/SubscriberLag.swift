/// The Suicidal Snail rule for a subscriber of signed states (ZeroMQ Guide, chapter 5): a state
/// observed longer ago than the staleness bound means this subscriber has fallen behind, and it
/// must not decide on it; the next fresh state resynchronises it. Said loudly, but at most once
/// per `warnEvery`, so a subscriber that stays behind does not flood its log.
public struct SubscriberLag: Sendable, Equatable {
    /// What one state's age says.
    public enum Verdict: Sendable, Equatable {
        /// Within the bound: decide on it.
        case fresh
        /// Older than the bound by `lag` in all: ignore it; `warn` when it is to be said loudly now.
        case behind(lag: Nanos, warn: Bool)
    }

    /// The staleness bound.
    public let bound: Nanos
    /// The least time between two warnings.
    public let warnEvery: Nanos
    /// When the last warning was said.
    private var lastWarning: Nanos?

    /// A check against `bound`, warning at most once per `warnEvery` (default one second).
    public init(bound: Nanos, warnEvery: Nanos = Nanos.perSecond) {
        self.bound = bound
        self.warnEvery = warnEvery
    }

    /// The topology's staleness bound.
    public init(topology: Topology) {
        self.init(bound: topology.timing.staleAfterMs * Nanos.perMillisecond)
    }

    /// Checks a state observed at `observedAt`, at `now`.
    public mutating func check(observedAt: Nanos, now: Nanos) -> Verdict {
        let lag = now - observedAt
        guard lag > bound else { return .fresh }
        if let lastWarning, now - lastWarning <= warnEvery { return .behind(lag: lag, warn: false) }
        lastWarning = now
        return .behind(lag: lag, warn: true)
    }
}
