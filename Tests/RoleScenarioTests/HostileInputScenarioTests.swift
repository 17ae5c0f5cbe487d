import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerSimulation
import RebalancerTestKit
import RebalancerWire
import Testing
import ZeroMQ

/// Bad input at the sockets of the real coordinator, market and executor roles, in one process:
/// garbage bytes, truncated protobuf, wrong signatures, unknown senders, wrong envelope types, bad
/// framing, an oversized frame, a stolen signing key over another node's connection. Each drop is
/// counted by reason and no state changes.
@Suite struct HostileInputScenarioTests {
    /// Every kind of bad frame, for a socket that expects `type` from `claimedSender`.
    static func badFrames(type: MessageType, claimedSender: String, signer: SigningKey) -> [[[UInt8]]] {
        var random = SeededRandom(seed: 7)
        let garbage = (0..<200).map { _ in UInt8.random(in: 0...255, using: &random) }
        let valid = Envelope.sealing(payload: [8, 1, 16, 2], type: type, sender: claimedSender, key: signer).bytes()
        let truncated = Array(valid.prefix(valid.count / 2))
        let unknownSender = Envelope.sealing(payload: [8, 1], type: type, sender: "mallory", key: signer).bytes()
        let wrongType = Envelope.sealing(payload: [8, 1], type: .marketTick, sender: claimedSender, key: signer).bytes()
        return [[garbage], [truncated], [valid], [unknownSender], [wrongType], [[], [], valid], [[]]]
    }

    @Test func everyRoleCountsGarbageAndChangesNothing() async throws {
        let cluster = try MemoryCluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = cluster.topology
        let coordinator = try #require(topology.coordinator)
        let market = try #require(topology.venuesNode)
        try cluster.startCoordinator()
        try cluster.startVenues()
        try cluster.startExecutor("executor-1")

        // A compromised host in place of watcher-v1 (its real keys and endpoint) publishes garbage
        // and states for a venue it does not watch, straight into the coordinator's subscription.
        let fake = try cluster.runtime(try #require(topology.watcher(of: "v1")).id)
        let fakeFeed = try fake.bind(.pub, endpoint: "feed", receive: false)
        var otherVenue = WireVenueState()
        otherVenue.venue = "v2"
        otherVenue.topologyID = topology.id
        otherVenue.seq = 1
        otherVenue.observedAtNs = cluster.clock.now()
        let lie = try Envelope.seal(otherVenue, type: .venueState, sender: fake.node.id, key: fake.signer).bytes()

        // The attacker holds a listed CURVE key (the monitor's), so its bytes reach the roles.
        let monitorKeys = try #require(cluster.keys["monitor"])
        let attacker = cluster.network.transport(key: monitorKeys.curvePublic)
        let signer = try monitorKeys.signer()
        func dealer(to node: Topology.Node, _ endpoint: String, as routingID: String) throws -> SocketLoop.Handle {
            try attacker.connect(.dealer, endpoint: try #require(topology.endpoints(of: node.id)[endpoint]), serverKey: node.curveKey, subscribe: [], routingID: routingID, conflate: false)
        }
        let proposals = try dealer(to: coordinator, "proposals", as: "verifier-1")
        let replay = try dealer(to: coordinator, "replay", as: "intruder-1")
        let orders = try dealer(to: market, "orders", as: "intruder-2")
        await cluster.advance(by: .seconds(1))

        // Validly signed with executor-1's signing key (stolen), sent over the monitor's
        // connection: the transport identity does not match the signer, so nothing gets through.
        let stolenKey = try #require(cluster.keys["executor-1"]).signer()
        var replayRequest = WireReplayRequest()
        replayRequest.afterPlanSeq = 0
        attacker.send([try Envelope.seal(replayRequest, type: .replayRequest, sender: "executor-1", key: stolenKey).bytes()], on: replay)
        var order = WireTransferOrder()
        order.transferID = "999/0"
        order.transfer.from = "v1"
        order.transfer.to = "v2"
        order.transfer.amount = 100_00
        attacker.send([try Envelope.seal(order, type: .transferOrder, sender: "executor-1", key: stolenKey).bytes()], on: orders)
        for frames in Self.badFrames(type: .vote, claimedSender: "verifier-1", signer: signer) { attacker.send(frames, on: proposals) }
        for frames in Self.badFrames(type: .replayRequest, claimedSender: "executor-1", signer: signer) { attacker.send(frames, on: replay) }
        for frames in Self.badFrames(type: .transferOrder, claimedSender: "executor-1", signer: signer) { attacker.send(frames, on: orders) }
        for frames: [[UInt8]] in [[Array("state/v1".utf8), [9, 9, 9]], [Array("state/v2".utf8), lie], [Array("state/v1".utf8)]] {
            fake.transport.send(frames, on: fakeFeed)
            await cluster.settle()
        }
        // Above the maximum message size: discarded by the transport, as by libzmq.
        attacker.send([[UInt8](repeating: 0xAB, count: 10 << 20)], on: proposals)
        await cluster.advance(by: .seconds(1))

        let id = coordinator.id
        for reason in ["malformed_envelope", "bad_signature", "unknown_sender", "unexpected_type", "bad_framing", "transport_mismatch"] {
            #expect(cluster.counter(id, "dropped.\(reason)") >= 1, "coordinator: no drop counted for \(reason)")
        }
        #expect(cluster.counter(market.id, "dropped.transport_mismatch") == 1, "a stolen signing key alone places no order")
        #expect(cluster.counter(market.id, "dropped") >= 7)
        // No state changed: nothing proposed, approved, replayed or ordered on the strength of garbage.
        #expect(cluster.counter(id, "plans.approved") == 0)
        #expect(cluster.counter(id, "plans.proposed") == 0)
        #expect(cluster.counter(id, "replay.served") == 0)
        #expect(cluster.counter(market.id, "transfers.accepted") == 0)
    }
}
