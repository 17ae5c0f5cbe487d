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
        let r1 = poll.startRead(now: 0)
        #expect(r1, "reads at once")
        let busy = poll.startRead(now: 500 * Self.ms)
        #expect(!busy, "never two reads at once")
        _ = poll.succeeded(now: 600 * Self.ms)
        let r2 = poll.startRead(now: 600 * Self.ms)
        #expect(r2, "overdue: reads at the next tick")
        poll.failed(reason: "timeout: timed out", now: 700 * Self.ms)
        let early = poll.startRead(now: 700 * Self.ms)
        #expect(!early, "not before the interval")
        let r3 = poll.startRead(now: 800 * Self.ms)
        #expect(r3)
    }

    @Test func staleAfterTheBoundWithTheLastFailureAndBackoffThenRecoveredOnce() {
        var poll = VenuePoll(intervalMs: 200, staleAfterMs: 1_000, venue: "v1", now: 0)
        #expect(!poll.isFresh(now: 0), "nothing read yet")
        _ = poll.startRead(now: 0)
        let r4 = poll.succeeded(now: 10 * Self.ms)
        #expect(r4 == nil, "never reported stale: no recovery notice")
        #expect(poll.isFresh(now: 500 * Self.ms))
        _ = poll.startRead(now: 300 * Self.ms)
        poll.failed(reason: "unavailable: unavailable: POST /info: HTTP 503", now: 400 * Self.ms)
        #expect(poll.failuresInARow == 1)
        let r5 = poll.check(now: 900 * Self.ms)
        #expect(r5 == nil)
        #expect(poll.isFresh(now: 1_010 * Self.ms), "a failure only ages the last good read")
        #expect(poll.lastGoodAt == 10 * Self.ms)
        let warning = poll.check(now: 1_100 * Self.ms)
        #expect(warning == .stale(reason: "unavailable: unavailable: POST /info: HTTP 503", forMs: 1_090, nextInMs: 2_000))
        #expect(!poll.isFresh(now: 1_100 * Self.ms))
        let r6 = poll.check(now: 2_000 * Self.ms)
        #expect(r6 == nil, "once per interval")
        let r7 = poll.check(now: 3_100 * Self.ms)
        #expect(r7 == .stale(reason: "unavailable: unavailable: POST /info: HTTP 503", forMs: 3_090, nextInMs: 4_000), "again, with a doubled interval")
        _ = poll.startRead(now: 3_200 * Self.ms)
        let r8 = poll.succeeded(now: 3_300 * Self.ms)
        #expect(r8 == .recovered(afterMs: 3_290))
        #expect(poll.isFresh(now: 3_300 * Self.ms))
        #expect(poll.failuresInARow == 0)
        let r9 = poll.check(now: 3_400 * Self.ms)
        #expect(r9 == nil)
    }

    @Test func neverReadIsStaleWithThatReason() {
        var poll = VenuePoll(intervalMs: 200, staleAfterMs: 1_000, venue: "v1", now: 0)
        let r10 = poll.check(now: 1_001 * Self.ms)
        #expect(r10 == .stale(reason: "no_read: not read yet", forMs: 1_001, nextInMs: 2_000))
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
