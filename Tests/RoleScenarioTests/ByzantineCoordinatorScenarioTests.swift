import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import RebalancerWire
import Testing
import ZeroMQ

/// The coordinator is not trusted, a watcher only for its own venue, a verifier only as one of k:
/// the real verifier, watcher, executor and market roles, in one process on the memory network,
/// face a byzantine coordinator (cases a-f of the multi-process `ByzantineTests`, and more).
@Suite struct ByzantineCoordinatorScenarioTests {
    /// A calm market where v2 and v3 need capital and v1 has plenty; v4's watcher is the attacker's.
    static func calmCluster() throws -> MemoryCluster {
        try MemoryCluster(venues: 4, verifiers: 4, quorum: 3) { topology in
            topology.market.drift = 0
            topology.market.volatility = 1e-6
            topology.market.shockMultiplier = 1
            // A market tick every heartbeat: fewer signatures per simulated second, states as fresh.
            topology.market.tickMs = 500
            let balances: [VenueID: Amount] = ["v1": 250_000_00, "v2": 50_000_00, "v3": 50_000_00, "v4": 100_000_00]
            for i in topology.market.accounts.indices {
                topology.market.accounts[i].balance = balances[topology.market.accounts[i].venue] ?? 0
            }
        }
    }

    func reasons(_ votes: [NodeID: WireVote]) -> Set<String> { Set(votes.values.map { $0.decision == .approve ? "approve" : $0.reason }) }

    /// A running calm cluster without a coordinator, the attacker in its place, the views warm.
    static func attacked() async throws -> (MemoryCluster, MemoryByzantineCoordinator) {
        let cluster = try calmCluster()
        try cluster.startAll(coordinator: false, without: ["v4"])
        let evil = try MemoryByzantineCoordinator(cluster: cluster, fakeWatcherFor: "v4")
        await evil.advance(by: .seconds(1))
        return (cluster, evil)
    }

    func honestPlan(_ evil: MemoryByzantineCoordinator, to venue: VenueID, topology: Deployment) throws -> [Transfer] {
        let transfers = GreedyThresholdStrategy().plan(views: ["v1": VenueView(state: try require(evil.state("v1"))), venue: VenueView(state: try require(evil.state(venue)))], topology: topology.policy)
        try #require(transfers.count == 1)
        return transfers
    }

    @Test func aFundsToAVenueOutsideTheTopologyAreRefused() async throws {
        let (_, evil) = try await Self.attacked()
        #expect(reasons(try await evil.propose(evil.plan([Transfer(from: "v1", to: "zz", amount: 10_000_00)], seq: 1))) == ["unknown_route"])
    }

    @Test func bAPlanDrainingASourceBelowItsFloorIsRefused() async throws {
        let (_, evil) = try await Self.attacked()
        #expect(reasons(try await evil.propose(evil.plan([Transfer(from: "v2", to: "v3", amount: 30_000_00)], seq: 2))) == ["floor_breached"])
    }

    @Test func cAnInflatedAmountIsRefused() async throws {
        let (_, evil) = try await Self.attacked()
        // v2 needs about 40,000; the plan sends 150,000.
        #expect(reasons(try await evil.propose(evil.plan([Transfer(from: "v1", to: "v2", amount: 150_000_00)], seq: 3))) == ["overfunded"])
    }

    @Test func dPlansOnForgedOrStaleStatesAreRefused() async throws {
        let (cluster, evil) = try await Self.attacked()
        let stale = evil.latest
        await evil.advance(by: .seconds(3))  // the verifiers' own views move on by more than the 2 s tolerance
        let transfers = try honestPlan(evil, to: "v2", topology: cluster.topology)
        var forged = try require(evil.latest["v2"])
        var forgedState = try WireVenueState(serializedBytes: forged.payload)
        forgedState.balance = 1_00
        forged.payload = try forgedState.serializedBytes()
        #expect(reasons(try await evil.propose(evil.plan(transfers, seq: 4), basis: [try require(evil.latest["v1"]), forged])) == ["basis_invalid"])
        let staleVotes = reasons(try await evil.propose(evil.plan(transfers, seq: 5, basis: stale), basis: [try require(stale["v1"]), try require(stale["v2"])]))
        #expect(staleVotes == ["basis_stale"])
    }

    @Test func eAndFReplaysAndSecondPlansUnderOneSeqAreRefusedAndOnlyTheHonestPlanRuns() async throws {
        let (cluster, evil) = try await Self.attacked()
        let topology = cluster.topology
        let honestV2 = try honestPlan(evil, to: "v2", topology: topology)
        let honest = evil.plan(honestV2, seq: 6)
        let honestVotes = try await evil.propose(honest)
        #expect(reasons(honestVotes) == ["approve"])
        let signatures = honestVotes.sorted { $0.key < $1.key }.prefix(3).map { ($0.key, Array($0.value.approval)) }
        try await evil.publish(honest, approvals: signatures)
        await evil.advance(by: .milliseconds(500))

        // (e) the approved plan replayed under a new planSeq: verifiers refuse, the executor refuses the old signatures.
        let replayed = evil.plan(honestV2, seq: 7)
        let replayVotes = reasons(try await evil.propose(replayed))
        #expect(!replayVotes.contains("approve") && !replayVotes.isEmpty, "\(replayVotes)")
        try await evil.publish(replayed, approvals: signatures, previous: 6)

        // (f) two different plans under one planSeq: the second is refused by every verifier.
        let needV3 = try honestPlan(evil, to: "v3", topology: topology)
        let first = evil.plan(needV3, seq: 8)
        let firstVotes = try await evil.propose(first)
        #expect(reasons(firstVotes) == ["approve"])
        var other = needV3
        other[0].amount -= 1_000_00
        let second = evil.plan(other, seq: 8)
        #expect(reasons(try await evil.propose(second)) == ["seq_not_increasing"])
        try await evil.publish(second, approvals: firstVotes.sorted { $0.key < $1.key }.prefix(3).map { ($0.key, Array($0.value.approval)) }, previous: 6)

        // A byzantine verifier signs garbage, or for another topology; a signer repeats itself.
        var elsewhere = first
        elsewhere.topologyID = "another-topology"
        let v1 = try #require(cluster.keys["verifier-1"]).signer()
        let v2 = try #require(cluster.keys["verifier-2"]).signer()
        let v4 = try #require(cluster.keys["verifier-4"]).signer()
        let z = evil.plan(needV3, seq: 9)
        try await evil.publish(z, approvals: [
            ("verifier-1", v1.sign(WireDigest.plan(z))), ("verifier-1", v1.sign(WireDigest.plan(z))),
            ("verifier-2", v2.sign(WireDigest.plan(z))), ("verifier-3", [UInt8](repeating: 7, count: 64)),
            ("verifier-4", v4.sign(WireDigest.plan(elsewhere))), ("mallory", v4.sign(WireDigest.plan(z))),
        ], previous: 6)

        // The executor acted on the honest plan only, and its transfer settled.
        await evil.advance(by: .seconds(5))
        let executor = "executor-1"
        #expect(cluster.counter(executor, "plans.executed") == 1)
        #expect(cluster.counter(executor, "transfers.submitted") == Int64(honestV2.count))
        #expect(cluster.counter(executor, "transfers.settled") >= 1)
        #expect(cluster.counter(executor, "plans.refused.no_quorum") >= 3)
        #expect(cluster.counter(executor, "signatures.invalid") >= 2)
        #expect(cluster.counter(executor, "signatures.duplicate") >= 1)
        #expect(cluster.counter(executor, "signatures.unknown_signer") >= 1)
    }

    @Test func aRestartedVerifierRemembersWhatItSignedFromItsLedger() async throws {
        let (cluster, evil) = try await Self.attacked()
        let needV3 = try honestPlan(evil, to: "v3", topology: cluster.topology)
        let first = evil.plan(needV3, seq: 8)
        #expect(reasons(try await evil.propose(first)) == ["approve"])
        await cluster.stop("verifier-1", crash: true)
        try cluster.startVerifier("verifier-1")
        await evil.advance(by: .seconds(1))
        // Another plan under the sequence it signed before the crash: its ledger says no.
        var other = needV3
        other[0].amount -= 1_000_00
        let votes = try await evil.propose(evil.plan(other, seq: 8))
        #expect(votes["verifier-1"].map { $0.decision == .approve ? "approve" : $0.reason } == "seq_not_increasing", "\(votes.mapValues(\.reason))")
        #expect(cluster.counter("verifier-1", "rule.seq_not_increasing") == 1)
        // And a higher sequence it signs: it is alive, not stuck.
        let next = evil.plan(needV3, seq: 9)
        let nextVotes = try await evil.propose(next)
        #expect(nextVotes["verifier-1"]?.decision == .approve, "\(nextVotes.mapValues(\.reason))")
    }

    @Test func malformedFramesAtTheExecutorsPlanFeedAreDroppedAndCounted() async throws {
        let (cluster, evil) = try await Self.attacked()
        let executor = "executor-1"
        let before = cluster.counter(executor, "dropped")
        let heartbeat = try Envelope.seal(WireHeartbeat(), type: .heartbeat, sender: evil.runtime.node.id, key: evil.signer).bytes()
        let vote = try Envelope.seal(WireVote(), type: .vote, sender: evil.runtime.node.id, key: evil.signer).bytes()
        for frames: [[UInt8]] in [
            [Array("plan".utf8), [0xDE, 0xAD, 0xBE, 0xEF]], [Array("plan".utf8), Array(heartbeat.prefix(heartbeat.count - 3))],
            [Array("plan".utf8), vote], [Array("rotation".utf8), [1, 2, 3]], [Array("plan".utf8)], [Array("hb".utf8), [], []],
        ] { await evil.publishRaw(frames) }
        // Above the maximum message size: the transport discards it, as libzmq does.
        await evil.publishRaw([Array("plan".utf8), [UInt8](repeating: 0x5A, count: 10 << 20)])
        #expect(cluster.counter(executor, "dropped") == before + 6)
        #expect(cluster.counter(executor, "plans.executed") == 0)
    }

    @Test func forgedWatcherStatesAndGarbageAtTheVerifiersAreDroppedAndCounted() async throws {
        let (cluster, evil) = try await Self.attacked()
        let fake = try #require(evil.fakeWatcher)
        let watcherV4 = try #require(cluster.keys["watcher-v4"]).signer()
        var claim = try WireVenueState(serializedBytes: try require(evil.latest["v2"]).payload)
        claim.balance = 1_00
        claim.seq += 1_000_000
        let otherVenue = try Envelope.seal(claim, type: .venueState, sender: "watcher-v4", key: watcherV4)
        let wrongKey = try Envelope.seal(claim, type: .venueState, sender: "watcher-v2", key: watcherV4)
        for frames in [[Array("state/v2".utf8), otherVenue.bytes()], [Array("state/v2".utf8), wrongKey.bytes()],
                       [Array("state/v2".utf8), [1, 2, 3]], [Array("state/v4".utf8)]] {
            fake.runtime.transport.send(frames, on: fake.feed)
            await cluster.settle()
        }
        for verifier in cluster.topology.verifiers {
            for frames: [[UInt8]] in [[Array(verifier.id.utf8), [0xFF, 0x00, 0x13]], [Array(verifier.id.utf8), [], []]] {
                evil.transport.send(frames, on: evil.proposals)
            }
        }
        await cluster.settle()
        for verifier in cluster.topology.verifiers {
            #expect(cluster.counter(verifier.id, "dropped.unknown_sender") >= 1, "\(verifier.id)")
            #expect(cluster.counter(verifier.id, "dropped.bad_signature") >= 1, "\(verifier.id)")
            #expect(cluster.counter(verifier.id, "dropped.malformed_envelope") >= 1, "\(verifier.id)")
            #expect(cluster.counter(verifier.id, "dropped.bad_framing") >= 1, "\(verifier.id)")
        }
        // No verifier took the forged state as v2's: a plan on the real v2 state still passes the basis rule.
        await evil.advance(by: .milliseconds(200))
        let check = reasons(try await evil.propose(evil.plan(try honestPlan(evil, to: "v3", topology: cluster.topology), seq: 10)))
        #expect(check == ["approve"])
    }
}
