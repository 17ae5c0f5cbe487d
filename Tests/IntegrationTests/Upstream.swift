import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import ZeroMQ

/// The test in the place of a node that a role under test connects to: it binds that node's
/// endpoint with the node's real keys (the role's CURVE client checks the server key, so it
/// connects) and sends what the real node never would.
struct Upstream {
    /// The node played.
    let id: String
    /// The node's real signing key.
    let signer: SigningKey
    /// The bound socket: a PUB in place of a feed, a ROUTER in place of a request endpoint.
    let socket: Socket

    init(_ id: String, endpoint name: String, _ type: SocketType, cluster: Cluster, context: Context) throws {
        let topology = try cluster.topology
        guard let endpoint = topology.endpoints(of: id)[name] else { throw ClusterError("\(id) has no endpoint \(name)") }
        let keys = try cluster.keys(id)
        self.id = id
        signer = try keys.signer()
        socket = try Socket(context, type)
        try socket.setLinger(0)
        // A send to a DEALER that has not connected yet fails instead of vanishing; the next round retries it.
        if type == .router { try socket.setRouterMandatory(true) }
        try socket.makeCurveServer(secretKey: keys.curveSecret, domain: topology.id)
        try socket.bind(endpoint)
    }

    /// One message the role must drop, as the frames after the routing frame (topic or routing id),
    /// the reason it must count it under and the message type its log line must name (nil: `-`).
    struct Drop {
        let kind: String
        let reason: DropReason
        let type: MessageType?
        let frames: [[UInt8]]
    }

    /// Every kind of bad message for a socket that accepts `accepted` from this node: a validly
    /// signed envelope of each accepted type whose payload does not decode (`08ffff`), one whose
    /// payload decodes but is empty where the role needs content (`hollow`), a type the socket does
    /// not take, a sender that is not this node (claiming a forged log line), a signature by
    /// another key, bytes that are no envelope, and two envelope frames where one is expected.
    func malformed(accepted: [MessageType], hollow: [MessageType] = [], wrongType: MessageType) -> [Drop] {
        let type = accepted[0]
        let seal = { (payload: [UInt8], type: MessageType, sender: String, key: SigningKey) in
            Envelope.sealing(payload: payload, type: type, sender: sender, key: key).bytes()
        }
        var drops = accepted.map { Drop(kind: "undecodable \($0)", reason: .malformedPayload, type: $0, frames: [seal(LogForgingTests.undecodable, $0, id, signer)]) }
        drops += hollow.map { Drop(kind: "hollow \($0)", reason: .malformedPayload, type: $0, frames: [seal([], $0, id, signer)]) }
        drops += [
            Drop(kind: "wrong type \(wrongType)", reason: .unexpectedType, type: wrongType, frames: [seal([8, 1], wrongType, id, signer)]),
            Drop(kind: "unknown sender", reason: .unknownSender, type: type, frames: [seal([8, 1], type, "mallory\n" + LogForgingTests.forgedLine, signer)]),
            Drop(kind: "bad signature", reason: .badSignature, type: type, frames: [seal([8, 1], type, id, SigningKey())]),
            Drop(kind: "not an envelope", reason: .malformedEnvelope, type: nil, frames: [[0xFF, 0xFF, 0xFF, 0xFF]]),
            Drop(kind: "two envelope frames", reason: .badFraming, type: nil, frames: [seal([8, 1], type, id, signer), seal([8, 1], type, id, signer)]),
        ]
        return drops
    }

    /// Sends each drop after its routing frame (`route(i)` for the i-th); a send that fails (a
    /// peer not connected yet) is left for the next round.
    func send(_ drops: [Drop], route: (Int) -> String) {
        for (index, drop) in drops.enumerated() {
            _ = try? socket.send([Array(route(index).utf8)] + drop.frames, dontWait: true)
        }
    }
}

/// What a role under test says about itself: the counters in the signed heartbeats it sends (on
/// a feed it publishes, or to a ROUTER the test binds) and the drops its log names.
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

    /// The drops of `expected` (each by socket, reason and message type) that no "dropped message"
    /// line of `log` names.
    static func unlogged(_ expected: [(socket: String, drop: Upstream.Drop)], in log: String) -> [String] {
        let lines = log.split(separator: "\n").filter { $0.contains("dropped message") }
        return expected.filter { expected in
            let fields = ["reason=\(expected.drop.reason.rawValue) ", "socket=\(expected.socket) ", "type=\(expected.drop.type.map { "\($0)" } ?? "-") "]
            return !lines.contains { line in fields.allSatisfy { line.contains($0) } }
        }.map { "\($0.socket): \($0.drop.kind)" }
    }
}
