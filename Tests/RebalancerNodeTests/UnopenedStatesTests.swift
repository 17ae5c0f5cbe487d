import Testing
import ZeroMQ
@testable import RebalancerNode

/// The frames a verifier or the coordinator keeps unopened until it needs them: the newest per
/// feed and topic, the first arrival of a re-published copy, and only the venues asked for.
@Suite("Unopened states")
struct UnopenedStatesTests {
    let v1 = SocketLoop.Handle(rawValue: 1), v2 = SocketLoop.Handle(rawValue: 2), stranger = SocketLoop.Handle(rawValue: 9)
    let topic: [UInt8] = Array("state/v1".utf8)

    func states() -> UnopenedStates { UnopenedStates(venueOf: [v1: "v1", v2: "v2"]) }

    @Test func keepsTheNewestFramePerFeedAndTopic() {
        var kept = states()
        kept.keep([1], topic: topic, from: v1, at: 10)
        kept.keep([2], topic: topic, from: v1, at: 20)
        kept.keep([3], topic: Array("state/v1#other".utf8), from: v1, at: 30)
        #expect(kept.count == 2)
        #expect(kept.take().map(\.bytes) == [[2], [3]], "oldest arrival first")
        #expect(kept.count == 0)
    }

    @Test func aRepublishedCopyKeepsTheFirstArrival() {
        var kept = states()
        kept.keep([1], topic: topic, from: v1, at: 10)
        kept.keep([1], topic: topic, from: v1, at: 500)
        #expect(kept.take() == [UnopenedStates.Frame(handle: v1, bytes: [1], arrival: 10)])
    }

    @Test func takesOnlyTheVenuesAskedForAndAlwaysAnUnknownFeed() {
        var kept = states()
        kept.keep([1], topic: topic, from: v1, at: 10)
        kept.keep([2], topic: topic, from: v2, at: 20)
        kept.keep([9], topic: topic, from: stranger, at: 30)
        #expect(kept.take(venues: ["v2"]).map(\.bytes) == [[2], [9]])
        #expect(kept.take(venues: []).isEmpty)
        #expect(kept.take().map(\.bytes) == [[1]])
    }
}
