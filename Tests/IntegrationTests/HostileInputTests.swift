import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing
import ZeroMQ

/// Real CURVE: a key the topology does not list gets nothing through a real process's socket. (Bad
/// input at every role's sockets, in one process: `RoleScenarioTests/HostileInputScenarioTests`;
/// over real sockets: `EveryDropCountedTests`, `LogForgingTests` and `ByzantineTests`.)
@Suite(.serialized) struct HostileInputTests {
    @Test func anUnlistedCurveKeyGetsNothingThrough() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let coordinator = try #require(try cluster.topology.coordinator)
        try cluster.start("coordinator", ["coordinator"])
        let context = try Context()
        let stranger = try CurveKeyPair.generate()
        let sub = try Socket(context, .sub)
        try sub.makeCurveClient(serverPublicKey: coordinator.curveKey, publicKey: stranger.publicKey, secretKey: stranger.secretKey)
        try sub.connect(cluster.topology.endpoints(of: coordinator.id)["plans"]!)
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
