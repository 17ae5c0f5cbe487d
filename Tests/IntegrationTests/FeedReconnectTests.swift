import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing
import ZeroMQ

/// Issue #8 item 10: one frame above ZMQ_MAXMSGSIZE on a feed a real role subscribes to ends
/// that connection for good in libzmq; the role notices (socket monitor), counts it, logs the
/// peer, reconnects, and hears the feed again.
@Suite(.serialized) struct FeedReconnectTests {
    @Test func theCoordinatorHearsAnExecutorAgainAfterAnOversizedFrame() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        let coordinator = try #require(topology.coordinator)
        let executor = try #require(topology.node("executor-1"))
        try cluster.start("coordinator", ["coordinator"])

        // executor-1's status endpoint, served by this test with executor-1's real keys.
        let context = try Context()
        let zap = try ZAPHandler(context: context, allowedKeys: Set(topology.nodes.map(\.curveKey)))
        let keys = try cluster.keys(executor.id)
        let signer = try keys.signer()
        let status = try Socket(context, .pub)
        try status.setSendHighWaterMark(100_000)
        try status.makeCurveServer(secretKey: keys.curveSecret, domain: topology.id)
        try status.bind(topology.endpoints(of: executor.id)["status"]!)
        let watch = try RoleReport.listener(context, to: coordinator, endpoint: "plans", topics: [], cluster: cluster)
        defer {
            status.close(linger: 0)
            watch.close(linger: 0)
            zap.stop()
            context.terminate()
        }
        var seq: UInt64 = 0
        func beat() throws {
            seq += 1
            var update = WireTransferStatus()
            update.planSeq = 0
            update.transferID = "0/\(seq)"
            update.state = .submitted
            update.atNs = WallClock().now()
            let envelope = try Envelope.seal(update, type: .transferStatus, sender: executor.id, key: signer)
            try status.send([Array(Topic.status.utf8), envelope.bytes()], dontWait: true)
        }

        var latest: [String: Int64] = [:]
        func heard() -> Int64 {
            if let c = RoleReport.counters(on: watch, from: coordinator) { latest = c }
            return latest.first { $0.key.hasPrefix("rx.") && $0.key.lowercased().contains("status") }?.value ?? 0
        }
        let hearing = await eventually(30) {
            try? beat()
            return heard() > 0
        }
        try #require(hearing, "the coordinator hears executor-1's status feed: \(latest)")

        // One 10 MiB frame on the status topic: the coordinator's SUB refuses it and libzmq drops the connection.
        try status.send([Array(Topic.status.utf8), [UInt8](repeating: 0xAB, count: 10 << 20)], dontWait: false)
        let dropped = await eventually(30) {
            _ = heard()
            return (latest["links.dropped"] ?? 0) >= 1
        }
        #expect(dropped, "the coordinator counts the dropped connection: \(latest)")
        let before = heard()
        let back = await eventually(30) {
            try? beat()
            return heard() > before + 3 && (latest["links.reconnects"] ?? 0) >= 1
        }
        #expect(back, "coordinator counters after the oversized frame: \(latest)")
        #expect((latest["links.dropped"] ?? 0) >= 1, "\(latest)")
        let logged = await eventually(10) { cluster.log("coordinator").contains("connection restored") }
        #expect(logged, "coordinator log: \(cluster.log("coordinator"))")
        let dropLine = cluster.log("coordinator").split(separator: "\n").first { $0.contains("connection dropped") }
        #expect(dropLine?.contains("socket=executor-1.status") == true && dropLine?.contains("endpoint=\(topology.endpoints(of: executor.id)["status"]!)") == true, "\(dropLine ?? "no drop line")")
        #expect(cluster.stop("coordinator") == 0)
    }
}
