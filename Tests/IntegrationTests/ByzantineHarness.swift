import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import RebalancerWire
import ZeroMQ

/// A compromised coordinator (and a compromised watcher host) for hostile tests: it holds the
/// coordinator's real keys and endpoints, so the real verifiers and executor talk to it, and it
/// sends them whatever it likes.
final class ByzantineCoordinator {
    let topology: Deployment
    /// Its own ZeroMQ context, with a ZAP handler that admits the topology's keys.
    let context: Context
    let zap: ZAPHandler
    /// The coordinator's real keys.
    let signer: SigningKey
    let keys: NodeKeys
    /// The coordinator's bound endpoints: proposals (ROUTER), plans (PUB), replay (ROUTER).
    let proposals: Socket
    let plans: Socket
    let replay: Socket
    var watcherFeeds: [Socket] = []
    var fakeWatcher: Socket?
    var latest: [VenueID: Envelope] = [:]
    var verifierCounters: [NodeID: [String: Int64]] = [:]
    var votes: [UInt64: [NodeID: WireVote]] = [:]

    init(cluster: Cluster, topology: Deployment, fakeWatcherFor venue: VenueID?) throws {
        self.topology = topology
        let coordinator = topology.coordinator!
        let keys = try cluster.keys(coordinator.id)
        self.keys = keys
        signer = try keys.signer()
        let context = try Context()
        self.context = context
        zap = try ZAPHandler(context: context, allowedKeys: Set(topology.nodes.map(\.curveKey)))
        let domain = topology.id
        func server(_ type: SocketType, _ endpoint: String, secret: [UInt8]) throws -> Socket {
            let socket = try Socket(context, type)
            try socket.setLinger(500)
            if type == .router { try socket.setRouterMandatory(true) }
            try socket.makeCurveServer(secretKey: secret, domain: domain)
            try socket.bind(endpoint)
            return socket
        }
        proposals = try server(.router, topology.endpoints(of: coordinator.id)["proposals"]!, secret: keys.curveSecret)
        plans = try server(.pub, topology.endpoints(of: coordinator.id)["plans"]!, secret: keys.curveSecret)
        replay = try server(.router, topology.endpoints(of: coordinator.id)["replay"]!, secret: keys.curveSecret)
        for watcher in topology.nodes(.watcher) where watcher.venue != venue {
            let sub = try Socket(context, .sub)
            try sub.makeCurveClient(serverPublicKey: watcher.curveKey, publicKey: keys.curvePublic, secretKey: keys.curveSecret)
            try sub.connect(topology.endpoints(of: watcher.id)["feed"]!)
            try sub.subscribe("state/")
            watcherFeeds.append(sub)
        }
        if let venue, let watcher = topology.watcher(of: venue) {
            let watcherKeys = try cluster.keys(watcher.id)
            fakeWatcher = try server(.pub, topology.endpoints(of: watcher.id)["feed"]!, secret: watcherKeys.curveSecret)
        }
    }

    /// Reads everything pending: watcher states, verifier heartbeats and votes.
    func pump(for seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            var any = false
            for feed in watcherFeeds {
                while let frames = try? feed.receive(dontWait: true), frames.count == 2 {
                    any = true
                    if let envelope = try? Envelope(serializedBytes: frames[1]), let state = try? WireVenueState(serializedBytes: envelope.payload) {
                        latest[state.venue] = envelope
                    }
                }
            }
            while let frames = try? proposals.receive(dontWait: true), frames.count == 2 {
                any = true
                let sender = String(decoding: frames[0], as: UTF8.self)
                guard let envelope = try? Envelope(serializedBytes: frames[1]), envelope.sender == sender,
                      let key = topology.node(sender)?.signingKey, envelope.isSigned(by: key) else { continue }
                if envelope.type == .heartbeat, let hb = try? WireHeartbeat(serializedBytes: envelope.payload) {
                    verifierCounters[sender] = hb.counters
                } else if envelope.type == .vote, let vote = try? WireVote(serializedBytes: envelope.payload) {
                    votes[vote.planSeq, default: [:]][sender] = vote
                }
            }
            while (try? replay.receive(dontWait: true)) != nil { any = true }
            if !any { Thread.sleep(forTimeInterval: 0.01) }
        } while Date() < deadline
    }

    func state(_ venue: VenueID) -> VenueState? {
        latest[venue].flatMap { try? WireVenueState(serializedBytes: $0.payload) }.map { VenueState(wire: $0) }
    }

    /// A plan over the latest states of the venues it touches.
    func plan(_ transfers: [Transfer], seq: UInt64, basis: [VenueID: Envelope]? = nil) -> Plan {
        Plan.over(transfers, seq: seq, latest: basis ?? latest, topology: topology.policy, now: WallClock().now())
    }

    /// Sends a proposal to every verifier and waits for all their votes.
    func propose(_ plan: Plan, basis: [Envelope]? = nil) throws -> [NodeID: WireVote] {
        var proposal = WireProposal()
        proposal.plan = plan.wire
        proposal.basisStates = basis ?? plan.basis.compactMap { latest[$0.venue] }
        let envelope = try Envelope.seal(proposal, type: .proposal, sender: topology.coordinator!.id, key: signer)
        votes[plan.planSeq] = nil
        for verifier in topology.verifiers {
            try proposals.send([Array(verifier.id.utf8), envelope.bytes()], dontWait: false)
        }
        let deadline = Date().addingTimeInterval(5)
        while (votes[plan.planSeq]?.count ?? 0) < topology.verifiers.count, Date() < deadline { pump(for: 0.05) }
        return votes[plan.planSeq] ?? [:]
    }

    /// Publishes an approved plan with whatever approvals it is given.
    func publish(_ plan: Plan, approvals: [(NodeID, [UInt8])], previous: UInt64 = 0) throws {
        let approved = WireApprovedPlan(plan, approvals: approvals, previous: previous)
        let envelope = try Envelope.seal(approved, type: .approvedPlan, sender: topology.coordinator!.id, key: signer)
        try plans.send([Array("plan".utf8), envelope.bytes()], dontWait: false)
    }

    /// A subscription, as the coordinator, to another node's feed.
    func subscribe(to node: Topology.Node, endpoint: String, topic: String) throws -> Socket {
        let sub = try Socket(context, .sub)
        try sub.makeCurveClient(serverPublicKey: node.curveKey, publicKey: keys.curvePublic, secretKey: keys.curveSecret)
        try sub.connect(topology.endpoints(of: node.id)[endpoint]!)
        try sub.subscribe(topic)
        return sub
    }

    /// The latest heartbeat counters on a feed, checked against the sender's key.
    func latestCounters(_ sub: Socket, from node: Topology.Node, seconds: Double = 1.5) -> [String: Int64]? {
        var counters: [String: Int64]?
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            pump(for: 0.05)
            while let frames = try? sub.receive(dontWait: true), frames.count == 2 {
                if let envelope = try? Envelope(serializedBytes: frames[1]), envelope.sender == node.id, envelope.isSigned(by: node.signingKey),
                   envelope.type == .heartbeat, let hb = try? WireHeartbeat(serializedBytes: envelope.payload) {
                    counters = hb.counters
                }
            }
        }
        return counters
    }

    func close() {
        for socket in [proposals, plans, replay] + watcherFeeds + (fakeWatcher.map { [$0] } ?? []) { socket.close(linger: 0) }
        zap.stop()
        context.terminate()
    }
}
