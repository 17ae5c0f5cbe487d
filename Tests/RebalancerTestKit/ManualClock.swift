import Foundation
import RebalancerCore
import RebalancerNode

/// A clock that moves only when told (`advance(by:)`), like swift-nio's `EmbeddedEventLoop`:
/// ticks, timeouts and staleness in role tests follow it, never the wall.
///
/// `@unchecked Sendable`: `current` is guarded by `lock`.
public final class ManualClock: NodeClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Nanos

    /// A clock reading `start` (nanoseconds since the Unix epoch); by default a fixed instant.
    public init(start: Nanos = 1_800_000_000 * Nanos.perSecond) { current = start }

    /// The clock's reading.
    public func now() -> Nanos { lock.withLock { current } }

    /// Moves the clock forward.
    public func advance(by duration: Duration) {
        lock.withLock { current += Self.nanos(duration) }
    }

    /// A duration in nanoseconds.
    public static func nanos(_ duration: Duration) -> Nanos {
        let (seconds, attoseconds) = duration.components
        return Nanos(seconds) * Nanos.perSecond + Nanos(attoseconds / 1_000_000_000)
    }
}
