import Foundation
@testable import RebalancerNode
import Testing

/// The dashboard's fan-out: a page that opens late catches up (deployment first, each venue's
/// history within the window, recent plans), live events follow, and shutdown ends every stream.
struct DashboardHubTests {
    static func point(_ venue: String, at ms: Double, balance: Double = 100) -> DashboardEvent {
        .venue(.init(venue: venue, seq: UInt64(ms), observedAtMs: ms, balance: balance, maintenanceMargin: 10, initialMargin: 12,
                     floor: 15, lowerBand: 20, target: 30, upperBand: 40, ratio: balance / 10, pendingIn: 0, pendingOut: 0,
                     withdrawalsEnabled: true, stale: false))
    }

    static let hello = DashboardEvent.hello(.init(topology: "t", node: "monitor", venues: ["a", "b"], verifiers: ["v1"], quorum: 1, windowSeconds: 60))

    @Test func aLatePageCatchesUpThenFollowsLive() async {
        let hub = DashboardHub(window: .seconds(60))
        hub.publish(Self.point("a", at: 1_000))
        hub.publish(Self.hello)
        hub.publish(Self.point("a", at: 70_000))  // pushes the first point out of the 60 s window
        let plan = DashboardEvent.plan(.init(seq: 7, createdAtMs: 1, receivedAtMs: 2, trigger: "a", strategy: "optimal",
                                             transfers: [.init(from: "b", to: "a", amount: 5)], votes: [.init(verifier: "v1", vote: "approve")]))
        hub.publish(plan)
        var events: [DashboardEvent] = []
        let stream = hub.subscribe()
        hub.publish(Self.point("b", at: 71_000))
        hub.finish()
        for await event in stream { events.append(event) }
        #expect(events == [Self.hello, Self.point("a", at: 70_000), plan, Self.point("b", at: 71_000)])
        #expect(hub.subscribers == 0)
    }

    @Test func afterShutdownASubscriberGetsTheStateAndAnEnd() async {
        let hub = DashboardHub()
        hub.publish(Self.hello)
        hub.finish()
        var events: [DashboardEvent] = []
        for await event in hub.subscribe() { events.append(event) }
        #expect(events == [Self.hello])
    }

    @Test func eachEventIsOneServerSentMessageOfJSON() throws {
        let text = Self.point("a", at: 5).serverSentText
        #expect(text.hasPrefix("event: venue\ndata: {"))
        #expect(text.hasSuffix("}\n\n"))
        #expect(text.split(separator: "\n").count == 2, "one event line, one data line")
        let json = try #require(text.split(separator: "\n").last.map { $0.dropFirst("data: ".count) })
        let decoded = try JSONDecoder().decode(DashboardEvent.VenuePoint.self, from: Data(json.utf8))
        #expect(decoded.venue == "a" && decoded.balance == 100 && decoded.floor == 15)
    }
}
