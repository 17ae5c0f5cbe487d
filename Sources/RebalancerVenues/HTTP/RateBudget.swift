/// A venue's request budget: a token bucket of request weight per minute (Binance and
/// Hyperliquid both count weight per minute per IP), plus a hard stop from a `Retry-After`.
///
/// A pure value: the caller passes the time in and sleeps for the delay it returns, so it is
/// tested without a clock. Weights larger than the whole budget are clamped to it, so a request
/// can always be sent eventually.
public struct RateBudget: Sendable, Equatable {
    /// Weight the venue allows per minute.
    public let weightPerMinute: Int
    /// Weight available now (fractional: the bucket refills continuously).
    public private(set) var available: Double
    /// Nothing may be sent before this time (ms since the epoch), from the last `Retry-After`.
    public private(set) var blockedUntilMs: Int64
    private var lastRefillMs: Int64?

    /// A full budget of `weightPerMinute`.
    public init(weightPerMinute: Int) {
        self.weightPerMinute = max(1, weightPerMinute)
        available = Double(self.weightPerMinute)
        blockedUntilMs = 0
    }

    /// How long to wait before a request of `weight` may be sent at `nowMs`; zero means send now,
    /// and the weight has then been taken from the bucket. Call again after waiting.
    public mutating func reserve(weight: Int, nowMs: Int64) -> Int64 {
        refill(nowMs: nowMs)
        if nowMs < blockedUntilMs {
            return blockedUntilMs - nowMs
        }
        let needed = Double(min(max(weight, 0), weightPerMinute))
        if available >= needed {
            available -= needed
            return 0
        }
        return max(1, Int64(((needed - available) * 60_000 / Double(weightPerMinute)).rounded(.up)))
    }

    /// The venue said to retry after `retryAfterMs` (HTTP 429 or 418 with `Retry-After`):
    /// nothing is sent before then.
    public mutating func block(retryAfterMs: Int64, nowMs: Int64) {
        blockedUntilMs = max(blockedUntilMs, nowMs + max(0, retryAfterMs))
    }

    /// The venue reported the weight already used in the current minute
    /// (Binance `X-MBX-USED-WEIGHT-1M`): the bucket holds no more than what is left.
    public mutating func observe(usedWeight: Int, nowMs: Int64) {
        refill(nowMs: nowMs)
        available = min(available, Double(max(0, weightPerMinute - usedWeight)))
    }

    private mutating func refill(nowMs: Int64) {
        if let last = lastRefillMs, nowMs > last {
            available = min(Double(weightPerMinute), available + Double(nowMs - last) * Double(weightPerMinute) / 60_000)
        }
        if lastRefillMs == nil || nowMs > lastRefillMs! {
            lastRefillMs = nowMs
        }
    }
}
