import Foundation
import RebalancerCore

/// The source of time for a node's shell; the core never reads a clock itself.
public protocol NodeClock: Sendable {
    /// Now, in nanoseconds since the Unix epoch.
    func now() -> Nanos
}

/// The system's wall clock.
public struct WallClock: NodeClock {
    /// Creates the clock.
    public init() {}

    /// Now, from `clock_gettime(CLOCK_REALTIME)`.
    public func now() -> Nanos {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Nanos(ts.tv_sec) * Nanos.perSecond + Nanos(ts.tv_nsec)
    }
}
