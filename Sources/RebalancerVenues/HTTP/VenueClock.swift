import Foundation

/// The time source and sleeper the HTTP layer uses, injected so tests can drive time by hand.
public protocol VenueClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func nowMs() -> Int64
    /// Suspends for `ms` milliseconds (returns early only when the task is cancelled).
    func sleep(ms: Int64) async
}

/// The wall clock: `Date()` and `Task.sleep`.
public struct SystemVenueClock: VenueClock {
    /// Creates the wall clock.
    public init() {}

    public func nowMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    public func sleep(ms: Int64) async {
        guard ms > 0 else { return }
        try? await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000)
    }
}
