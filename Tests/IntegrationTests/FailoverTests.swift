import Foundation
import RebalancerCore
import RebalancerNode
import Testing

/// No single coordinator whose loss stops rebalancing: with two listed, the second stands by
/// (following the approved plans into its own journal), takes over when the first is killed,
/// and the first, restarted, defers. And safety never rests on the election: two coordinators
/// that both lead (each cut off from the other) never get two plans approved under one planSeq.
@Suite(.serialized) struct FailoverTests {
    /// When the first line of `log` ending in `marker` was written.
    static func firstTime(_ log: String, _ marker: String) -> Date? {
        guard let line = log.split(separator: "\n").first(where: { $0.hasSuffix(marker) }),
              let stamp = line.split(separator: " ").first else { return nil }
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return format.date(from: String(stamp))
    }

    @Test func theStandbyTakesOverWhenTheLeaderIsKilledAndTheLeaderDefersOnReturn() async throws {
        let (cluster, topology) = try Cluster.busy(coordinators: 2)
        try cluster.startAllButCoordinators(topology)
        try cluster.start("coordinator", ["coordinator", "--id", "coordinator"])
        defer { cluster.stopAll() }
        // The standby starts once the leader's first plan is approved: started together on a busy
        // machine, a late leader can find the standby already leading, and this test is about the
        // takeover and the return, not the start-up race (LeadershipTests holds the election rule).
        let started = await eventually(30) { !LogPlanSeqs.planSeqs(cluster.log("coordinator"), "approved").isEmpty }
        try #require(started, "the first coordinator leads; its log:\n\(cluster.log("coordinator").suffix(2000))")
        try cluster.start("coordinator-2", ["coordinator", "--id", "coordinator-2"])

        let led = await eventually(30) { LogPlanSeqs.planSeqs(cluster.log("coordinator"), "approved").count >= 3 }
        try #require(led, "the first coordinator leads and plans are approved")
        let followed = await eventually(10) { !LogPlanSeqs.planSeqs(cluster.log("coordinator-2"), "followed").isEmpty }
        #expect(followed, "the standby follows the approved plans into its journal")
        #expect(LogPlanSeqs.planSeqs(cluster.log("coordinator-2"), "approved").isEmpty, "the standby proposes nothing")

        let killedAt = Date()
        cluster.kill("coordinator")
        let lastBefore = try #require(LogPlanSeqs.planSeqs(cluster.log("coordinator"), "approved").max())
        let tookOver = await eventually(15) { cluster.log("coordinator-2").contains("leading: this coordinator proposes") }
        try #require(tookOver, "the standby takes over; its log:\n\(cluster.log("coordinator-2").suffix(3000))")
        if let at = Self.firstTime(cluster.log("coordinator-2"), "leading: this coordinator proposes") {
            print("failover: the standby led \(Int(at.timeIntervalSince(killedAt) * 1000)) ms after the leader was killed (heartbeat \(topology.timing.heartbeatMs) ms)")
        }
        let approvedAgain = await eventually(20) { LogPlanSeqs.planSeqs(cluster.log("coordinator-2"), "approved").contains { $0 > lastBefore } }
        #expect(approvedAgain, "the standby's plans are approved, above every earlier one")
        let executed = await eventually(10) { LogPlanSeqs.planSeqs(cluster.log("executor"), "plan accepted").contains { $0 > lastBefore } }
        #expect(executed, "the executor executes the new leader's plans")

        // The old leader returns and defers to the one that took over.
        try cluster.start("coordinator", ["coordinator", "--id", "coordinator"])
        let deferred = await eventually(15) { !LogPlanSeqs.planSeqs(cluster.log("coordinator"), "followed").isEmpty }
        #expect(deferred, "the returning coordinator follows the new leader's plans")
        #expect(!cluster.log("coordinator").contains("leading: this coordinator proposes"), "and does not take the lead back")
        let firstSeqs = LogPlanSeqs.planSeqs(cluster.log("coordinator"), "approved")
        #expect(firstSeqs.isEmpty, "the returning coordinator approves nothing while the other leads: \(firstSeqs)")
    }

    @Test func twoCoordinatorsThatBothLeadNeverGetTwoPlansApprovedUnderOneSequence() async throws {
        let (cluster, topology) = try Cluster.busy(coordinators: 2)
        // Each coordinator gets a copy of the topology in which the other's feed is on a port
        // nobody listens to: neither hears the other, so both lead (a partition between them).
        for (me, other) in [("coordinator", "coordinator-2"), ("coordinator-2", "coordinator")] {
            var cut = topology
            let index = try #require(cut.nodes.firstIndex { $0.id == other })
            cut.endpoints[cut.nodes[index].id, default: [:]]["plans"] = "tcp://127.0.0.1:\(Cluster.freeBasePort())"
            try TopologyFile.render(cut).write(toFile: cluster.directory + "/\(me).yaml", atomically: true, encoding: .utf8)
        }
        try cluster.startAllButCoordinators(topology)
        try cluster.start("coordinator", ["coordinator", "--id", "coordinator"], topology: cluster.directory + "/coordinator.yaml")
        try cluster.start("coordinator-2", ["coordinator", "--id", "coordinator-2"], topology: cluster.directory + "/coordinator-2.yaml")
        defer { cluster.stopAll() }

        let bothLead = await eventually(15) {
            cluster.log("coordinator").contains("leading: this coordinator proposes") && cluster.log("coordinator-2").contains("leading: this coordinator proposes")
        }
        try #require(bothLead, "cut off from each other, both lead")
        let busy = await eventually(30) {
            LogPlanSeqs.planSeqs(cluster.log("coordinator"), "approved").count + LogPlanSeqs.planSeqs(cluster.log("coordinator-2"), "approved").count >= 8
        }
        #expect(busy, "plans are approved while both lead")
        cluster.stopAll()
        let first = LogPlanSeqs.planSeqs(cluster.log("coordinator"), "approved")
        let second = LogPlanSeqs.planSeqs(cluster.log("coordinator-2"), "approved")
        #expect(Set(first).isDisjoint(with: second), "no planSeq approved by both: \(Set(first).intersection(second).sorted())")
        #expect(Set(first).count == first.count && Set(second).count == second.count)
        let executed = LogPlanSeqs.planSeqs(cluster.log("executor"), "plan accepted")
        #expect(Set(executed).count == executed.count, "each planSeq executed once")
        #expect(Set(executed).isSubset(of: Set(first + second)))
    }
}
