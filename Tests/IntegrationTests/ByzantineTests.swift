import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing
import ZeroMQ

/// The coordinator is not trusted, a watcher only for its own venue, a verifier only as one of k.
/// Real verifier, watcher, executor and venues processes face a byzantine coordinator.
@Suite(.serialized) struct ByzantineTests {
    /// A calm market where v2 and v3 need capital and v1 has plenty; v4's watcher is the attacker's.
    func calmCluster() throws -> (Cluster, Topology) {
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

    @Test func noExecutorActsOnAByzantineCoordinatorsPlans() async throws {
        let (cluster, topology) = try calmCluster()
        try cluster.start("venues", ["venues"])
        for venue in ["v1", "v2", "v3"] { try cluster.start("watcher-\(venue)", ["watcher", "--venue", venue]) }
        for i in 1...4 { try cluster.start("verifier-\(i)", ["verifier", "--id", "verifier-\(i)"]) }
        try cluster.start("executor", ["executor", "--id", "executor-1"])
        let evil = try ByzantineCoordinator(cluster: cluster, topology: topology, fakeWatcherFor: "v4")
        defer { evil.close() }
        let executorNode = topology.node("executor-1")!
        let executorFeed = try evil.subscribe(to: executorNode, endpoint: "status", topic: "hb")
        evil.pump(for: 3)
        try #require(evil.state("v1") != nil && evil.state("v2") != nil && evil.state("v3") != nil, "watchers publish")
        let stale = evil.latest
        evil.pump(for: 3)  // the verifiers' own views move on by more than the 2 s tolerance

        // (a) funds to a venue outside the topology
        #expect(reasons(try evil.propose(evil.plan([Transfer(from: "v1", to: "zz", amount: 10_000_00)], seq: 1))) == ["unknown_route"])
        // (b) a plan that drains a source below its floor
        #expect(reasons(try evil.propose(evil.plan([Transfer(from: "v2", to: "v3", amount: 30_000_00)], seq: 2))) == ["floor_breached"])
        // (c) an inflated amount: v2 needs about 40,000, the plan sends 150,000
        #expect(reasons(try evil.propose(evil.plan([Transfer(from: "v1", to: "v2", amount: 150_000_00)], seq: 3))) == ["overfunded"])
        // (d) a plan on forged states, and one on stale states
        let honestV2 = GreedyThresholdStrategy().plan(views: ["v1": VenueView(state: evil.state("v1")!), "v2": VenueView(state: evil.state("v2")!)], topology: topology)
        try #require(honestV2.count == 1)
        var forged = evil.latest["v2"]!
        var forgedState = try WireVenueState(serializedBytes: forged.payload)
        forgedState.balance = 1_00
        forged.payload = try forgedState.serializedBytes()
        let forgedPlan = evil.plan(honestV2, seq: 4)
        #expect(reasons(try evil.propose(forgedPlan, basis: [evil.latest["v1"]!, forged])) == ["basis_invalid"])
        let staleVotes = reasons(try evil.propose(evil.plan(honestV2, seq: 5, basis: stale), basis: [stale["v1"]!, stale["v2"]!]))
        #expect(staleVotes == ["basis_stale"], "\(staleVotes)")

        // An honest plan passes and is executed once.
        let honest = evil.plan(honestV2, seq: 6)
        let honestVotes = try evil.propose(honest)
        #expect(reasons(honestVotes) == ["approve"])
        let signatures = honestVotes.sorted { $0.key < $1.key }.prefix(3).map { ($0.key, Array($0.value.approval)) }
        try evil.publish(honest, approvals: signatures)

        // (e) the approved plan replayed under a new planSeq: verifiers refuse, executor refuses the old signatures
        evil.pump(for: 1)
        let replayed = evil.plan(honestV2, seq: 7)
        let replayVotes = reasons(try evil.propose(replayed))
        #expect(!replayVotes.contains("approve") && !replayVotes.isEmpty, "\(replayVotes)")
        try evil.publish(replayed, approvals: signatures, previous: 6)

        // (f) two different plans under one planSeq: the second is refused by every verifier
        let needV3 = GreedyThresholdStrategy().plan(views: ["v1": VenueView(state: evil.state("v1")!), "v3": VenueView(state: evil.state("v3")!)], topology: topology)
        try #require(needV3.count == 1)
        let first = evil.plan(needV3, seq: 8)
        let firstVotes = try evil.propose(first)
        #expect(reasons(firstVotes) == ["approve"])
        var other = needV3
        other[0].amount -= 1_000_00
        let second = evil.plan(other, seq: 8)
        let secondVotes = reasons(try evil.propose(second))
        #expect(secondVotes == ["seq_not_increasing"], "\(secondVotes)")
        try evil.publish(second, approvals: firstVotes.sorted { $0.key < $1.key }.prefix(3).map { ($0.key, Array($0.value.approval)) }, previous: 6)

        // A byzantine verifier signs garbage, or signs for another topology; a signer repeats itself.
        var elsewhere = first
        elsewhere.topologyID = "another-topology"
        let v1 = try cluster.keys("verifier-1").signer(), v2 = try cluster.keys("verifier-2").signer(), v4 = try cluster.keys("verifier-4").signer()
        let z = evil.plan(needV3, seq: 9)
        try evil.publish(z, approvals: [
            ("verifier-1", v1.sign(WireDigest.plan(z))), ("verifier-1", v1.sign(WireDigest.plan(z))),
            ("verifier-2", v2.sign(WireDigest.plan(z))), ("verifier-3", [UInt8](repeating: 7, count: 64)),
            ("verifier-4", v4.sign(WireDigest.plan(elsewhere))), ("mallory", v4.sign(WireDigest.plan(z))),
        ], previous: 6)

        // The executor acted on the honest plan only.
        var counters: [String: Int64] = [:]
        let settled = await eventually(10) {
            counters = evil.latestCounters(executorFeed, from: executorNode, seconds: 0.6) ?? counters
            return (counters["transfers.settled"] ?? 0) >= 1 && (counters["plans.refused.no_quorum"] ?? 0) >= 3
        }
        #expect(settled, "executor counters: \(counters)")
        #expect(counters["plans.executed"] == 1)
        #expect(counters["transfers.submitted"] == Int64(honestV2.count))
        #expect((counters["signatures.invalid"] ?? 0) >= 2)
        #expect((counters["signatures.duplicate"] ?? 0) >= 1)
        #expect((counters["signatures.unknown_signer"] ?? 0) >= 1)

        // Malformed frames at the executor's plan feed: garbage, truncated protobuf, a wrong
        // envelope type, bad framing and a 10 MiB frame. It drops and counts them and acts on none.
        let dropsBefore = counters["dropped"] ?? 0
        let honestBytes = try Envelope.seal(WireHeartbeat(), type: .heartbeat, sender: topology.coordinator!.id, key: evil.signer).bytes()
        for frames: [[UInt8]] in [
            [Array("plan".utf8), [0xDE, 0xAD, 0xBE, 0xEF]], [Array("plan".utf8), Array(honestBytes.prefix(honestBytes.count - 3))],
            [Array("plan".utf8), try Envelope.seal(WireVote(), type: .vote, sender: topology.coordinator!.id, key: evil.signer).bytes()],
            [Array("rotation".utf8), [1, 2, 3]], [Array("plan".utf8)], [Array("hb".utf8), [], []],
        ] { try evil.plans.send(frames, dontWait: false) }
        try evil.plans.send([Array("plan".utf8), [UInt8](repeating: 0x5A, count: 10 << 20)], dontWait: false)
        let executorDropped = await eventually(10) {
            counters = evil.latestCounters(executorFeed, from: executorNode, seconds: 0.6) ?? counters
            return (counters["dropped"] ?? 0) >= dropsBefore + 5
        }
        #expect(executorDropped, "executor counters: \(counters)")
        #expect(counters["plans.executed"] == 1)
        executorFeed.close()

        // Forged watcher states: v4's host signs a state for another venue, and one with the wrong key.
        let fake = try #require(evil.fakeWatcher)
        let watcherV4 = try cluster.keys("watcher-v4").signer()
        var claim = try WireVenueState(serializedBytes: evil.latest["v2"]!.payload)
        claim.balance = 1_00
        claim.seq += 1_000_000
        let otherVenue = try Envelope.seal(claim, type: .venueState, sender: "watcher-v4", key: watcherV4)
        let wrongKey = try Envelope.seal(claim, type: .venueState, sender: "watcher-v2", key: watcherV4)
        let before = evil.verifierCounters
        for _ in 0..<20 {
            for frames in [[Array("state/v2".utf8), otherVenue.bytes()], [Array("state/v2".utf8), wrongKey.bytes()],
                           [Array("state/v2".utf8), [1, 2, 3]], [Array("state/v4".utf8)]] {
                // One at a time: subscribers conflate a topic's backlog to its newest message.
                try fake.send(frames, dontWait: false)
                evil.pump(for: 0.05)
            }
        }
        // Garbage straight at every verifier's DEALER.
        for verifier in topology.verifiers {
            for frames: [[UInt8]] in [[Array(verifier.id.utf8), [0xFF, 0x00, 0x13]], [Array(verifier.id.utf8), [], []]] {
                try evil.proposals.send(frames, dontWait: false)
            }
        }
        let counted = await eventually(8) {
            evil.pump(for: 0.3)
            return topology.verifiers.allSatisfy { v in
                let c = evil.verifierCounters[v.id] ?? [:]
                return (c["dropped.unknown_sender"] ?? 0) >= 1 && (c["dropped.bad_signature"] ?? 0) >= 1
                    && (c["dropped.malformed_envelope"] ?? 0) >= 1 && (c["dropped.bad_framing"] ?? 0) >= 1
            }
        }
        #expect(counted, "verifier counters before: \(before) after: \(evil.verifierCounters)")
        for name in ["venues", "watcher-v1", "watcher-v2", "watcher-v3", "verifier-1", "verifier-2", "verifier-3", "verifier-4", "executor"] {
            #expect(cluster.isRunning(name), "\(name) is still up")
        }
        // And no verifier took the forged state as v2's: a plan on the real v2 state still passes the basis rule.
        let check = try evil.propose(evil.plan(needV3, seq: 10))
        #expect(!reasons(check).contains("basis_stale") && !reasons(check).contains("basis_invalid"))
        cluster.stopAll()
    }
}
