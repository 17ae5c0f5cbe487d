import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerSimulation
import RebalancerWire
import Testing
import ZeroMQ

/// Real CURVE: a key the topology does not list gets nothing through a real process's socket. (Bad
/// input at every role's sockets, in one process: `RoleScenarioTests/HostileInputScenarioTests`;
/// over real sockets: `EveryDropCountedTests`, `LogForgingTests` and `ByzantineTests`.)
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
        let refused = await eventually(10) { cluster.log("coordinator").contains("refused connection") }
        #expect(refused, "the coordinator logs the refused handshake with the peer's address")
        // The coordinator publishes heartbeats all along (every heartbeat interval): none arrives.
        let got = await eventually(1) { (try? sub.receive(dontWait: true)) ?? nil != nil }
        #expect(!got)
        sub.close()
        context.terminate()
        cluster.stop("coordinator")
    }
}
