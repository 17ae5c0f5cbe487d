import Foundation

/// A process's metrics: named monotonic counters and gauges, safe to bump from any thread.
///
/// They travel in heartbeats (so a monitor sees them live) and are printed on shutdown.
public final class Counters: @unchecked Sendable {
    // A lock guards the dictionary; every access goes through it.
    private let lock = NSLock()
    private var values: [String: Int64] = [:]

    /// Creates an empty set of counters.
    public init() {}

    /// Adds `by` to a counter.
    public func increment(_ name: String, by: Int64 = 1) {
        lock.lock()
        values[name, default: 0] += by
        lock.unlock()
    }

    /// Sets a gauge.
    public func set(_ name: String, _ value: Int64) {
        lock.lock()
        values[name] = value
        lock.unlock()
    }

    /// One counter's value.
    public subscript(name: String) -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        return values[name, default: 0]
    }

    /// Every counter.
    public var snapshot: [String: Int64] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
