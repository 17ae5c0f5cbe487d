import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import Testing

/// Gaps, replays and restarts from what each role wrote down, in one process: an executor that
/// was down catches up from the coordinator's journal; a restarted coordinator continues its
/// sequence; one whose journal was wiped continues above what the verifiers signed.
@Suite struct ReplayAndRestartScenarioTests {
    static let coordinator = "coordinator"
    static let executor = "executor-1"

    func journal(_ cluster: MemoryCluster) throws -> CoordinatorJournal {
        try CoordinatorJournal(path: cluster.dataDirectory(Self.coordinator) + "/journal.sqlite")
    }

    func record(_ cluster: MemoryCluster) throws -> ExecutorRecord {
        try ExecutorRecord(path: cluster.dataDirectory(Self.executor) + "/executed.sqlite")
    }

    func approved(_ cluster: MemoryCluster) -> Int64 { cluster.counter(Self.coordinator, "plans.approved") }

    @Test func anExecutorThatWasDownCatchesUpFromTheJournal() async throws {
        let cluster = try QuorumScenarioTests.busy()
        try cluster.startAll()
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(20)) { cluster.counter(Self.executor, "plans.executed") >= 1 })
        await cluster.stop(Self.executor, crash: true)
        let before = approved(cluster)
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(30)) { approved(cluster) >= before + 2 }, "plans approved while the executor is down")
        try cluster.startExecutor(Self.executor)
        await cluster.advance(by: .seconds(2))
        await cluster.stop(Self.coordinator)
        await cluster.settle()
        #expect(cluster.counter(Self.executor, "replay.requested") >= 1)
        let last = try journal(cluster).lastApproved()
        let executed = try record(cluster).executed()
        #expect(executed.max() == last, "the executor holds every plan up to the coordinator's last (\(last)): \(executed.sorted())")
        let journaled = try journal(cluster).approved(after: 0).map(\.planSeq)
        #expect(Set(journaled) == executed, "each approved plan executed once, none missing")
    }

    @Test func aRestartedCoordinatorContinuesItsSequence() async throws {
        let cluster = try QuorumScenarioTests.busy()
        try cluster.startAll()
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(20)) { approved(cluster) >= 1 })
        await cluster.stop(Self.coordinator)
        let last = try journal(cluster).lastPlanSeq()
        try cluster.startCoordinator()
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(30)) { approved(cluster) >= 1 }, "approvals resume after the restart")
        #expect(try journal(cluster).lastApproved() > last)
        for verifier in cluster.topology.verifiers {
            #expect(cluster.counter(verifier.id, "rule.seq_not_increasing") == 0, "no sequence reused: \(verifier.id)")
        }
    }

    @Test func aCoordinatorWithAWipedJournalContinuesAboveWhatTheVerifiersSigned() async throws {
        let cluster = try QuorumScenarioTests.busy()
        try cluster.startAll()
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(20)) { approved(cluster) >= 2 })
        await cluster.stop(Self.coordinator, crash: true)
        // The last approved sequence, not `lastPlanSeq`: the journal reserves sequences ahead of
        // its proposals, and the ones it reserved but never proposed are lost with it, unsigned.
        let last = try journal(cluster).lastApproved()
        try FileManager.default.removeItem(atPath: cluster.dataDirectory(Self.coordinator))
        try cluster.startCoordinator()
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(10)) { approved(cluster) >= 1 }, "approved again within ten seconds")
        #expect(cluster.counter(Self.coordinator, "plans.sequence_raised") >= 1)
        await cluster.advance(by: .seconds(3))
        #expect(try journal(cluster).lastApproved() > last, "above every sequence the old journal used")
        // The executor handed back the approved plans the lost journal held: replay stays complete.
        #expect(cluster.counter(Self.executor, "replay.handed_back") >= 1)
        let journaled = Set(try journal(cluster).approved(after: 0).map(\.planSeq))
        let executed = try record(cluster).executed()
        #expect(executed.filter { $0 <= last }.isSubset(of: journaled), "journal \(journaled.sorted()), executed \(executed.sorted())")
        #expect(executed.contains { $0 > last }, "the executor executes the new plans")
        for verifier in cluster.topology.verifiers {
            #expect(cluster.counter(verifier.id, "rule.seq_not_increasing") == 0, "\(verifier.id) was never asked to sign at or below what it signed")
        }
    }

    @Test func aMonitorOnlyExecutorRecordsEveryPlanAndMovesNothing() async throws {
        let cluster = try QuorumScenarioTests.busy()
        try cluster.startVenues()
        for venue in cluster.topology.venues.map(\.id) { try cluster.startWatcher(venue) }
        for verifier in cluster.topology.verifiers { try cluster.startVerifier(verifier.id) }
        try cluster.startExecutor(Self.executor, monitorOnly: true)
        try cluster.startCoordinator()
        #expect(await QuorumScenarioTests.advance(cluster, until: .seconds(30)) { cluster.counter(Self.executor, "plans.executed") >= 2 })
        let market = try #require(cluster.topology.venuesNode).id
        #expect(cluster.counter(Self.executor, "transfers.would_transfer") >= 2, "each planned transfer is recorded as what it would have moved")
        #expect(cluster.counter(Self.executor, "transfers.submitted") == 0)
        #expect(cluster.counter(market, "transfers.accepted") == 0, "the market received no order")
        await cluster.stop(Self.coordinator)
        let executed = try record(cluster).executed()
        #expect(executed == Set(try journal(cluster).approved(after: 0).map(\.planSeq)), "every approved plan recorded")
    }
}
