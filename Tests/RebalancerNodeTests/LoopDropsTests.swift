import Foundation
import Logging
import RebalancerCore
import RebalancerNode
import Testing
import ZeroMQ

/// Issue #8 item 9: messages the socket loop discards because a role fell behind (its inbound
/// buffer full) are counted and logged, like every other drop.
@Suite struct LoopDropsTests {
    struct Capture: LogHandler {
        let lines: CapturedLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append("\(event.level) \(fields) \(event.message)")
        }
    }

    @Test func discardedInboundMessagesAreCountedAndLoggedOnce() async throws {
        var topology = try TopologyInit.topology(venues: 2, verifiers: 1)
        let keys = topology.nodes.map { _ in NodeKeys.generate() }
        for index in topology.nodes.indices {
            topology.nodes[index].signingKey = keys[index].signingPublic
            topology.nodes[index].curveKey = keys[index].curvePublic
        }
        let index = try #require(topology.nodes.firstIndex { $0.role == .coordinator })
        let endpoint = "ipc://\(NSTemporaryDirectory())loop-drops-\(UUID().uuidString.prefix(8)).sock"
        topology.endpoints[topology.nodes[index].id, default: [:]]["replay"] = endpoint
        let node = topology.nodes[index]
        let lines = CapturedLines()
        let runtime = try NodeRuntime(
            topology: topology, node: node, signer: try keys[index].signer(), curvePublic: keys[index].curvePublic,
            curveSecret: keys[index].curveSecret, logger: Logger(label: node.id) { _ in Capture(lines: lines) }
        )
        try runtime.bind(.pull, endpoint: "replay", receive: true)
        // Never consumed: the role has fallen behind, and the loop's buffer of 10,000 fills.
        let inbound = runtime.start()
        let context = try Context()
        let push = try Socket(context, .push)
        try push.setLinger(0)
        try push.makeCurveClient(serverPublicKey: node.curveKey, publicKey: keys[0].curvePublic, secretKey: keys[0].curveSecret)
        try push.connect(endpoint)
        defer {
            push.close()
            context.terminate()
            _ = inbound
        }
        #expect(lines.all.isEmpty)
        for n in 0..<10_025 { try push.send([[UInt8(n & 0xFF)]], dontWait: false) }
        var waited = 0
        while runtime.transport.droppedInbound < 25, waited < 300 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        runtime.recordLoopDrops()
        #expect(runtime.counters["loop.dropped_inbound"] == 25)
        let logged = lines.all.filter { $0.contains("reason=inbound_buffer_full") }
        #expect(logged.count == 1, "\(lines.all)")
        #expect(logged.first?.hasPrefix("warning") == true)
        #expect(logged.first?.contains("count=25") == true)
        // Nothing new discarded: nothing new logged.
        runtime.recordLoopDrops()
        #expect(lines.all.filter { $0.contains("reason=inbound_buffer_full") }.count == 1)
        await runtime.shutdown()
    }
}
