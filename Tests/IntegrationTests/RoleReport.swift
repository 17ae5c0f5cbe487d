import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import ZeroMQ

/// What a role under test says about itself: the counters in the signed heartbeats it sends (on
/// a feed it publishes, or to a ROUTER the test binds) and what else it sends.
enum RoleReport {
    /// A SUB with a listed node's keys (the monitor's), to `node`'s feed `endpoint`: its heartbeats
    /// and whatever else of `topics` it publishes.
    static func listener(_ context: Context, to node: Topology.Node, endpoint: String, topics: [String], cluster: Cluster) throws -> Socket {
        let keys = try cluster.keys("monitor")
        let socket = try Socket(context, .sub)
        try socket.setLinger(0)
        try socket.makeCurveClient(serverPublicKey: node.curveKey, publicKey: keys.curvePublic, secretKey: keys.curveSecret)
        try socket.connect(try cluster.topology.endpoints(of: node.id)[endpoint]!)
        for topic in [Topic.heartbeat] + topics { try socket.subscribe(topic) }
        return socket
    }

    /// Takes every waiting `[topic or routing id, envelope]` message on `socket` and hands each
    /// envelope signed by `node` to `body`, in order.
    static func drain(_ socket: Socket, from node: Topology.Node, _ body: (Envelope) -> Void) {
        while let frames = try? socket.receive(dontWait: true) {
            guard frames.count == 2, let envelope = try? Envelope(serializedBytes: frames[1]),
                  envelope.sender == node.id, envelope.isSigned(by: node.signingKey) else { continue }
            body(envelope)
        }
    }

    /// The newest counters among the waiting messages on `socket` from a heartbeat signed by
    /// `node`; every other envelope type seen is collected in `others`.
    static func counters(on socket: Socket, from node: Topology.Node, others: inout [MessageType]) -> [String: Int64]? {
        var latest: [String: Int64]?
        var seen: [MessageType] = []
        drain(socket, from: node) { envelope in
            guard envelope.type == .heartbeat, let hb = try? WireHeartbeat(serializedBytes: envelope.payload) else { return seen.append(envelope.type) }
            latest = hb.counters
        }
        others += seen
        return latest
    }

    /// The counters of the next signed heartbeat `read` finds (looked for every 20 ms), nil if
    /// none comes within `seconds`: a round of an attack ends when the role has reported, not
    /// after a fixed pause.
    static func nextCounters(within seconds: Double = 10, _ read: () -> [String: Int64]?) async -> [String: Int64]? {
        var found: [String: Int64]?
        _ = await eventually(seconds, every: .milliseconds(20)) {
            found = read()
            return found != nil
        }
        return found
    }

    /// Waits until `count` more envelopes of `type` signed by `node` have arrived on `socket`:
    /// an observation window measured in what the node does (its ticks, its states), not in
    /// seconds. False if `seconds` pass first.
    static func awaitSigned(_ count: Int, _ type: MessageType, on socket: Socket, from node: Topology.Node, within seconds: Double) async -> Bool {
        var seen = 0
        return await eventually(seconds, every: .milliseconds(20)) {
            drain(socket, from: node) { if $0.type == type { seen += 1 } }
            return seen >= count
        }
    }

    /// The newest counters among the waiting messages on `socket` from a heartbeat signed by `node`.
    static func counters(on socket: Socket, from node: Topology.Node) -> [String: Int64]? {
        var ignored: [MessageType] = []
        return counters(on: socket, from: node, others: &ignored)
    }
}
