import Foundation
import RebalancerVenues
import Testing
import VenueFixtures

@Suite("Venue freshness")
struct VenueFreshnessTests {
    static let snapshot = VenueSnapshot(equity: 100_000, maintenanceMargin: 5_000, initialMargin: 10_000, withdrawable: 80_000, venueSequence: 1)

    @Test func staleUntilFirstReadThenFreshThenStaleWithTheReason() {
        var freshness = VenueFreshness(staleAfterMs: 5_000)
        #expect(freshness.status(nowMs: 0) == .stale(reason: "no_read: not read yet", lastGoodAtMs: nil))
        freshness.record(Self.snapshot, atMs: 1_000)
        freshness.record(.timeout(afterMs: 2_000), atMs: 3_000)
        #expect(freshness.status(nowMs: 6_000) == .fresh(Self.snapshot, readAtMs: 1_000), "a failure inside the window keeps the last good read")
        #expect(freshness.status(nowMs: 6_001) == .stale(reason: "timeout: no answer within 2000 ms", lastGoodAtMs: 1_000))
        freshness.record(Self.snapshot, atMs: 7_000)
        #expect(freshness.status(nowMs: 7_500) == .fresh(Self.snapshot, readAtMs: 7_000))
    }

    /// An outage at a fixture venue: reads fail, the venue goes stale naming why, and recovers.
    @Test func aFixtureVenueGoesStaleDuringAnOutageAndRecovers() async throws {
        let fixture = try FixtureVenue("dydx")
        let reader = try DYDXReader(parameters: ["address": FixtureReadTests.dydxAddress, "base_url": fixture.baseURL, "max_attempts": "1"])
        var freshness = VenueFreshness(staleAfterMs: 1_000)
        let clock = SystemVenueClock()
        func read() async {
            do throws(VenueError) {
                freshness.record(try await reader.snapshot(), atMs: clock.nowMs())
            } catch {
                freshness.record(error, atMs: clock.nowMs())
            }
        }
        await read()
        guard case .fresh(let first, _) = freshness.status(nowMs: clock.nowMs()) else {
            Issue.record("first read not fresh")
            return
        }
        #expect(first.maintenanceMargin == 127_119)
        try await fixture.inject(["fault": "503", "count": 1_000])
        // Read until the venue has been unreadable past staleAfterMs: at least one failed read,
        // then stale (bounded, so a loaded machine only makes it slower, never wrong).
        let outageStart = clock.nowMs()
        var failedReads = 0
        while clock.nowMs() - outageStart < 30_000 {
            await read()
            if freshness.lastFailure != nil { failedReads += 1 }
            if failedReads > 0, case .stale = freshness.status(nowMs: clock.nowMs()) { break }
            await clock.sleep(ms: 100)
        }
        #expect(failedReads > 0)
        guard case .stale(let reason, let lastGood) = freshness.status(nowMs: clock.nowMs()) else {
            Issue.record("not stale after the outage")
            return
        }
        #expect(reason.hasPrefix("unavailable:"))
        #expect(lastGood != nil)
        try await fixture.clearFaults()
        await read()
        guard case .fresh(let recovered, _) = freshness.status(nowMs: clock.nowMs()) else {
            Issue.record("not fresh after the outage")
            return
        }
        #expect(recovered.maintenanceMargin == 127_119)
        #expect(recovered.venueSequence > first.venueSequence)
    }
}
