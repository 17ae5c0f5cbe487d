import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing
import ZeroMQ

/// Issue #8 items 8 and 9, at the coordinator's and the venues' sockets: a listed node (its real
/// keys, so CURVE admits it) sends envelopes whose claimed sender forges a log line or carries
/// ESC, free-text fields that do the same, and validly signed envelopes whose payload does not
/// decode. No log line of any process is forged; every malformed payload is counted by socket.
@Suite(.serialized) struct LogForgingTests {
    static let forgedLine = "2026-01-01T00:00:00+0000 info coordinator: plan_seq=999999 signers=verifier-1,verifier-2,verifier-3 [RebalancerNode] approved"
    static let forgedSenders = ["mallory\n" + forgedLine, "mallory\u{1B}[2J\u{1B}[31mowned\r" + forgedLine, String(repeating: "x", count: 5000)]
    static let undecodable: [UInt8] = [0x08, 0xFF, 0xFF]

    /// A CURVE peer holding `node`'s real keys: a DEALER to a bound socket, or a PUB in place of the node's own endpoint.
    struct Insider {
        let keys: NodeKeys
        let signer: SigningKey
        let id: String
        let topology: Deployment

        init(_ id: String, cluster: Cluster) throws {
            self.id = id
            topology = try cluster.topology
            keys = try cluster.keys(id)
            signer = try keys.signer()
        }

        func dealer(_ context: Context, to peer: Topology.Node, endpoint: String) throws -> Socket {
            let socket = try Socket(context, .dealer)
            try socket.setLinger(0)
            try socket.setRoutingID(Array(id.utf8))
            try socket.makeCurveClient(serverPublicKey: peer.curveKey, publicKey: keys.curvePublic, secretKey: keys.curveSecret)
            try socket.connect(topology.endpoints(of: peer.id)[endpoint]!)
            return socket
        }

        func publisher(_ context: Context, at endpoint: String, topology: Deployment) throws -> Socket {
            let socket = try Socket(context, .pub)
            try socket.setLinger(0)
            try socket.makeCurveServer(secretKey: keys.curveSecret, domain: topology.id)
            try socket.bind(endpoint)
            return socket
        }

        /// Signed by this node but claiming each forged sender (so: unknown sender).
        func forged(_ type: MessageType) -> [[UInt8]] {
            LogForgingTests.forgedSenders.map { Envelope.sealing(payload: [8, 1], type: type, sender: $0, key: signer).bytes() }
        }

        /// Validly signed by this node, with a payload that does not decode.
        func undecodable(_ type: MessageType) -> [UInt8] {
            Envelope.sealing(payload: LogForgingTests.undecodable, type: type, sender: id, key: signer).bytes()
        }
    }

    /// Every line of `log` is one of the process's own: none starts with the forged prefix, none
    /// carries a control character, and the forged text appears only escaped.
    func expectUnforged(_ log: String, _ name: String) {
        for line in log.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(!line.hasPrefix("2026-01-01T00:00:00"), "\(name): forged line: \(line)")
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(name): control character in: \(line.debugDescription)")
            #expect(line.count < 2000, "\(name): unbounded line of \(line.count) characters")
        }
    }

    @Test func noForgedLineAndEveryMalformedPayloadCountedAtTheCoordinatorAndVenues() async throws {
        let (cluster, topology, coordinator, market) = try Cluster.coordinatorAndVenuesRunning()

        let context = try Context()
        let zap = try ZAPHandler(context: context, allowedKeys: Set(topology.nodes.map(\.curveKey)))
        let verifier = try Insider("verifier-1", cluster: cluster)
        let executor = try Insider("executor-1", cluster: cluster)
        let watcherNode = try #require(topology.watcher(of: "v1"))
        let watcher = try Insider(watcherNode.id, cluster: cluster)
        let proposals = try verifier.dealer(context, to: coordinator, endpoint: "proposals")
        let replay = try executor.dealer(context, to: coordinator, endpoint: "replay")
        let orders = try executor.dealer(context, to: market, endpoint: "orders")
        let status = try executor.publisher(context, at: topology.endpoints(of: "executor-1")["status"]!, topology: topology)
        let feed = try watcher.publisher(context, at: topology.endpoints(of: watcherNode.id)["feed"]!, topology: topology)
        let watch = try RoleReport.listener(context, to: coordinator, endpoint: "plans", topics: [], cluster: cluster)
        defer {
            for socket in [proposals, replay, orders, status, feed, watch] { socket.close(linger: 0) }
            zap.stop()
            context.terminate()
        }
        var failed = WireTransferStatus()
        failed.transferID = "1/0\n" + Self.forgedLine
        failed.state = .failed
        failed.detail = "\u{1B}[31m\n" + Self.forgedLine
        let forgedStatus = try Envelope.seal(failed, type: .transferStatus, sender: executor.id, key: executor.signer).bytes()

        func attack() throws {
            for bytes in verifier.forged(.vote) + [verifier.undecodable(.vote), verifier.undecodable(.heartbeat)] {
                try proposals.send([bytes], dontWait: true)
            }
            for bytes in executor.forged(.replayRequest) + [executor.undecodable(.replayRequest)] { try replay.send([bytes], dontWait: true) }
            for bytes in executor.forged(.transferOrder) + [executor.undecodable(.transferOrder)] { try orders.send([bytes], dontWait: true) }
            for bytes in executor.forged(.transferStatus) + [executor.undecodable(.transferStatus), executor.undecodable(.heartbeat), forgedStatus] {
                try status.send([Array(Topic.status.utf8), bytes], dontWait: true)
            }
            for bytes in watcher.forged(.venueState) + [watcher.undecodable(.venueState)] {
                try feed.send([Array(Topic.state("v1").utf8), bytes], dontWait: true)
            }
        }
        // Until each kind has been counted at least once (a PUB drops what it sends before the
        // subscriber is connected, so the feeds are sent again).
        var latest: [String: Int64] = [:]
        let counted = await eventually(40) {
            // A round ends at the coordinator's next signed heartbeat after the attack (its counters then).
            if let c = RoleReport.counters(on: watch, from: coordinator) { latest = c }
            try? attack()
            if let c = await RoleReport.nextCounters({ RoleReport.counters(on: watch, from: coordinator) }) { latest = c }
            return (latest["dropped.malformed_payload"] ?? 0) >= 5 && (latest["dropped.unknown_sender"] ?? 0) >= 10
                && cluster.log("coordinator").contains("transfer failed")
                && cluster.log("venues").contains("malformed_payload")
        }
        #expect(counted, "coordinator counters: \(latest)")
        // Each socket counted its own malformed payloads (dropped lines name the socket).
        let coordinatorLog = cluster.log("coordinator")
        for socket in ["proposals@", "replay@", "executor-1.status", "watchers.feed"] {
            let malformed = coordinatorLog.split(separator: "\n").filter { $0.contains("reason=malformed_payload") && $0.contains("socket=\(socket)") }
            #expect(!malformed.isEmpty, "no malformed_payload drop logged on \(socket)")
        }
        #expect(coordinatorLog.contains("peer=verifier-1"), "drops on a bound socket name the authenticated transport identity")
        #expect(coordinatorLog.contains("claimed_sender=\"mallory\\n2026-01-01T00:00:00+0000"), "the claimed sender is logged escaped")
        #expect(coordinatorLog.contains("\\u{1b}[2J"), "ESC is logged escaped")
        // Answered nothing and changed nothing.
        #expect((latest["replay.served"] ?? 0) == 0)
        #expect(latest["plans.approved"] == nil)
        #expect(cluster.stop("coordinator") == 0)
        #expect(cluster.stop("venues") == 0)
        let venuesLog = cluster.log("venues")
        #expect(venuesLog.contains("dropped.malformed_payload="), "venues counters: \(venuesLog.split(separator: "\n").last ?? "")")
        #expect(venuesLog.contains("peer=executor-1"))
        expectUnforged(cluster.log("coordinator"), "coordinator")
        expectUnforged(venuesLog, "venues")
    }
}
