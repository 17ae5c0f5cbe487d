import Testing
@testable import RebalancerNode

/// ZeroMQ subscriptions are prefixes: a watcher subscribed to its own venue's tick topic must not
/// take another venue's ticks (at 100 venues, `tick/v1` took those of v10...v19 and v100).
@Suite struct TopicPrefixTests {
    @Test(arguments: [("v1", "v10"), ("v1", "v100"), ("v10", "v100"), ("v2", "v29")])
    func aVenuesTickTopicIsNotAPrefixOfAnotherVenues(_ own: String, _ other: String) {
        #expect(!Topic.tick(other).hasPrefix(Topic.tick(own)), "\(Topic.tick(own)) would take \(Topic.tick(other))")
        #expect(Topic.tick(own).hasPrefix(Topic.tickPrefix), "the all-venues subscription still takes it")
    }
}
