import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing
import VenueFixtures
import ZeroMQ

/// Issue #9 items 1 and 5 (reads): the real watcher binary reads a venue's real API (a loopback
/// fixture venue speaking the venue's published API) with no `venues` node, publishes each read
/// signed, goes stale during an outage (publishing nothing, saying why, counting it) and recovers.
@Suite(.serialized) struct RealVenueWatcherTests {
    static let hyperliquidAddress = "0x0123456789abcdef0123456789abcdef01234567"
    static let dydxAddress = "dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art"

    /// The cluster's topology with venue v1 read through `adapter` and its routes out removed (the
    /// native readers here are read-only). The tests start no venues node: v1's watcher needs none.
    static func useAdapter(_ adapter: VenueAdapter, on cluster: Cluster) throws -> Deployment {
        var topology = try cluster.topology
        topology.venues[0].adapter = adapter
        let first = topology.venues[0].id
        topology.routes.removeAll { $0.from == first }
        try TopologyFile.render(topology).write(toFile: cluster.topologyPath, atomically: true, encoding: .utf8)
        return try cluster.topology
    }

    /// A monitor-keyed subscriber to a watcher's feed: the watcher-signed states of its venue and
    /// the counters of its signed heartbeats.
    final class FeedReader {
        let socket: Socket
        let node: Topology.Node
        let topologyID: String
        var states: [WireVenueState] = []
        var counters: [String: Int64] = [:]
        /// How many signed heartbeats have been read.
        var heartbeats = 0

        init(_ context: Context, watcher node: Topology.Node, venue: VenueID, cluster: Cluster) throws {
            self.node = node
            topologyID = try cluster.topology.id
            socket = try RoleReport.listener(context, to: node, endpoint: "feed", topics: [Topic.state(venue)], cluster: cluster)
        }

        /// Takes every waiting message; returns the states among them.
        @discardableResult
        func drain() -> [WireVenueState] {
            var fresh: [WireVenueState] = []
            while let frames = try? socket.receive(dontWait: true) {
                guard frames.count == 2, let envelope = try? Envelope(serializedBytes: frames[1]),
                      envelope.sender == node.id, envelope.isSigned(by: node.signingKey) else { continue }
                if envelope.type == .heartbeat, let hb = try? WireHeartbeat(serializedBytes: envelope.payload) {
                    counters = hb.counters
                    heartbeats += 1
                } else if envelope.type == .venueState, let state = try? WireVenueState(serializedBytes: envelope.payload), state.topologyID == topologyID {
                    fresh.append(state)
                }
            }
            states += fresh
            return fresh
        }
    }

    func lines(_ log: String, containing text: String) -> [Substring] {
        log.split(separator: "\n").filter { $0.contains(text) }
    }

    /// SIGTERM while a read is waiting on the venue: the watcher exits. (Cancelling a task
    /// suspended in URLSession's `data(for:)` deadlocked FoundationNetworking on Linux, and the
    /// watcher never exited.)
    @Test func aWatcherStopsWhileAReadIsInFlight() async throws {
        let fixture = try FixtureVenue("hyperliquid")
        try await fixture.inject(["fault": "slow", "delay_ms": 6000, "count": 1_000_000, "path": "/info"])
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        _ = try Self.useAdapter(VenueAdapter(kind: "hyperliquid", parameters: [
            "base_url": fixture.baseURL, "address": Self.hyperliquidAddress, "poll_ms": "200",
            "timeout_ms": "2000", "max_attempts": "1",
        ]), on: cluster)
        try cluster.start("watcher", ["watcher", "--venue", "v1"])
        let inFlight = await eventually(30) { ((try? await fixture.requests()) ?? []).contains { $0.path == "/info" } }
        try #require(inFlight, "the watcher's first read reached the venue")
        let status = await cluster.stop("watcher", within: 15)
        #expect(status != nil, "the watcher exits on SIGTERM with a read in flight; log:\n\(cluster.log("watcher").suffix(2000))")
    }

    @Test func aWatcherReadsHyperliquidGoesStaleInAnOutageAndRecovers() async throws {
        let fixture = try FixtureVenue("hyperliquid")
        try await fixture.set(["crossMaintenanceMarginUsed": "1234.567"])
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = try Self.useAdapter(VenueAdapter(kind: "hyperliquid", parameters: [
            "base_url": fixture.baseURL, "address": Self.hyperliquidAddress, "poll_ms": "200",
            "timeout_ms": "1000", "max_attempts": "2", "backoff_ms": "50",
        ]), on: cluster)
        let staleAfterMs = topology.timing.staleAfterMs
        let watcher = try #require(topology.watcher(of: "v1"))
        let context = try Context()
        let feed = try FeedReader(context, watcher: watcher, venue: "v1", cluster: cluster)
        // No venues node runs: a watcher of a real venue needs none.
        try cluster.start("watcher", ["watcher", "--venue", "v1"])

        // A signed state with the fixture's figures in exact cents (accountValue 13109.482328,
        // crossMaintenanceMarginUsed 1234.567, marginSummary.totalMarginUsed 4.967826, szi 0.0335).
        let read = await eventually(30) { !feed.drain().isEmpty }
        #expect(read, "watcher log: \(cluster.log("watcher"))")
        let first = try #require(feed.states.first)
        #expect(first.venue == "v1")
        #expect(first.balance == 1_310_948)
        #expect(first.maintenanceMargin == 123_457)
        #expect(first.initialMargin == 497)
        #expect(first.positionSize == 0.0335)
        #expect(first.withdrawalsEnabled)
        #expect(first.observedAtNs > 0)

        // The balance moves at the venue: each read shows 100.25 USD less.
        try await fixture.drift(by: "-100.25")
        let moved = await eventually(20) { feed.drain().contains { $0.balance < first.balance } }
        #expect(moved)
        let later = try #require(feed.states.last { $0.balance < first.balance })
        #expect((first.balance - later.balance) % 10_025 == 0, "\(later.balance)")
        try await fixture.drift(by: "0")
        // Once the drift has stopped, two reads in a row agree: the balance the venue holds now.
        let settled = await eventually(20) {
            feed.drain()
            let tail = feed.states.suffix(2)
            return tail.count == 2 && tail.first?.balance == tail.last?.balance && tail.first!.seq > later.seq
        }
        #expect(settled)
        let steady = try #require(feed.states.last?.balance)
        #expect(zip(feed.states, feed.states.dropFirst()).allSatisfy { $0.seq < $1.seq }, "sequence numbers increase")

        // An outage: every read answered 503 for longer than stale_after_ms.
        try await fixture.inject(["fault": "503", "count": 1_000_000, "path": "/info"])
        let warned = await eventually(Double(staleAfterMs) / 1000 + 20) { !lines(cluster.log("watcher"), containing: "venue is stale").isEmpty }
        let log = cluster.log("watcher")
        #expect(warned, "watcher log: \(log)")
        let warning = try #require(lines(log, containing: "venue is stale").first)
        #expect(warning.contains("venue=v1") && warning.contains("reason=\"unavailable: ") && warning.contains("HTTP 503"), "\(warning)")
        #expect(lines(log, containing: "venue is fresh again").isEmpty)
        // While stale it publishes no state at all (not even the last one again), only heartbeats
        // that say so. We listen until three more heartbeats have come (from the first to the
        // third, the heartbeat interval passes twice over), not for a fixed time.
        let staleCounted = await eventually(10) { feed.drain(); return feed.counters["venue.stale"] == 1 }
        #expect(staleCounted, "\(feed.counters)")
        feed.drain()
        let heartbeatsBefore = feed.heartbeats
        var duringOutage: [WireVenueState] = []
        let listened = await eventually(Double(3 * topology.timing.heartbeatMs) / 1000 + 10, every: .milliseconds(20)) {
            duringOutage += feed.drain()
            return feed.heartbeats >= heartbeatsBefore + 3
        }
        #expect(listened, "two heartbeat intervals while stale (\(feed.heartbeats - heartbeatsBefore) came)")
        #expect(duringOutage.isEmpty, "published while stale: \(duringOutage.map(\.seq))")
        #expect((feed.counters["venue.read_errors.unavailable"] ?? 0) > 0, "\(feed.counters)")
        #expect((feed.counters["venue.reads"] ?? 0) > 0)
        #expect(feed.counters["venue.stale"] == 1)
        let lastSeq = feed.states.last?.seq ?? 0

        // The outage ends: fresh states again, one recovery notice, the counter back to 0.
        try await fixture.clearFaults()
        let back = await eventually(20) { feed.drain().contains { $0.seq > lastSeq } }
        #expect(back, "watcher log: \(cluster.log("watcher"))")
        // The outage changed nothing at the venue: the first read after it shows the same balance, never a zero.
        #expect(feed.states.first { $0.seq > lastSeq }?.balance == steady)
        let noticed = await eventually(10) { lines(cluster.log("watcher"), containing: "venue is fresh again").count == 1 }
        #expect(noticed, "watcher log: \(cluster.log("watcher"))")
        let freshCounted = await eventually(10) { feed.drain(); return feed.counters["venue.stale"] == 0 }
        #expect(freshCounted, "\(feed.counters)")
        #expect(cluster.stop("watcher") == 0)
    }

    @Test func aWatcherReadsDYDXWithDerivedMargin() async throws {
        let fixture = try FixtureVenue("dydx")
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = try Self.useAdapter(VenueAdapter(kind: "dydx-v4", parameters: [
            "base_url": fixture.baseURL, "address": Self.dydxAddress, "poll_ms": "300",
        ]), on: cluster)
        let watcher = try #require(topology.watcher(of: "v1"))
        let context = try Context()
        let feed = try FeedReader(context, watcher: watcher, venue: "v1", cluster: cluster)
        try cluster.start("watcher", ["watcher", "--venue", "v1"])
        let read = await eventually(30) { !feed.drain().isEmpty }
        #expect(read, "watcher log: \(cluster.log("watcher"))")
        let state = try #require(feed.states.first)
        // equity 25103.411236; maintenance margin derived from the positions and the markets'
        // maintenanceMarginFraction (the reader's own tests pin 1271.19); largest position BTC-USD 0.5.
        #expect(state.balance == 2_510_341)
        #expect(state.maintenanceMargin == 127_119)
        #expect(state.initialMargin == 211_865)
        #expect(state.positionSize == 0.5)
        #expect(cluster.stop("watcher") == 0)
    }
}
