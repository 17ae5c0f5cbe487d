import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing
import ZeroMQ

/// Issue #8 item 9 at the sockets a role connects (LogForgingTests holds the coordinator's and the
/// venues' bound ones): the test binds, as the upstream node with its real keys, the endpoint the
/// real watcher, executor or verifier process connects to, and sends every kind of bad message
/// there. Each drop is counted by reason (the role's signed heartbeats carry its counters), logged
/// by socket with the claimed sender escaped, changes nothing, and the process stays up.
@Suite(.serialized) struct EveryDropCountedTests {
    /// One socket of the role under test (named as its log names it) and what is sent to it each round.
    typealias Target = (socket: String, drops: [Upstream.Drop])

    /// Attacks round after round until the role's log names every drop of `targets` (by socket,
    /// reason and message type) and its counters hold at least one round's drops of each reason.
    func attackUntilCounted(_ name: String, cluster: Cluster, targets: [Target], attack: () -> Void, counters read: () -> [String: Int64]?) async -> [String: Int64] {
        var perRound: [DropReason: Int64] = [:]
        for target in targets { for drop in target.drops { perRound[drop.reason, default: 0] += 1 } }
        let pairs = targets.flatMap { target in target.drops.map { (socket: target.socket, drop: $0) } }
        var latest: [String: Int64] = [:]
        let counted = await eventually(60) {
            // A round ends at the role's next signed heartbeat after the attack (its counters then).
            if let c = read() { latest = c }
            attack()
            if let c = await RoleReport.nextCounters(read) { latest = c }
            return perRound.allSatisfy { (latest["dropped.\($0.key.rawValue)"] ?? 0) >= $0.value }
                && RoleReport.unlogged(pairs, in: cluster.log(name)).isEmpty
        }
        #expect(counted, "\(name) counters: \(latest.filter { $0.key.hasPrefix("dropped") })")
        for (reason, count) in perRound.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            #expect((latest["dropped.\(reason.rawValue)"] ?? 0) >= count, "\(name): dropped.\(reason.rawValue) below the \(count) sent each round")
        }
        #expect(RoleReport.unlogged(pairs, in: cluster.log(name)).isEmpty, "\(name) logged no drop for: \(RoleReport.unlogged(pairs, in: cluster.log(name)))")
        #expect(cluster.isRunning(name), "\(name) is still up")
        return latest
    }

    /// Still up after the attack, stops cleanly, and every line of its log is its own, with the
    /// forged sender only escaped.
    func expectCleanLog(_ name: String, cluster: Cluster) {
        #expect(cluster.stop(name) == 0, "\(name) exits cleanly on SIGTERM")
        let log = cluster.log(name)
        #expect(log.contains("claimed_sender=\"mallory\\n2026-01-01T00:00:00+0000"), "\(name) logs the claimed sender escaped")
        LogForgingTests().expectUnforged(log, name)
    }

    @Test func theWatcherCountsEveryDropOnTheTickFeed() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        let market = try #require(topology.venuesNode)
        let watcherNode = try #require(topology.watcher(of: "v1"))
        let context = try Context()
        let zap = try ZAPHandler(context: context, allowedKeys: Set(topology.nodes.map(\.curveKey)))
        let venues = try Upstream(market.id, endpoint: "feed", .pub, cluster: cluster, context: context)
        let heartbeats = try RoleReport.listener(context, to: watcherNode, endpoint: "feed", topics: [Topic.state("")], cluster: cluster)
        defer {
            venues.socket.close()
            heartbeats.close()
            zap.stop()
            context.terminate()
        }
        try cluster.start("watcher", ["watcher", "--venue", "v1"])

        var otherVenue = WireMarketTick()
        otherVenue.state.venue = "v2"
        let misdirected = try Envelope.seal(otherVenue, type: .marketTick, sender: market.id, key: venues.signer).bytes()
        let drops = venues.malformed(accepted: [.marketTick], wrongType: .venueState)
            + [Upstream.Drop(kind: "tick of another venue", reason: .unknownSender, type: .marketTick, frames: [misdirected])]
        var others: [MessageType] = []
        // One topic per kind: the feed is conflated by topic, so a burst on one topic keeps only its newest.
        let counters = await attackUntilCounted("watcher", cluster: cluster, targets: [("\(market.id).feed", drops)],
                                                attack: { venues.send(drops) { Topic.tick("v1") + "#\($0)" } },
                                                counters: { RoleReport.counters(on: heartbeats, from: watcherNode, others: &others) })
        #expect(counters["states.published"] == nil, "no state published from a dropped tick")
        #expect(!others.contains(.venueState), "no state published from a dropped tick")
        expectCleanLog("watcher", cluster: cluster)
    }

    @Test func theExecutorCountsEveryDropOnPlansReplayAndReceipts() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        let coordinator = try #require(topology.coordinator)
        let market = try #require(topology.venuesNode)
        let executorNode = try #require(topology.node("executor-1"))
        let context = try Context()
        let zap = try ZAPHandler(context: context, allowedKeys: Set(topology.nodes.map(\.curveKey)))
        let plans = try Upstream(coordinator.id, endpoint: "plans", .pub, cluster: cluster, context: context)
        let replay = try Upstream(coordinator.id, endpoint: "replay", .router, cluster: cluster, context: context)
        let orders = try Upstream(market.id, endpoint: "orders", .router, cluster: cluster, context: context)
        let heartbeats = try RoleReport.listener(context, to: executorNode, endpoint: "status", topics: [Topic.status], cluster: cluster)
        defer {
            for socket in [plans.socket, replay.socket, orders.socket, heartbeats] { socket.close() }
            zap.stop()
            context.terminate()
        }
        try cluster.start("executor", ["executor", "--id", executorNode.id])

        let planDrops = plans.malformed(accepted: [.approvedPlan, .heartbeat, .rotation], hollow: [.approvedPlan], wrongType: .vote)
        let replayDrops = replay.malformed(accepted: [.approvedPlan, .heartbeat, .replayRequest], hollow: [.approvedPlan], wrongType: .vote)
        let receiptDrops = orders.malformed(accepted: [.orderReceipt], hollow: [.orderReceipt], wrongType: .transferOrder)
        var others: [MessageType] = []
        let counters = await attackUntilCounted(
            "executor", cluster: cluster,
            targets: [("\(coordinator.id).plans", planDrops), ("\(coordinator.id).replay", replayDrops), ("\(market.id).orders", receiptDrops)],
            attack: {
                plans.send(planDrops) { _ in Topic.plan }
                replay.send(replayDrops) { _ in executorNode.id }
                orders.send(receiptDrops) { _ in executorNode.id }
            },
            counters: { RoleReport.counters(on: heartbeats, from: executorNode, others: &others) })
        #expect(counters["plans.executed"] == nil, "nothing executed")
        #expect(counters["replay.completed"] == nil, "an undecodable heartbeat ends no replay")
        #expect(!counters.keys.contains { $0.hasPrefix("transfers.") }, "no receipt recorded: \(counters)")
        #expect(!others.contains(.transferStatus), "no transfer status published")
        expectCleanLog("executor", cluster: cluster)
    }

    @Test func theVerifierCountsEveryDropOnProposalsAndWatcherFeeds() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        let coordinator = try #require(topology.coordinator)
        let watcherNode = try #require(topology.watcher(of: "v1"))
        let verifierNode = try #require(topology.node("verifier-1"))
        let context = try Context()
        let zap = try ZAPHandler(context: context, allowedKeys: Set(topology.nodes.map(\.curveKey)))
        let proposals = try Upstream(coordinator.id, endpoint: "proposals", .router, cluster: cluster, context: context)
        let feed = try Upstream(watcherNode.id, endpoint: "feed", .pub, cluster: cluster, context: context)
        defer {
            proposals.socket.close()
            feed.socket.close()
            zap.stop()
            context.terminate()
        }
        try cluster.start("verifier", ["verifier", "--id", verifierNode.id])

        var otherVenue = WireVenueState()
        otherVenue.venue = "v2"
        otherVenue.topologyID = topology.id
        otherVenue.seq = 1
        otherVenue.observedAtNs = WallClock().now()
        let misdirected = try Envelope.seal(otherVenue, type: .venueState, sender: watcherNode.id, key: feed.signer).bytes()
        let proposalDrops = proposals.malformed(accepted: [.proposal, .heartbeat], hollow: [.proposal], wrongType: .approvedPlan)
        let stateDrops = feed.malformed(accepted: [.venueState], wrongType: .marketTick)
            + [Upstream.Drop(kind: "state of another venue", reason: .unknownSender, type: .venueState, frames: [misdirected])]
        // The verifier's heartbeats (with its counters) and any vote come to the coordinator's ROUTER.
        var others: [MessageType] = []
        let counters = await attackUntilCounted(
            "verifier", cluster: cluster,
            targets: [("\(coordinator.id).proposals", proposalDrops), ("watchers.feed", stateDrops)],
            attack: {
                proposals.send(proposalDrops) { _ in verifierNode.id }
                // One topic per kind: the feed is conflated by topic.
                feed.send(stateDrops) { Topic.state("v1") + "#\($0)" }
            },
            counters: { RoleReport.counters(on: proposals.socket, from: verifierNode, others: &others) })
        #expect(!counters.keys.contains { $0.hasPrefix("votes.") }, "no vote on a dropped proposal: \(counters)")
        #expect(!others.contains(.vote), "no vote sent")
        expectCleanLog("verifier", cluster: cluster)
    }
}
