import RebalancerVenues
import Testing

@Suite("Rate budget")
struct RateBudgetTests {
    @Test func spendsWeightThenWaitsForTheRefill() {
        var budget = RateBudget(weightPerMinute: 60)   // one weight per second
        #expect(budget.reserve(weight: 50, nowMs: 0) == 0)
        #expect(budget.reserve(weight: 10, nowMs: 0) == 0)
        #expect(budget.reserve(weight: 5, nowMs: 0) == 5_000)
        #expect(budget.reserve(weight: 5, nowMs: 4_000) == 1_000)
        #expect(budget.reserve(weight: 5, nowMs: 5_000) == 0)
    }

    @Test func nothingBeforeRetryAfterExpires() {
        var budget = RateBudget(weightPerMinute: 1_200)
        budget.block(retryAfterMs: 2_000, nowMs: 10_000)
        #expect(budget.reserve(weight: 1, nowMs: 10_000) == 2_000)
        #expect(budget.reserve(weight: 1, nowMs: 11_999) == 1)
        #expect(budget.reserve(weight: 1, nowMs: 12_000) == 0)
    }

    @Test func aShorterRetryAfterNeverShortensTheBlock() {
        var budget = RateBudget(weightPerMinute: 1_200)
        budget.block(retryAfterMs: 5_000, nowMs: 0)
        budget.block(retryAfterMs: 1_000, nowMs: 0)
        #expect(budget.blockedUntilMs == 5_000)
    }

    @Test func usedWeightReportedByTheVenueTightensTheBucket() {
        var budget = RateBudget(weightPerMinute: 2_400)
        budget.observe(usedWeight: 2_398, nowMs: 0)
        #expect(budget.reserve(weight: 2, nowMs: 0) == 0)
        #expect(budget.reserve(weight: 5, nowMs: 0) > 0)
    }

    @Test func aRequestHeavierThanTheBudgetIsClampedNotStarved() {
        var budget = RateBudget(weightPerMinute: 10)
        #expect(budget.reserve(weight: 50, nowMs: 0) == 0)
        #expect(budget.reserve(weight: 50, nowMs: 1) > 0)
        #expect(budget.reserve(weight: 50, nowMs: 60_001) == 0)
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test func backoffGrowsExponentiallyWithJitterAndIsCapped() {
        let low = RetryPolicy(maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 1_000, random: { 0 })
        let high = RetryPolicy(maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 1_000, random: { 0.999_999 })
        #expect((1...5).map(low.delayMs(afterAttempt:)) == [100, 200, 400, 500, 500])
        #expect((1...5).map(high.delayMs(afterAttempt:)) == [199, 399, 799, 999, 999])
    }

    @Test func onlyRetryableErrorsAndOnlyWithinTheAttempts() {
        let policy = RetryPolicy(maxAttempts: 3)
        #expect(policy.shouldRetry(.timeout(afterMs: 1), attempt: 1))
        #expect(policy.shouldRetry(.unavailable("503"), attempt: 2))
        #expect(policy.shouldRetry(.rateLimited(retryAfterMs: 1_000, status: 429), attempt: 2))
        #expect(!policy.shouldRetry(.timeout(afterMs: 1), attempt: 3))
        #expect(!policy.shouldRetry(.unauthorized(code: -1022, message: ""), attempt: 1))
        #expect(!policy.shouldRetry(.malformed(field: "x", detail: ""), attempt: 1))
        #expect(!policy.shouldRetry(.rejected(code: -4026, message: ""), attempt: 1))
    }
}
