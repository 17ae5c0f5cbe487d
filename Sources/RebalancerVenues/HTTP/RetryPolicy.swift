/// When to try a failed venue request again: only for retryable errors (`VenueError.isRetryable`),
/// at most `maxAttempts` times in all, after an exponential backoff with jitter.
///
/// The jitter comes from an injected source of numbers in [0, 1), so tests replay it exactly.
public struct RetryPolicy: Sendable {
    /// Attempts in all, including the first (at least 1).
    public var maxAttempts: Int
    /// The backoff before the second attempt, before jitter, ms.
    public var baseDelayMs: Int64
    /// The longest backoff, ms.
    public var maxDelayMs: Int64
    /// Returns a number in [0, 1) for the jitter.
    public var random: @Sendable () -> Double

    /// A policy; `random` defaults to the system generator.
    public init(
        maxAttempts: Int = 3, baseDelayMs: Int64 = 200, maxDelayMs: Int64 = 5_000,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelayMs = max(0, baseDelayMs)
        self.maxDelayMs = max(self.baseDelayMs, maxDelayMs)
        self.random = random
    }

    /// Whether to try again after `error` on attempt `attempt` (1-based).
    public func shouldRetry(_ error: VenueError, attempt: Int) -> Bool {
        error.isRetryable && attempt < maxAttempts
    }

    /// The backoff after failed attempt `attempt` (1-based): half the exponential step plus a
    /// random part of the other half ("equal jitter"), so retries spread but never shrink to zero.
    public func delayMs(afterAttempt attempt: Int) -> Int64 {
        let shift = min(max(attempt - 1, 0), 30)
        let step = min(maxDelayMs, baseDelayMs << Int64(shift))
        let half = step / 2
        let jitter = Int64((Double(step - half) * min(max(random(), 0), 0.999_999)).rounded(.down))
        return half + jitter
    }
}
