import Foundation
import RebalancerNode
import RebalancerTools
import Testing

/// The short chaos run: every role of a fresh 6-venue, 4-verifier topology as a process of the
/// real binary, while a watcher, a verifier, the coordinator and the executor are SIGKILLed and
/// restarted in turn and a verifier is paused. Nothing approved may be lost or repeated, nothing
/// may execute without a quorum, and the venues' capital must reconcile.
@Suite(.serialized) struct ChaosTests {
    @Test(.timeLimit(.minutes(3))) func shortChaosLosesNothingRepeatsNothingAndReconciles() async throws {
        // Two coordinators: the one killed leads, the standby takes over, and the killed one's
        // data folder is wiped before it returns (and defers).
        let cluster = try Cluster(venues: 6, verifiers: 4, quorum: 3, coordinators: 2)
        let runner = ChaosRunner(
            options: .init(topologyPath: cluster.topologyPath, seconds: nil, short: true, dataDirectory: cluster.directory + "/chaos"),
            executable: URL(fileURLWithPath: Cluster.binary)
        )
        let report = try await runner.run()
        for check in report.checks {
            #expect(check.passed, "\(check.name): \(check.detail)\n\(report.text)")
        }
        // Every kind of fault was injected: SIGKILL + restart of four roles, SIGSTOP + SIGCONT.
        #expect(report.faults.filter { $0.action == "kill" }.count == 4)
        #expect(report.faults.filter { $0.action == "restart" }.count == 4)
        #expect(report.faults.contains { $0.action == "pause" })
        #expect(report.faults.contains { $0.action == "resume" })
        #expect(report.faults.contains { $0.action == "wipe" && $0.node == "coordinator" })
        #expect(report.longestWithoutLeaderMs > 0, "a leading coordinator's heartbeats were heard")
        print("chaos: longest time without a leading coordinator's heartbeat \(Int(report.longestWithoutLeaderMs)) ms")
        #expect(report.audit.plansApproved >= 1)
        #expect(report.audit.plansExecuted == report.audit.plansApproved)
        #expect(report.audit.lost.isEmpty)
        #expect(report.audit.duplicateExecutions.isEmpty)
    }
}
