import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import RebalancerWire
import ZeroMQ

/// A compromised coordinator on the memory network: it holds the coordinator's real keys and
/// endpoints, so the real verifiers and executor talk to it, and it sends them whatever it likes.
/// It runs no role: the test reads what reaches it with `pump()`.
final class MemoryByzantineCoordinator {
    let cluster: MemoryCluster
    let topology: Deployment
    let runtime: NodeRuntime
    let transport: MemoryTransport
    let proposals: SocketLoop.Handle
    let plans: SocketLoop.Handle
    let replay: SocketLoop.Handle
    var feeds: Set<SocketLoop.Handle> = []
    /// The compromised host of one watcher: its keys and its feed endpoint.
    var fakeWatcher: (runtime: NodeRuntime, feed: SocketLoop.Handle)?
    var latest: [VenueID: Envelope] = [:]
    var votes: [UInt64: [NodeID: WireVote]] = [:]
    var replayRequests = 0

    init(cluster: MemoryCluster, fakeWatcherFor venue: VenueID? = nil) throws {
        self.cluster = cluster
        topology = cluster.topology
        let coordinator = try require(topology.coordinator, "coordinator")
        runtime = try cluster.runtime(coordinator.id)
        transport = try require(runtime.transport as? MemoryTransport, "memory transport")
        proposals = try runtime.bind(.router, endpoint: "proposals", receive: true)
        plans = try runtime.bind(.pub, endpoint: "plans", receive: false)
        replay = try runtime.bind(.router, endpoint: "replay", receive: true)
        for watcher in topology.nodes(.watcher) where watcher.venue != venue {
            feeds.insert(try runtime.connect(.sub, to: watcher, endpoint: "feed", subscribe: [Topic.statePrefix]))
        }
        if let venue, let watcher = topology.watcher(of: venue) {
            let fake = try cluster.runtime(watcher.id)
            fakeWatcher = (fake, try fake.bind(.pub, endpoint: "feed", receive: false))
        }
    }

    var signer: SigningKey { runtime.signer }

    /// Reads everything that reached the coordinator's sockets: watcher states and votes.
    func pump() {
        for inbound in transport.take() {
            if feeds.contains(inbound.handle) {
                guard inbound.frames.count == 2, let envelope = try? Envelope(serializedBytes: inbound.frames[1]),
                      let state = try? WireVenueState(serializedBytes: envelope.payload) else { continue }
                latest[state.venue] = envelope
            } else if inbound.handle == proposals, inbound.frames.count == 2 {
                let sender = String(decoding: inbound.frames[0], as: UTF8.self)
                guard let envelope = try? Envelope(serializedBytes: inbound.frames[1]), envelope.sender == sender,
                      let key = topology.node(sender)?.signingKey, envelope.isSigned(by: key),
                      envelope.type == .vote, let vote = try? WireVote(serializedBytes: envelope.payload) else { continue }
                votes[vote.planSeq, default: [:]][sender] = vote
            } else if inbound.handle == replay {
                replayRequests += 1
            }
        }
    }

    /// Lets `duration` pass on the cluster's clock (its roles tick), reading what arrives.
    func advance(by duration: Duration) async {
        await cluster.advance(by: duration)
        pump()
    }

    func state(_ venue: VenueID) -> VenueState? {
        latest[venue].flatMap { try? WireVenueState(serializedBytes: $0.payload) }.map { VenueState(wire: $0) }
    }

    /// A plan over the latest states of the venues it touches.
    func plan(_ transfers: [Transfer], seq: UInt64, basis: [VenueID: Envelope]? = nil) -> Plan {
        Plan.over(transfers, seq: seq, latest: basis ?? latest, topology: topology.policy, now: cluster.clock.now())
    }

    /// Sends a proposal to every verifier and returns their votes (every verifier answers at once).
    func propose(_ plan: Plan, basis: [Envelope]? = nil) async throws -> [NodeID: WireVote] {
        var proposal = WireProposal()
        proposal.plan = plan.wire
        proposal.basisStates = basis ?? plan.basis.compactMap { latest[$0.venue] }
        let envelope = try Envelope.seal(proposal, type: .proposal, sender: runtime.node.id, key: signer)
        votes[plan.planSeq] = nil
        for verifier in topology.verifiers {
            transport.send([Array(verifier.id.utf8), envelope.bytes()], on: proposals)
        }
        await cluster.settle()
        pump()
        return votes[plan.planSeq] ?? [:]
    }

    /// Publishes an approved plan with whatever approvals it is given.
    func publish(_ plan: Plan, approvals: [(NodeID, [UInt8])], previous: UInt64 = 0) async throws {
        let approved = WireApprovedPlan(plan, approvals: approvals, previous: previous)
        let envelope = try Envelope.seal(approved, type: .approvedPlan, sender: runtime.node.id, key: signer)
        transport.send([Array(Topic.plan.utf8), envelope.bytes()], on: plans)
        await cluster.settle()
        pump()
    }

    /// Sends raw frames on the plan feed.
    func publishRaw(_ frames: [[UInt8]]) async {
        transport.send(frames, on: plans)
        await cluster.settle()
    }
}

/// `#require` outside a test: throws when nil.
func require<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw MemoryClusterError("missing \(what)") }
    return value
}
