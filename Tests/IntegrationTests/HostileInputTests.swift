import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerSimulation
import RebalancerWire
import Testing
import ZeroMQ

/// Bad input at the sockets of real role processes: garbage bytes, truncated protobuf, wrong
/// signatures, unknown senders, wrong envelope types, bad framing and an oversized frame. Every
/// process stays up, counts each drop by reason, and changes no state.
@Suite(.serialized) struct HostileInputTests {
    /// A peer that holds a listed CURVE key (the monitor's), so its bytes reach the application,
    /// but whose messages no role accepts as signed by anyone it trusts.
    struct Attacker {
        let context: Context
        let keys: NodeKeys
        let signer: SigningKey

        init(cluster: Cluster) throws {
            context = try Context()
            keys = try cluster.keys("monitor")
            signer = try keys.signer()
        }

        func socket(_ type: SocketType, to peer: Topology.Node, endpoint: String, routingID: String? = nil) throws -> Socket {
            let socket = try Socket(context, type)
            try socket.setLinger(1000)
            if let routingID { try socket.setRoutingID(Array(routingID.utf8)) }
            try socket.makeCurveClient(serverPublicKey: peer.curveKey, publicKey: keys.curvePublic, secretKey: keys.curveSecret)
            try socket.connect(peer.endpoints[endpoint]!)
            return socket
        }

        /// Every kind of bad frame, for a socket that expects `type` from `claimedSender`.
        func badFrames(type: MessageType, claimedSender: String) -> [[[UInt8]]] {
            var random = SeededRandom(seed: 7)
            let garbage = (0..<200).map { _ in UInt8.random(in: 0...255, using: &random) }
            let valid = Envelope.sealing(payload: [8, 1, 16, 2], type: type, sender: claimedSender, key: signer).bytes()
            let truncated = Array(valid.prefix(valid.count / 2))
            let unknownSender = Envelope.sealing(payload: [8, 1], type: type, sender: "mallory", key: signer).bytes()
            let wrongType = Envelope.sealing(payload: [8, 1], type: .marketTick, sender: claimedSender, key: signer).bytes()
            return [[garbage], [truncated], [valid], [unknownSender], [wrongType], [[], [], valid], [[]]]
        }
    }

    @Test func everyProcessSurvivesAndCountsGarbage() async throws {
        let (cluster, topology, coordinator, market) = try Cluster.coordinatorAndVenuesRunning()
        try cluster.start("executor", ["executor", "--id", "executor-1"])

        // A compromised host in place of watcher-v1 (its real keys and endpoint) publishes garbage
        // and states for a venue it does not watch, straight into the coordinator's subscription.
        let fakeContext = try Context()
        let fakeZAP = try ZAPHandler(context: fakeContext, allowedKeys: Set(topology.nodes.map(\.curveKey)))
        let watcherNode = try #require(topology.watcher(of: "v1"))
        let watcherKeys = try cluster.keys(watcherNode.id)
        let fakeWatcher = try Socket(fakeContext, .pub)
        try fakeWatcher.makeCurveServer(secretKey: watcherKeys.curveSecret, domain: topology.id)
        try fakeWatcher.bind(watcherNode.endpoints["feed"]!)
        defer { fakeWatcher.close(); fakeZAP.stop(); fakeContext.terminate() }
        var otherVenue = WireVenueState()
        otherVenue.venue = "v2"
        otherVenue.topologyID = topology.id
        otherVenue.seq = 1
        otherVenue.observedAtNs = WallClock().now()
        let lie = try Envelope.seal(otherVenue, type: .venueState, sender: watcherNode.id, key: try watcherKeys.signer()).bytes()

        let attacker = try Attacker(cluster: cluster)
        let proposals = try attacker.socket(.dealer, to: coordinator, endpoint: "proposals", routingID: "verifier-1")
        let replay = try attacker.socket(.dealer, to: coordinator, endpoint: "replay", routingID: "intruder-1")
        let orders = try attacker.socket(.dealer, to: market, endpoint: "orders", routingID: "intruder-2")
        let heartbeats = try attacker.socket(.sub, to: coordinator, endpoint: "plans")
        try heartbeats.subscribe("hb")
        // Attack only once the coordinator is visibly up (its first heartbeat), and repeat: a PUB
        // drops what it sends before a subscriber is connected, and a busy machine is slow to connect.
        var counters: [String: Int64] = [:]
        let up = await eventually(30) {
            if let c = RoleReport.counters(on: heartbeats, from: coordinator) { counters = c }
            return !counters.isEmpty
        }
        try #require(up, "the coordinator publishes heartbeats")
        // Validly signed with executor-1's signing key (stolen), sent over the monitor's CURVE
        // connection: the transport identity does not match the signer, so nothing gets through.
        let stolenKey = try cluster.keys("executor-1").signer()
        var replayRequest = WireReplayRequest()
        replayRequest.afterPlanSeq = 0
        let stolenReplay = try Envelope.seal(replayRequest, type: .replayRequest, sender: "executor-1", key: stolenKey).bytes()
        var order = WireTransferOrder()
        order.transferID = "999/0"
        order.transfer.from = "v1"
        order.transfer.to = "v2"
        order.transfer.amount = 100_00
        let stolenOrder = try Envelope.seal(order, type: .transferOrder, sender: "executor-1", key: stolenKey).bytes()
        func attack() throws {
            try replay.send([stolenReplay], dontWait: false)
            try orders.send([stolenOrder], dontWait: false)
            for frames in attacker.badFrames(type: .vote, claimedSender: "verifier-1") { try proposals.send(frames, dontWait: false) }
            for frames in attacker.badFrames(type: .replayRequest, claimedSender: "executor-1") { try replay.send(frames, dontWait: false) }
            for frames in attacker.badFrames(type: .transferOrder, claimedSender: "executor-1") { try orders.send(frames, dontWait: false) }
        }
        func lieAsWatcher() throws {
            for frames: [[UInt8]] in [[Array("state/v1".utf8), [9, 9, 9]], [Array("state/v2".utf8), lie], [Array("state/v1".utf8)]] {
                try fakeWatcher.send(frames, dontWait: false)
            }
        }
        try attack()
        // A 10 MiB frame: refused by ZMQ_MAXMSGSIZE before it is ever buffered whole.
        let big = try attacker.socket(.dealer, to: coordinator, endpoint: "proposals", routingID: "verifier-2")
        try big.send([[UInt8](repeating: 0xAB, count: 10 << 20)], dontWait: false)

        var rounds = 0
        let counted = await eventually(30) {
            rounds += 1
            try? lieAsWatcher()
            if rounds % 20 == 0 { try? attack() }
            if let c = RoleReport.counters(on: heartbeats, from: coordinator) { counters = c }
            return (counters["dropped"] ?? 0) >= 30 && (counters["dropped.unknown_sender"] ?? 0) >= 10
                && (counters["dropped.transport_mismatch"] ?? 0) >= 1
        }
        #expect(counted, "coordinator counters: \(counters)")
        for reason in ["malformed_envelope", "bad_signature", "unknown_sender", "unexpected_type", "bad_framing", "transport_mismatch"] {
            #expect((counters["dropped.\(reason)"] ?? 0) >= 1, "no drop counted for \(reason): \(counters)")
        }
        // No state changed: nothing was proposed, approved or replayed on the strength of garbage.
        #expect(counters["plans.approved"] == nil)
        #expect((counters["replay.served"] ?? 0) == 0)
        #expect(cluster.isRunning("coordinator"))
        #expect(cluster.isRunning("venues"))
        #expect(cluster.isRunning("executor"))
        let venuesDropped = await eventually(5) { cluster.log("venues").components(separatedBy: "dropped message").count - 1 >= 5 }
        #expect(venuesDropped, "venues log: \(cluster.log("venues"))")
        #expect(cluster.log("venues").contains("transport_mismatch"), "a stolen signing key alone places no order")
        for socket in [proposals, replay, orders, heartbeats, big] { socket.close(linger: 0) }
        attacker.context.terminate()
        // Each role still shuts down cleanly on SIGTERM.
        #expect(cluster.stop("coordinator") == 0)
        #expect(cluster.stop("venues") == 0)
        #expect(cluster.stop("executor") == 0)
        #expect(!cluster.log("venues").contains("transfers.accepted"), "no garbage order was ever accepted")
    }

    @Test func anUnlistedCurveKeyGetsNothingThrough() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let coordinator = try #require(try cluster.topology.coordinator)
        try cluster.start("coordinator", ["coordinator"])
        let context = try Context()
        let stranger = try CurveKeyPair.generate()
        let sub = try Socket(context, .sub)
        try sub.makeCurveClient(serverPublicKey: coordinator.curveKey, publicKey: stranger.publicKey, secretKey: stranger.secretKey)
        try sub.connect(coordinator.endpoints["plans"]!)
        try sub.subscribe("")
        try await Task.sleep(for: .seconds(2))
        #expect(try sub.receive(dontWait: true) == nil)
        let refused = await eventually(5) { cluster.log("coordinator").contains("refused connection") }
        #expect(refused, "the coordinator logs the refused handshake with the peer's address")
        sub.close()
        context.terminate()
        cluster.stop("coordinator")
    }
}
