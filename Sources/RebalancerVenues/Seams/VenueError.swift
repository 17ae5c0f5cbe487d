/// Why a venue could not be read or a transfer could not be made. Every adapter maps its
/// venue's failures onto these, so the watcher and the executor decide the same way for all.
public enum VenueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The venue asked us to slow down (HTTP 429, or 418 when banned); nothing may be sent
    /// before `retryAfterMs` has passed.
    case rateLimited(retryAfterMs: Int64, status: Int)
    /// Credentials refused (Binance -1022 bad signature, -2015 bad key or permissions, HTTP 401/403).
    case unauthorized(code: Int, message: String)
    /// No answer within the timeout.
    case timeout(afterMs: Int64)
    /// The venue answered with a server error (5xx) or could not be reached.
    case unavailable(String)
    /// The answer was not what the venue's docs say: not JSON, or a field missing or of the wrong type.
    case malformed(field: String, detail: String)
    /// The venue refused the request itself (insufficient balance, address not allow-listed, withdrawals disabled).
    case rejected(code: Int, message: String)
    /// No transfer under that key.
    case notFound
    /// The adapter cannot do this (a read-only adapter asked to transfer).
    case unsupported(String)

    /// Whether trying again later may succeed.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .timeout, .unavailable: true
        case .unauthorized, .malformed, .rejected, .notFound, .unsupported: false
        }
    }

    /// A short reason code for counters and stale reasons (`rate_limited`, `timeout`, ...).
    public var code: String {
        switch self {
        case .rateLimited: "rate_limited"
        case .unauthorized: "unauthorized"
        case .timeout: "timeout"
        case .unavailable: "unavailable"
        case .malformed: "malformed"
        case .rejected: "rejected"
        case .notFound: "not_found"
        case .unsupported: "unsupported"
        }
    }

    public var description: String {
        switch self {
        case .rateLimited(let ms, let status): "rate limited (HTTP \(status)), retry after \(ms) ms"
        case .unauthorized(let code, let message): "unauthorized (\(code)): \(message)"
        case .timeout(let ms): "no answer within \(ms) ms"
        case .unavailable(let detail): "unavailable: \(detail)"
        case .malformed(let field, let detail): "malformed response at \(field): \(detail)"
        case .rejected(let code, let message): "rejected (\(code)): \(message)"
        case .notFound: "no transfer under that key"
        case .unsupported(let what): "unsupported: \(what)"
        }
    }
}
