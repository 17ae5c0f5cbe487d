import Foundation
import Metrics

/// Sends a venue's requests inside its rate budget and retries them by its policy: before every
/// attempt it waits for the budget (so no request leaves before a `Retry-After` expires), a 429
/// or 418 blocks the budget for the time the venue asked, and a retryable failure is tried again
/// after a jittered backoff until the attempts run out; then the last error is thrown as it is.
public actor VenueRequester {
    /// The HTTP client (its timeout applies to each attempt).
    public let client: VenueHTTPClient
    /// The retry policy for reads.
    public let policy: RetryPolicy
    private let clock: any VenueClock
    private var budget: RateBudget
    private let usedWeightHeader: String?

    /// A requester with `weightPerMinute` of budget; `usedWeightHeader` (lower-case), when the
    /// venue reports its count of used weight, tightens the budget to what the venue says.
    public init(client: VenueHTTPClient, weightPerMinute: Int, policy: RetryPolicy, clock: any VenueClock = SystemVenueClock(), usedWeightHeader: String? = nil) {
        self.client = client
        self.policy = policy
        self.clock = clock
        budget = RateBudget(weightPerMinute: weightPerMinute)
        self.usedWeightHeader = usedWeightHeader
    }

    /// The budget as it stands (for tests and metrics).
    public var currentBudget: RateBudget { budget }

    /// Sends the request `build` makes (called again for every attempt, so signed requests carry
    /// a fresh timestamp). With `retry` false the request is sent at most once: for submissions
    /// whose outcome must be looked up, not repeated.
    public func perform(weight: Int, retry: Bool = true, _ build: @Sendable () throws(VenueError) -> VenueHTTPRequest) async throws(VenueError) -> VenueHTTPResponse {
        var attempt = 1
        while true {
            await waitForBudget(weight: weight)
            let request = try build()
            let host = request.url.host ?? "?"
            let started = DispatchTime.now().uptimeNanoseconds
            do throws(VenueError) {
                let response = try await client.send(request)
                Metrics.Timer(label: "rebalancer_adapter_request_seconds", dimensions: [("host", host)])
                    .recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
                observe(response)
                return response
            } catch {
                Metrics.Timer(label: "rebalancer_adapter_request_seconds", dimensions: [("host", host)])
                    .recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
                Metrics.Counter(label: "rebalancer_adapter_errors_total", dimensions: [("host", host), ("code", error.code)]).increment()
                if case .rateLimited(let retryAfterMs, _) = error {
                    budget.block(retryAfterMs: retryAfterMs, nowMs: clock.nowMs())
                }
                guard retry, policy.shouldRetry(error, attempt: attempt), !Task.isCancelled else {
                    throw error
                }
                await clock.sleep(ms: policy.delayMs(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    private func waitForBudget(weight: Int) async {
        while !Task.isCancelled {
            let wait = budget.reserve(weight: weight, nowMs: clock.nowMs())
            if wait == 0 { return }
            await clock.sleep(ms: wait)
        }
    }

    private func observe(_ response: VenueHTTPResponse) {
        if let name = usedWeightHeader, let text = response.headers[name], let used = Int(text) {
            budget.observe(usedWeight: used, nowMs: clock.nowMs())
        }
    }
}
