import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import RebalancerWire
import Testing

/// Two listed coordinators, no etcd, in one process: the second stands by (following the approved
/// plans into its own journal), takes over when the first crashes, and the first, restarted,
/// defers. Safety never rests on the election: two coordinators cut off from each other both lead,
/// and never get two plans approved under one planSeq.
@Suite struct FailoverScenarioTests {
    static let first = "coordinator"
    static let second = "coordinator-2"
    static let executor = "executor-1"

    func journal(_ cluster: MemoryCluster, _ id: NodeID) throws -> CoordinatorJournal {
        try CoordinatorJournal(path: cluster.dataDirectory(id) + "/journal.sqlite")
    }

    @Test func theStandbyTakesOverWhenTheLeaderCrashesAndTheLeaderDefersOnReturn() async throws {
        let cluster = try QuorumScenarioTests.busy(coordinators: 2)
        try cluster.startAll()
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(20)) { cluster.counter(Self.first, "plans.approved") >= 1 })
        try cluster.startCoordinator(Self.second)
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(30)) {
            cluster.counter(Self.first, "plans.approved") >= 3 && cluster.counter(Self.second, "plans.followed") >= 1
        }, "the first leads and the standby follows its approved plans into its journal")
        #expect(cluster.counter(Self.second, "plans.proposed") == 0, "the standby proposes nothing")
        #expect(cluster.counter(Self.second, "coordinator.leads") == 0)
        #expect(cluster.counter(Self.first, "coordinator.leads") == 1)

        await cluster.stop(Self.first, crash: true)
        let lastBefore = try journal(cluster, Self.first).lastApproved()
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(15)) { cluster.counter(Self.second, "leadership.took_over") == 1 },
                "the standby takes over once the leader is silent")
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(20)) {
            cluster.counter(Self.second, "plans.approved") >= 1 && ((try? journal(cluster, Self.second).lastApproved()) ?? 0) > lastBefore
        }, "the new leader's plans are approved, above every earlier one (\(lastBefore))")
        await cluster.advance(by: .seconds(2))
        let executed = try ExecutorRecord(path: cluster.dataDirectory(Self.executor) + "/executed.sqlite").executed()
        #expect(executed.contains { $0 > lastBefore }, "the executor executes the new leader's plans: \(executed.sorted())")

        // The old leader returns and defers to the one that took over.
        try cluster.startCoordinator(Self.first)
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(15)) { cluster.counter(Self.first, "plans.followed") >= 1 },
                "the returning coordinator follows the new leader's plans")
        #expect(cluster.counter(Self.first, "leadership.took_over") == 0, "and does not take the lead back")
        #expect(cluster.counter(Self.first, "plans.proposed") == 0, "it proposes nothing while the other leads")
        #expect(cluster.counter(Self.second, "coordinator.leads") == 1)
        for verifier in cluster.topology.verifiers {
            #expect(cluster.counter(verifier.id, "rule.seq_not_increasing") == 0, "no sequence reused across the takeover: \(verifier.id)")
        }
    }

    @Test func twoCoordinatorsThatBothLeadNeverGetTwoPlansApprovedUnderOneSequence() async throws {
        let cluster = try QuorumScenarioTests.busy(coordinators: 2)
        // A partition between the two coordinators only: each still reaches every other node.
        cluster.network.cut(try #require(cluster.keys[Self.first]).curvePublic, try #require(cluster.keys[Self.second]).curvePublic)
        try cluster.startAll()
        // Another strategy, so the two never propose the same plan: from one clock and one market,
        // two coordinators with one strategy would, and a verifier rightly signs the same digest again.
        try cluster.startCoordinator(Self.second, strategy: .threshold)
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(15)) {
            cluster.counter(Self.first, "coordinator.leads") == 1 && cluster.counter(Self.second, "coordinator.leads") == 1
        }, "cut off from each other, both lead")
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(60)) {
            cluster.counter(Self.first, "plans.approved") + cluster.counter(Self.second, "plans.approved") >= 5
        }, "plans are approved while both lead")
        // Not vacuous: both proposed, and the verifiers refused one leader's plan under a sequence
        // they had signed for the other.
        #expect(cluster.counter(Self.first, "plans.proposed") >= 1 && cluster.counter(Self.second, "plans.proposed") >= 1)
        let refused = cluster.topology.verifiers.reduce(Int64(0)) { $0 + cluster.counter($1.id, "rule.seq_not_increasing") }
        #expect(refused >= 1, "the verifiers refused a second plan under a sequence they signed")
        await cluster.stop(Self.first)
        await cluster.stop(Self.second)
        // Each journal holds its own approvals and those an executor handed back (the other's,
        // restored exactly as published): under one planSeq, one plan everywhere.
        let first = try plans(in: journal(cluster, Self.first))
        let second = try plans(in: journal(cluster, Self.second))
        let both = Set(first.keys).intersection(second.keys)
        #expect(both.allSatisfy { first[$0] == second[$0] }, "two plans under one planSeq: \(both.filter { first[$0] != second[$0] }.sorted())")
        let executed = try ExecutorRecord(path: cluster.dataDirectory(Self.executor) + "/executed.sqlite").executed()
        #expect(executed.isSubset(of: Set(first.keys).union(second.keys)), "executed \(executed.sorted())")
        #expect(cluster.counter(Self.executor, "plans.executed") == Int64(executed.count), "each planSeq executed once")
    }

    /// The plan (its signed bytes) of every approved planSeq in `journal`.
    func plans(in journal: CoordinatorJournal) throws -> [UInt64: [UInt8]] {
        var plans: [UInt64: [UInt8]] = [:]
        for (seq, bytes) in try journal.approved(after: 0) {
            let approved = try WireApprovedPlan(serializedBytes: try Envelope(serializedBytes: bytes).payload)
            #expect(plans[seq] == nil, "planSeq \(seq) journaled twice")
            plans[seq] = try approved.plan.serializedBytes()
        }
        return plans
    }
}
