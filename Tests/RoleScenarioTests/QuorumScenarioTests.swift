import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import RebalancerWire
import Testing

/// n = 4, k = 3, the real coordinator, verifiers, watchers, market and executor in one process:
/// with one verifier down plans are still approved; with two down nothing is approved while the
/// coordinator keeps trying and says why; when one returns, approvals resume.
@Suite struct QuorumScenarioTests {
    /// A market that keeps needing small plans: no trend, enough noise that venues keep leaving tight bands.
    static func busy(coordinators: Int = 1) throws -> MemoryCluster {
        try MemoryCluster(venues: 4, verifiers: 4, quorum: 3, coordinators: coordinators) { topology in
            topology.market.drift = 0
            topology.market.volatility = 0.8
            topology.market.shockMultiplier = 1
            // A market tick every 500 ms (not 100): a fifth of the signatures to make and check per
            // simulated second, and still a venue out of band at every other tick.
            topology.market.tickMs = 500
            topology.market.secondsPerTick = 3000
            for i in topology.venues.indices {
                topology.venues[i].lowerBand = 2.9
                topology.venues[i].upperBand = 3.1
            }
        }
    }

    /// Advances the clock a heartbeat at a time until `condition` holds or `limit` passes.
    static func advance(_ cluster: MemoryCluster, until limit: Duration, _ condition: () -> Bool) async -> Bool {
        var waited: Duration = .zero
        while waited < limit {
            if condition() { return true }
            await cluster.advance(by: .milliseconds(500))
            waited += .milliseconds(500)
        }
        return condition()
    }

    @Test func approvalsNeedAQuorumAndResumeWhenItReturns() async throws {
        let cluster = try Self.busy()
        try cluster.startAll()
        let coordinator = try #require(cluster.topology.coordinator).id
        func approved() -> Int64 { cluster.counter(coordinator, "plans.approved") }

        #expect(await Self.advance(cluster, until: .seconds(20)) { approved() >= 1 }, "plans are approved with all four verifiers")
        #expect(cluster.member(coordinator)?.readiness.state.ready == true)

        await cluster.stop("verifier-4")
        let withThree = approved()
        #expect(await Self.advance(cluster, until: .seconds(20)) { approved() > withThree }, "one verifier down: plans still approved")

        await cluster.stop("verifier-3")
        // The coordinator notices within the staleness bound and holds, saying why.
        #expect(await Self.advance(cluster, until: .seconds(10)) { cluster.member(coordinator)?.readiness.state.ready == false })
        let reason = cluster.member(coordinator)?.readiness.state.reason ?? ""
        #expect(reason.contains("2 of 4 verifiers heard, 3 needed"), "\(reason)")
        await cluster.advance(by: .seconds(1))
        let frozen = approved()
        let heartbeatsBefore = cluster.counter("verifier-1", "rx.heartbeat")
        let statesBefore = cluster.counter(coordinator, "rx.\(MessageType.venueState)")
        await cluster.advance(by: .seconds(5))
        #expect(approved() == frozen, "two verifiers down: nothing approved")
        // Not vacuous: the coordinator stayed alive (its heartbeats reach the verifiers) and kept
        // receiving states that call for plans, so it would have approved had it a quorum.
        #expect(cluster.counter("verifier-1", "rx.heartbeat") > heartbeatsBefore, "the coordinator is still alive")
        #expect(cluster.counter(coordinator, "rx.\(MessageType.venueState)") > statesBefore, "the market keeps moving")

        // Said once, loudly, naming the silent verifiers (not once a tick).
        let lost = cluster.log.lines(coordinator, containing: "quorum unreachable: 2 of 4 verifiers alive")
        #expect(lost.count == 1 && lost.allSatisfy { $0.hasPrefix("error") && $0.contains("verifier-3") && $0.contains("verifier-4") }, "\(lost)")

        try cluster.startVerifier("verifier-3")
        #expect(await Self.advance(cluster, until: .seconds(25)) { approved() > frozen }, "approvals resume when a verifier returns")
        #expect(cluster.member(coordinator)?.readiness.state.ready == true)
        #expect(cluster.log.lines(coordinator, containing: "quorum reachable again").count == 1)
        #expect(cluster.log.lines(coordinator, containing: "quorum unreachable: 2 of 4 verifiers alive").count == 1, "the loss is said once, not once a tick")
    }

    @Test func noPlanMovesCapitalOfAVenueWhoseStateIsStale() async throws {
        let cluster = try Self.busy()
        try cluster.startAll()
        let coordinator = try #require(cluster.topology.coordinator).id
        func approved() -> Int64 { cluster.counter(coordinator, "plans.approved") }
        #expect(await Self.advance(cluster, until: .seconds(20)) { approved() >= 1 })

        // v1's and v2's watchers stop; past the staleness bound (stale_after_ms 3000) their last
        // states are stale, while v3's and v4's keep arriving and keep the coordinator planning.
        let silent: Set<VenueID> = ["v1", "v2"]
        for venue in silent { await cluster.stop(try #require(cluster.topology.watcher(of: venue)).id) }
        await cluster.advance(by: .seconds(4))
        // Every plan approved from here on (a sequence above the journal's last approved one) is
        // planned on stale states of v1 and v2. Not `lastPlanSeq`: the coordinator reserves
        // sequences ahead, and a reservation is not a plan.
        let journal = try CoordinatorJournal(path: cluster.dataDirectory(coordinator) + "/journal.sqlite")
        let staleFrom = try journal.lastApproved()
        let before = approved()
        #expect(await Self.advance(cluster, until: .seconds(40)) { approved() >= before + 2 }, "plans between the venues still heard are approved")
        await cluster.stop(coordinator)
        let later = try journal.approved(after: staleFrom).map { try WireApprovedPlan(serializedBytes: try Envelope(serializedBytes: $0.envelope).payload).plan }
        #expect(!later.isEmpty)
        for plan in later {
            let venues = Set(plan.transfers.flatMap { [$0.from, $0.to] })
            #expect(venues.isDisjoint(with: silent), "plan \(plan.planSeq) moves capital of a stale venue: \(venues.sorted())")
        }
    }
}
