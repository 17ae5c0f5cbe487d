import Testing
@testable import RebalancerCore

/// What the node runtime used to decide itself: whether a state is too old to decide on (the
/// Suicidal Snail rule) and whether to say so now.
@Suite struct SubscriberLagTests {
    let second = Nanos.perSecond

    @Test func aStateWithinTheBoundIsFreshAndOneBeyondItIsBehind() {
        var lag = SubscriberLag(bound: 3 * second)
        #expect(lag.check(observedAt: 10 * second, now: 13 * second) == .fresh, "exactly at the bound: fresh")
        #expect(lag.check(observedAt: 10 * second, now: 13 * second + 1) == .behind(lag: 3 * second + 1, warn: true))
    }

    @Test func behindIsSaidAtMostOncePerIntervalAndCountedEveryTime() {
        var lag = SubscriberLag(bound: second, warnEvery: second)
        #expect(lag.check(observedAt: 0, now: 5 * second) == .behind(lag: 5 * second, warn: true))
        #expect(lag.check(observedAt: 0, now: 5 * second + second) == .behind(lag: 6 * second, warn: false), "one interval later: still quiet")
        #expect(lag.check(observedAt: 6 * second, now: 6 * second + 1) == .fresh, "a fresh state says nothing")
        #expect(lag.check(observedAt: 0, now: 6 * second + 1) == .behind(lag: 6 * second + 1, warn: true))
    }

    @Test func theTopologysStalenessBoundIsTheBound() {
        #expect(SubscriberLag(topology: Fixture.topology()).bound == 3_000 * Nanos.perMillisecond)
    }
}
