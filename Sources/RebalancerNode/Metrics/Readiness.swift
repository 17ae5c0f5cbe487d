import Foundation

/// Whether a node is ready to do its work, as `/readyz` and `rebalancer status` report it: its
/// role decides each tick (a watcher: its venue read fresh; the coordinator: a quorum of verifiers
/// heard; a verifier or executor: its coordinator heard) and says why not.
/// `@unchecked Sendable`: both stored fields are read and written only under `lock`.
public final class Readiness: @unchecked Sendable {
    // A lock guards both fields.
    private let lock = NSLock()
    private var ready: Bool
    private var reason: String

    /// Starts ready or not, with the reason shown while not.
    public init(ready: Bool, reason: String) {
        self.ready = ready
        self.reason = reason
    }

    /// Records the role's verdict; `reason` says what is missing when not ready.
    public func set(ready: Bool, reason: String = "") {
        lock.lock()
        self.ready = ready
        self.reason = ready ? "" : reason
        lock.unlock()
    }

    /// The current verdict and, when not ready, why.
    public var state: (ready: Bool, reason: String) {
        lock.lock()
        defer { lock.unlock() }
        return (ready, reason)
    }
}
