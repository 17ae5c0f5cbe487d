import RebalancerCore
import RebalancerVenues
import Testing
@testable import RebalancerNode

/// Issue #9 item 5 (reads): when a watcher reads a real venue, and what it says when it cannot.
@Suite("VenuePoll")
struct VenuePollTests {
    static let ms = Nanos.perMillisecond
    static let read = VenueSnapshot(equity: 100_000, maintenanceMargin: 5_000, initialMargin: 10_000, withdrawable: 80_000, venueSequence: 1)

    @Test func oneReadAtATimeEveryInterval() {
        var poll = VenuePoll(intervalMs: 200, staleAfterMs: 3_000, venue: "v1", now: 0)
        #expect(poll.startRead(now: 0), "reads at once")
        #expect(!poll.startRead(now: 500 * Self.ms), "never two reads at once")
        _ = poll.succeeded(Self.read, now: 600 * Self.ms)
        #expect(poll.startRead(now: 600 * Self.ms), "overdue: reads at the next tick")
        poll.failed(.timeout(afterMs: 100), now: 700 * Self.ms)
        #expect(!poll.startRead(now: 700 * Self.ms), "not before the interval")
        #expect(poll.startRead(now: 800 * Self.ms))
    }

    @Test func staleAfterTheBoundWithTheLastFailureAndBackoffThenRecoveredOnce() {
        var poll = VenuePoll(intervalMs: 200, staleAfterMs: 1_000, venue: "v1", now: 0)
        #expect(!poll.isFresh(now: 0), "nothing read yet")
        _ = poll.startRead(now: 0)
        #expect(poll.succeeded(Self.read, now: 10 * Self.ms) == nil, "never reported stale: no recovery notice")
        #expect(poll.isFresh(now: 500 * Self.ms))
        _ = poll.startRead(now: 300 * Self.ms)
        poll.failed(.unavailable("POST /info: HTTP 503"), now: 400 * Self.ms)
        #expect(poll.failuresInARow == 1)
        #expect(poll.check(now: 900 * Self.ms) == nil)
        #expect(poll.isFresh(now: 1_010 * Self.ms), "a failure only ages the last good read")
        #expect(poll.freshness.lastGood?.snapshot == Self.read)
        let warning = poll.check(now: 1_100 * Self.ms)
        #expect(warning == .stale(reason: "unavailable: unavailable: POST /info: HTTP 503", forMs: 1_090, nextInMs: 2_000))
        #expect(!poll.isFresh(now: 1_100 * Self.ms))
        #expect(poll.check(now: 2_000 * Self.ms) == nil, "once per interval")
        #expect(poll.check(now: 3_100 * Self.ms) == .stale(reason: "unavailable: unavailable: POST /info: HTTP 503", forMs: 3_090, nextInMs: 4_000), "again, with a doubled interval")
        _ = poll.startRead(now: 3_200 * Self.ms)
        #expect(poll.succeeded(Self.read, now: 3_300 * Self.ms) == .recovered(afterMs: 3_290))
        #expect(poll.isFresh(now: 3_300 * Self.ms))
        #expect(poll.failuresInARow == 0)
        #expect(poll.check(now: 3_400 * Self.ms) == nil)
    }

    @Test func neverReadIsStaleWithThatReason() {
        var poll = VenuePoll(intervalMs: 200, staleAfterMs: 1_000, venue: "v1", now: 0)
        #expect(poll.check(now: 1_001 * Self.ms) == .stale(reason: "no_read: not read yet", forMs: 1_001, nextInMs: 2_000))
    }

    @Test func pollMsDefaultsToTheHeartbeatAndIsValidated() throws {
        let address = "0x" + String(repeating: "ab", count: 20)
        func venue(_ extra: [String: String]) -> Topology.Venue {
            var venue = try! TopologyFixture.topology().venues[0]
            venue.adapter = VenueAdapter(kind: "hyperliquid", parameters: ["address": address].merging(extra) { $1 })
            return venue
        }
        #expect(try VenueAdapterFactory.pollMs(of: venue([:]), at: 0, heartbeatMs: 500) == 500)
        #expect(try VenueAdapterFactory.pollMs(of: venue(["poll_ms": "250"]), at: 0, heartbeatMs: 500) == 250)
        #expect(throws: VenueAdapterFactory.Problem.self) { try VenueAdapterFactory.pollMs(of: venue(["poll_ms": "10"]), at: 2, heartbeatMs: 500) }
        do throws(VenueAdapterFactory.Problem) {
            _ = try VenueAdapterFactory.pollMs(of: venue(["poll_ms": "soon"]), at: 2, heartbeatMs: 500)
        } catch {
            #expect(error.path == "venues[2].adapter.poll_ms")
            #expect(error.message.contains("\"soon\""))
        }
        // The reader never sees poll_ms: it is the watcher's, not an unknown adapter parameter.
        #expect(try VenueAdapterFactory.reader(for: venue(["poll_ms": "250"]), at: 0)?.kind == "hyperliquid")
    }
}
