import RebalancerCore
import Testing

/// The watcher core: a state is published on material change, the newest reading on the
/// heartbeat, and silence of its upstream (feed or polled venue) is said and shown in readiness.
@Suite struct WatcherTests {
    static let ms = Nanos.perMillisecond
    static let topology = Fixture.topology()
    /// Venue "a": target 3, bands 2 and 4; heartbeat 500 ms, stale after 3 s; material 5%.
    static let settings = Watcher.Settings(venue: topology.venues[0], timing: topology.timing)

    static func feedWatcher() -> Watcher {
        Watcher(source: .feed(upstream: "venues.feed", endpoint: "tcp://127.0.0.1:1"), settings: settings, now: 0)
    }

    /// Venue "a" at ratio balance / 100,000 (maintenance margin 100,000 cents), observed at `at` ms.
    static func reading(balance: Amount, atMs: Int64, mm: Amount = 100_000_00) -> VenueState {
        Fixture.state("a", balance: balance, seq: 0, at: atMs * ms, mm: mm)
    }

    static func published(_ directives: [Watcher.Directive]) -> [(VenueState, Watcher.Reason)] {
        directives.compactMap { if case let .publish(state, reason) = $0 { return (state, reason) } else { return nil } }
    }

    @Test func theFirstReadingIsPublishedAndSmallMovesWaitForTheHeartbeat() {
        var watcher = Self.feedWatcher()
        let first = Self.published(watcher.on(.read(Self.reading(balance: 300_000_00, atMs: 10)), now: 10 * Self.ms))
        #expect(first.map(\.1) == [.first])
        // 1% and then 4% from the last published balance: not material.
        for (balance, at) in [(Amount(303_000_00), Int64(110)), (312_000_00, 210)] {
            #expect(Self.published(watcher.on(.read(Self.reading(balance: balance, atMs: at)), now: at * Self.ms)).isEmpty)
        }
        #expect(watcher.unpublished?.balance == 312_000_00)
        let early = watcher.on(.tick, now: 400 * Self.ms)
        #expect(Self.published(early).isEmpty && !early.contains(.republish), "not before the heartbeat")
        #expect(early.contains(.heartbeat))
        let due = Self.published(watcher.on(.tick, now: 510 * Self.ms))
        #expect(due.map(\.1) == [.heartbeat])
        #expect(due.first?.0.balance == 312_000_00, "the newest reading, observed when it was read")
        #expect(due.first?.0.observedAt == 210 * Self.ms)
        #expect(watcher.unpublished == nil)
    }

    @Test(arguments: [
        (Amount(370_000_00), Amount(100_000_00), Watcher.Reason.moved),  // balance +5.7%
        (350_000_00, 106_000_00, .moved),  // margin +6%
        (290_000_00, 100_000_00, .band),  // ratio 3.5 -> 2.9: below the target
        (199_000_00, 100_000_00, .band),  // below the lower band
    ])
    func aMaterialChangeIsPublishedAtOnce(balance: Amount, mm: Amount, reason: Watcher.Reason) {
        var watcher = Self.feedWatcher()
        _ = watcher.on(.read(Self.reading(balance: 350_000_00, atMs: 0)), now: 0)
        let out = Self.published(watcher.on(.read(Self.reading(balance: balance, atMs: 50, mm: mm)), now: 50 * Self.ms))
        #expect(out.map(\.1) == [reason])
    }

    @Test func belowTheLowerBandEveryReadingIsPublished() {
        var watcher = Self.feedWatcher()
        _ = watcher.on(.read(Self.reading(balance: 150_000_00, atMs: 0)), now: 0)
        let out = Self.published(watcher.on(.read(Self.reading(balance: 150_100_00, atMs: 100)), now: 100 * Self.ms))
        #expect(out.map(\.1) == [.band], "a venue waiting for capital: 0.07% is news")
    }

    @Test func transfersAndWithdrawalsArePublishedAtOnce() {
        var watcher = Self.feedWatcher()
        _ = watcher.on(.read(Self.reading(balance: 300_000_00, atMs: 0)), now: 0)
        var pending = Self.reading(balance: 300_000_00, atMs: 100)
        pending.pendingIn = 10_00
        #expect(Self.published(watcher.on(.read(pending), now: 100 * Self.ms)).map(\.1) == [.transfers])
        var closed = pending
        closed.withdrawalsEnabled = false
        #expect(Self.published(watcher.on(.read(closed), now: 200 * Self.ms)).map(\.1) == [.transfers])
    }

    @Test func withNothingNewerTheHeartbeatRepublishesTheSameState() {
        var watcher = Self.feedWatcher()
        #expect(!watcher.on(.tick, now: 600 * Self.ms).contains(.republish), "nothing published yet")
        _ = watcher.on(.read(Self.reading(balance: 300_000_00, atMs: 700)), now: 700 * Self.ms)
        let due = watcher.on(.tick, now: 1_200 * Self.ms)
        #expect(due.contains(.republish) && Self.published(due).isEmpty)
        #expect(!watcher.on(.tick, now: 1_400 * Self.ms).contains(.republish), "once per heartbeat")
        #expect(watcher.on(.tick, now: 1_700 * Self.ms).contains(.republish))
    }

    @Test func aSilentFeedIsSaidOnceWithBackoffAndShownInReadiness() {
        var watcher = Self.feedWatcher()
        #expect(watcher.on(.tick, now: 100 * Self.ms).contains(.readiness(ready: true, reason: "market feed venues.feed not heard recently")))
        let silent = watcher.on(.tick, now: 3_100 * Self.ms)
        #expect(silent.contains(.upstream(.silent(forMs: 3_100, nextInMs: 6_000))))
        #expect(silent.contains(.readiness(ready: false, reason: "market feed venues.feed not heard recently")))
        #expect(!watcher.on(.tick, now: 4_000 * Self.ms).contains { if case .upstream = $0 { true } else { false } })
        let back = watcher.on(.read(Self.reading(balance: 300_000_00, atMs: 5_000)), now: 5_000 * Self.ms)
        #expect(back.contains(.upstream(.recovered(afterMs: 5_000))))
    }

    @Test func aPolledVenueIsReadEveryIntervalAndNeverPublishedStale() {
        var watcher = Watcher(source: .polled(intervalMs: 200), settings: Self.settings, now: 0)
        let first = watcher.on(.tick, now: 0)
        #expect(first.contains(.startRead))
        #expect(first.contains(.stale(true)), "not read yet")
        #expect(!watcher.on(.tick, now: 250 * Self.ms).contains(.startRead), "one read at a time")
        let read = watcher.on(.read(Self.reading(balance: 300_000_00, atMs: 300)), now: 300 * Self.ms)
        #expect(read.contains(.stale(false)))
        #expect(Self.published(read).map(\.1) == [.first])
        #expect(watcher.on(.tick, now: 500 * Self.ms).contains(.startRead))
        _ = watcher.on(.readFailed(reason: "timeout: 100 ms"), now: 600 * Self.ms)
        #expect(watcher.failuresInARow == 1)
        let later = watcher.on(.tick, now: 3_400 * Self.ms)
        #expect(later.contains(.venue(.stale(reason: "timeout: 100 ms", forMs: 3_100, nextInMs: 6_000))))
        #expect(later.contains(.readiness(ready: false, reason: "venue a not read fresh")))
        #expect(!later.contains(.republish) && Self.published(later).isEmpty, "a stale venue is never republished")
        let recovered = watcher.on(.read(Self.reading(balance: 300_000_00, atMs: 3_500)), now: 3_500 * Self.ms)
        #expect(recovered.contains(.venue(.recovered(afterMs: 3_200))))
    }
}
