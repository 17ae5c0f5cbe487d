import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import RebalancerWire
import Testing
import ZeroMQ

/// Issue #8 item 9 at the sockets a role connects, in one process: the test binds, as the upstream
/// node with its real keys, the endpoint the real watcher, executor or verifier role connects to,
/// and sends every kind of bad message there. Each drop is counted by reason, logged by socket
/// with the claimed sender escaped, and changes nothing. (The real binary's log lines for the
/// coordinator's and the market's bound sockets: IntegrationTests' `LogForgingTests`.)
@Suite struct EveryDropCountedScenarioTests {
    static let undecodable: [UInt8] = [0x08, 0xFF, 0xFF]
    static let forgedLine = "2026-01-01T00:00:00+0000 info coordinator: plan_seq=999999 [RebalancerNode] approved"

    /// One message a role must drop: its frames after the topic or routing frame, the reason it
    /// must count it under and the message type its log line must name (nil: `-`).
    struct Drop {
        let kind: String
        let reason: DropReason
        let type: MessageType?
        let frames: [[UInt8]]
    }

    /// The test in place of node `id`: its runtime (real keys) with `endpoint` bound.
    struct Upstream {
        let runtime: NodeRuntime
        let socket: SocketLoop.Handle

        init(_ cluster: MemoryCluster, _ id: NodeID, endpoint: String, _ type: SocketType, runtime existing: NodeRuntime? = nil) throws {
            runtime = try existing ?? cluster.runtime(id)
            socket = try runtime.bind(type, endpoint: endpoint, receive: type == .router)
        }

        /// Every kind of bad message for a socket that accepts `accepted` from this node (as
        /// IntegrationTests' `Upstream.malformed`).
        func malformed(accepted: [MessageType], hollow: [MessageType] = [], wrongType: MessageType) -> [Drop] {
            let id = runtime.node.id
            let signer = runtime.signer
            let seal = { (payload: [UInt8], type: MessageType, sender: String, key: SigningKey) in
                Envelope.sealing(payload: payload, type: type, sender: sender, key: key).bytes()
            }
            let type = accepted[0]
            var drops = accepted.map { Drop(kind: "undecodable \($0)", reason: .malformedPayload, type: $0, frames: [seal(EveryDropCountedScenarioTests.undecodable, $0, id, signer)]) }
            drops += hollow.map { Drop(kind: "hollow \($0)", reason: .malformedPayload, type: $0, frames: [seal([], $0, id, signer)]) }
            drops += [
                Drop(kind: "wrong type \(wrongType)", reason: .unexpectedType, type: wrongType, frames: [seal([8, 1], wrongType, id, signer)]),
                Drop(kind: "unknown sender", reason: .unknownSender, type: type, frames: [seal([8, 1], type, "mallory\n" + EveryDropCountedScenarioTests.forgedLine, signer)]),
                Drop(kind: "bad signature", reason: .badSignature, type: type, frames: [seal([8, 1], type, id, SigningKey())]),
                Drop(kind: "not an envelope", reason: .malformedEnvelope, type: nil, frames: [[0xFF, 0xFF, 0xFF, 0xFF]]),
                Drop(kind: "two envelope frames", reason: .badFraming, type: nil, frames: [seal([8, 1], type, id, signer), seal([8, 1], type, id, signer)]),
            ]
            return drops
        }

        /// Sends each drop after its routing frame (`route(i)` for the i-th), letting the role take each.
        func send(_ drops: [Drop], in cluster: MemoryCluster, route: (Int) -> String) async {
            for (index, drop) in drops.enumerated() {
                runtime.transport.send([Array(route(index).utf8)] + drop.frames, on: socket)
                await cluster.settle()
            }
        }
    }

    /// Every drop of `targets` was counted under its reason and logged naming its socket, reason
    /// and type; the claimed sender only escaped, no line forged.
    func expectCounted(_ cluster: MemoryCluster, _ id: NodeID, _ targets: [(socket: String, drops: [Drop])]) {
        var perReason: [DropReason: Int64] = [:]
        for target in targets { for drop in target.drops { perReason[drop.reason, default: 0] += 1 } }
        for (reason, count) in perReason.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            #expect(cluster.counter(id, "dropped.\(reason.rawValue)") == count, "\(id): dropped.\(reason.rawValue)")
        }
        #expect(cluster.counter(id, "dropped") == perReason.values.reduce(0, +), "\(id): every drop counted once")
        let lines = cluster.log.lines(id, containing: "dropped message").map { Set($0.split(separator: " ").map(String.init)) }
        for target in targets {
            for drop in target.drops {
                let fields: Set = ["reason=\(drop.reason.rawValue)", "socket=\(target.socket)", "type=\(drop.type.map { "\($0)" } ?? "-")"]
                #expect(lines.contains { fields.isSubset(of: $0) }, "\(id) logged no drop for \(target.socket): \(drop.kind)")
            }
        }
        let all = cluster.log.lines(id)
        #expect(all.contains { $0.contains("claimed_sender=\"mallory\\n2026-01-01T00:00:00+0000") }, "\(id) logs the claimed sender escaped")
        #expect(!all.contains { $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }, "\(id): a control character reached a log line")
    }

    @Test func theWatcherCountsEveryDropOnTheTickFeed() async throws {
        let cluster = try MemoryCluster(venues: 2, verifiers: 4, quorum: 3)
        let market = try #require(cluster.topology.venuesNode)
        let watcher = try #require(cluster.topology.watcher(of: "v1")).id
        let venues = try Upstream(cluster, market.id, endpoint: "feed", .pub)
        try cluster.startWatcher("v1")
        await cluster.settle()

        var otherVenue = WireMarketTick()
        otherVenue.state.venue = "v2"
        let misdirected = try Envelope.seal(otherVenue, type: .marketTick, sender: market.id, key: venues.runtime.signer).bytes()
        let drops = venues.malformed(accepted: [.marketTick], wrongType: .venueState)
            + [Drop(kind: "tick of another venue", reason: .unknownSender, type: .marketTick, frames: [misdirected])]
        await venues.send(drops, in: cluster) { Topic.tick("v1") + "#\($0)" }

        expectCounted(cluster, watcher, [("\(market.id).feed", drops)])
        #expect(cluster.counter(watcher, "states.published") == 0, "no state published from a dropped tick")
    }

    @Test func theExecutorCountsEveryDropOnPlansReplayAndReceipts() async throws {
        let cluster = try MemoryCluster(venues: 2, verifiers: 4, quorum: 3)
        let coordinator = try #require(cluster.topology.coordinator)
        let market = try #require(cluster.topology.venuesNode)
        let executor = "executor-1"
        let plans = try Upstream(cluster, coordinator.id, endpoint: "plans", .pub)
        let replay = try Upstream(cluster, coordinator.id, endpoint: "replay", .router, runtime: plans.runtime)
        let orders = try Upstream(cluster, market.id, endpoint: "orders", .router)
        try cluster.startExecutor(executor)
        await cluster.settle()

        let planDrops = plans.malformed(accepted: [.approvedPlan, .heartbeat, .rotation], hollow: [.approvedPlan], wrongType: .vote)
        let replayDrops = replay.malformed(accepted: [.approvedPlan, .heartbeat, .replayRequest], hollow: [.approvedPlan], wrongType: .vote)
        let receiptDrops = orders.malformed(accepted: [.orderReceipt], hollow: [.orderReceipt], wrongType: .transferOrder)
        await plans.send(planDrops, in: cluster) { _ in Topic.plan }
        await replay.send(replayDrops, in: cluster) { _ in executor }
        await orders.send(receiptDrops, in: cluster) { _ in executor }

        expectCounted(cluster, executor, [("\(coordinator.id).plans", planDrops), ("\(coordinator.id).replay", replayDrops), ("\(market.id).orders", receiptDrops)])
        #expect(cluster.counter(executor, "plans.executed") == 0, "nothing executed")
        #expect(cluster.counter(executor, "replay.completed") == 0, "an undecodable heartbeat ends no replay")
        #expect(cluster.member(executor)?.counters.snapshot.keys.contains { $0.hasPrefix("transfers.") } == false, "no receipt recorded")
    }

    @Test func theVerifierCountsEveryDropOnProposalsAndWatcherFeeds() async throws {
        let cluster = try MemoryCluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = cluster.topology
        let coordinator = try #require(topology.coordinator)
        let watcherNode = try #require(topology.watcher(of: "v1"))
        let verifier = "verifier-1"
        let proposals = try Upstream(cluster, coordinator.id, endpoint: "proposals", .router)
        let feed = try Upstream(cluster, watcherNode.id, endpoint: "feed", .pub)
        try cluster.startVerifier(verifier)
        await cluster.settle()

        var otherVenue = WireVenueState()
        otherVenue.venue = "v2"
        otherVenue.topologyID = topology.id
        otherVenue.seq = 1
        otherVenue.observedAtNs = cluster.clock.now()
        let misdirected = try Envelope.seal(otherVenue, type: .venueState, sender: watcherNode.id, key: feed.runtime.signer).bytes()
        let proposalDrops = proposals.malformed(accepted: [.proposal, .heartbeat], hollow: [.proposal], wrongType: .approvedPlan)
        let stateDrops = feed.malformed(accepted: [.venueState], wrongType: .marketTick)
            + [Drop(kind: "state of another venue", reason: .unknownSender, type: .venueState, frames: [misdirected])]
        await proposals.send(proposalDrops, in: cluster) { _ in verifier }
        await feed.send(stateDrops, in: cluster) { Topic.state("v1") + "#\($0)" }

        expectCounted(cluster, verifier, [("\(coordinator.id).proposals", proposalDrops), ("watchers.feed", stateDrops)])
        let inbound = try #require(proposals.runtime.transport as? MemoryTransport).take()
        let votes = inbound.filter { inbound in
            inbound.frames.count >= 2 && (try? Envelope(serializedBytes: inbound.frames[inbound.frames.count - 1]))?.type == .vote
        }
        #expect(votes.isEmpty, "no vote on a dropped proposal")
        #expect(cluster.member(verifier)?.counters.snapshot.keys.contains { $0.hasPrefix("votes.") } == false)
    }
}
