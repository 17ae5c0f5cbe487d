import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing
import ZeroMQ

/// The coordinator is not trusted, a watcher only for its own venue, a verifier only as one of k.
/// Real verifier, watcher, executor and venues processes face a byzantine coordinator, and a
/// stranger whose CURVE key the topology does not list. (Bad input at every role's sockets, in one
/// process: `RoleScenarioTests/HostileInputScenarioTests` and `EveryDropCountedScenarioTests`.)
@Suite(.serialized) struct ByzantineTests {
    /// A calm market where v2 and v3 need capital and v1 has plenty; v4's watcher is the attacker's.
    func calmCluster() throws -> (Cluster, Deployment) {
        let cluster = try Cluster(venues: 4, verifiers: 4, quorum: 3)
        var topology = try cluster.topology
        topology.market.drift = 0
        topology.market.volatility = 1e-6
        topology.market.shockMultiplier = 1
        let balances: [VenueID: Amount] = ["v1": 250_000_00, "v2": 50_000_00, "v3": 50_000_00, "v4": 100_000_00]
        for i in topology.market.accounts.indices { topology.market.accounts[i].balance = balances[topology.market.accounts[i].venue]! }
        try TopologyFile.render(topology).write(toFile: cluster.topologyPath, atomically: true, encoding: .utf8)
        return (cluster, topology)
    }

    func reasons(_ votes: [NodeID: WireVote]) -> Set<String> { Set(votes.values.map { "\($0.decision == .approve ? "approve" : $0.reason)" }) }

    /// Over real processes and CURVE sockets, one case of each side: the verifiers refuse a plan
    /// to a venue outside the topology and approve an honest one, the executor acts on the honest
    /// plan once, drops malformed frames (a 10 MiB frame never reaches it: `ZMQ_MAXMSGSIZE`), and
    /// every process stays up and stops cleanly. Every other case runs in one process, on the
    /// memory network (`RoleScenarioTests/ByzantineCoordinatorScenarioTests`).
    @Test func noExecutorActsOnAByzantineCoordinatorsPlans() async throws {
        let (cluster, topology) = try calmCluster()
        try cluster.start("venues", ["venues"])
        for venue in ["v1", "v2", "v3"] { try cluster.start("watcher-\(venue)", ["watcher", "--venue", venue]) }
        for i in 1...4 { try cluster.start("verifier-\(i)", ["verifier", "--id", "verifier-\(i)"]) }
        try cluster.start("executor", ["executor", "--id", "executor-1"])
        let evil = try ByzantineCoordinator(cluster: cluster, topology: topology, fakeWatcherFor: "v4")
        defer { evil.close() }
        let executorNode = try #require(topology.node("executor-1"))
        let executorFeed = try evil.subscribe(to: executorNode, endpoint: "status", topic: "hb")
        let published = await eventually(20) {
            evil.pump(for: 0.1)
            return evil.state("v1") != nil && evil.state("v2") != nil && evil.state("v3") != nil
        }
        try #require(published, "watchers publish")
        // Propose only once every verifier is connected (its heartbeat arrived): a ROUTER cannot
        // send to a peer it does not know yet.
        let connected = await eventually(20) {
            evil.pump(for: 0.1)
            return topology.verifiers.allSatisfy { evil.verifierCounters[$0.id] != nil }
        }
        try #require(connected, "every verifier is connected")

        // (a) funds to a venue outside the topology
        #expect(reasons(try evil.propose(evil.plan([Transfer(from: "v1", to: "zz", amount: 10_000_00)], seq: 1))) == ["unknown_route"])

        // An honest plan passes and is executed once.
        let honestV2 = GreedyThresholdStrategy().plan(views: ["v1": VenueView(state: try #require(evil.state("v1"))), "v2": VenueView(state: try #require(evil.state("v2")))], topology: topology.policy)
        try #require(honestV2.count == 1)
        // The verifiers may not have heard every watcher yet (they abstain as view_stale). Probe
        // first with a plan every verifier with a fresh view refuses (it drains v1 below its
        // floor): an approval of the honest plan itself would count as capital already on its way
        // to v2, and a retry of it under the next sequence would rightly be refused.
        var seq: UInt64 = 2
        let drain = Transfer(from: "v1", to: "v2", amount: try #require(evil.state("v1")).balance)
        var probeVotes = try evil.propose(evil.plan([drain], seq: seq))
        while reasons(probeVotes).contains("view_stale") || probeVotes.count < topology.verifiers.count, seq < 40 {
            seq += 1
            evil.pump(for: 0.2)
            probeVotes = try evil.propose(evil.plan([drain], seq: seq))
        }
        try #require(!reasons(probeVotes).contains("view_stale") && !reasons(probeVotes).contains("approve"), "probe votes: \(reasons(probeVotes))")
        seq += 1
        let honest = evil.plan(honestV2, seq: seq)
        let honestVotes = try evil.propose(honest)
        #expect(reasons(honestVotes) == ["approve"])
        let signatures = honestVotes.sorted { $0.key < $1.key }.prefix(3).map { ($0.key, Array($0.value.approval)) }
        try evil.publish(honest, approvals: signatures)
        var counters: [String: Int64] = [:]
        let settled = await eventually(15) {
            counters = evil.latestCounters(executorFeed, from: executorNode, seconds: 0.6) ?? counters
            return (counters["transfers.settled"] ?? 0) >= 1
        }
        #expect(settled, "executor counters: \(counters)")
        #expect(counters["plans.executed"] == 1)

        // Malformed frames at the executor's plan feed, and a 10 MiB frame: dropped, counted, none acted on.
        let dropsBefore = counters["dropped"] ?? 0
        let heartbeat = try Envelope.seal(WireHeartbeat(), type: .heartbeat, sender: topology.coordinator!.id, key: evil.signer).bytes()
        for frames: [[UInt8]] in [
            [Array("plan".utf8), [0xDE, 0xAD, 0xBE, 0xEF]], [Array("plan".utf8), Array(heartbeat.prefix(heartbeat.count - 3))],
            [Array("plan".utf8)],
        ] { try evil.plans.send(frames, dontWait: false) }
        try evil.plans.send([Array("plan".utf8), [UInt8](repeating: 0x5A, count: 10 << 20)], dontWait: false)
        let executorDropped = await eventually(10) {
            counters = evil.latestCounters(executorFeed, from: executorNode, seconds: 0.6) ?? counters
            return (counters["dropped"] ?? 0) >= dropsBefore + 3
        }
        #expect(executorDropped, "executor counters: \(counters)")
        #expect(counters["plans.executed"] == 1)
        executorFeed.close()

        // Real CURVE: a key the topology does not list gets nothing through, though the executor
        // publishes a heartbeat every interval, and the refused handshake is logged.
        let context = try Context()
        let stranger = try CurveKeyPair.generate()
        let sub = try Socket(context, .sub)
        try sub.setLinger(0)
        try sub.makeCurveClient(serverPublicKey: executorNode.curveKey, publicKey: stranger.publicKey, secretKey: stranger.secretKey)
        try sub.connect(try #require(topology.endpoints(of: executorNode.id)["status"]))
        try sub.subscribe("")
        let refused = await eventually(10) { cluster.log("executor").contains("refused connection") }
        #expect(refused, "the executor logs the refused handshake")
        let got = await eventually(1) { (try? sub.receive(dontWait: true)) ?? nil != nil }
        #expect(!got, "an unlisted key receives nothing")
        sub.close()
        context.terminate()
        for name in ["venues", "watcher-v1", "watcher-v2", "watcher-v3", "verifier-1", "verifier-2", "verifier-3", "verifier-4", "executor"] {
            #expect(cluster.isRunning(name), "\(name) is still up")
            #expect(cluster.stop(name) == 0, "\(name) stops cleanly")
        }
    }
}
