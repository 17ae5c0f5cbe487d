import Foundation
import RebalancerCore
import RebalancerNode
import Testing

/// A coordinator that lost its data folder is not the end of rebalancing: restarted empty, it
/// learns from the verifiers' heartbeats what a quorum has signed, continues above it, and plans
/// are approved and executed again (before this, every verifier refused every plan as
/// `seq_not_increasing` forever). The executor hands the coordinator back the approved plans
/// the lost journal held, so replay to late executors stays complete.
@Suite(.serialized) struct WipedJournalTests {
    /// The plan sequences in `log`'s lines whose message is `marker` ("approved", not "plan not approved").
    static func planSeqs(_ log: String, _ marker: String) -> [UInt64] {
        log.split(separator: "\n").filter { $0.hasSuffix("] " + marker) }.compactMap { line in
            guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("plan_seq=") }) else { return nil }
            return UInt64(field.dropFirst("plan_seq=".count))
        }
    }

    @Test func aCoordinatorWithAWipedDataFolderApprovesAgainAboveWhatWasSigned() async throws {
        let (cluster, topology) = try Cluster.busy()
        try cluster.startAllButCoordinators(topology)
        try cluster.start("coordinator", ["coordinator"])
        defer { cluster.stopAll() }

        let before = await eventually(30) { Self.planSeqs(cluster.log("coordinator"), "approved").count >= 3 }
        try #require(before, "plans are approved before the wipe")
        cluster.stop("coordinator")
        let lastBefore = try #require(Self.planSeqs(cluster.log("coordinator"), "approved").max())
        try FileManager.default.removeItem(atPath: cluster.directory + "/data/coordinator")
        #expect(!FileManager.default.fileExists(atPath: cluster.directory + "/data/coordinator"))

        let restarted = Date()
        try cluster.start("coordinator", ["coordinator"])
        let again = await eventually(10) { Self.planSeqs(cluster.log("coordinator"), "approved").contains { $0 > lastBefore } }
        let log = cluster.log("coordinator")
        #expect(again, "approved again within ten seconds of the restart (\(Date().timeIntervalSince(restarted)) s); log:\n\(log.suffix(3000))")
        #expect(log.contains("journal behind the verifiers"))
        #expect(Self.planSeqs(log, "approved").allSatisfy { $0 > lastBefore }, "no planSeq at or below \(lastBefore) approved twice")
        let executed = await eventually(10) { Self.planSeqs(cluster.log("executor"), "plan accepted").contains { $0 > lastBefore } }
        #expect(executed, "the executor executes the new plans")
        #expect(!cluster.log("executor").contains("duplicate"))
        for i in 1...4 {
            #expect(!cluster.log("verifier-\(i)").contains("seq_not_increasing"), "verifier-\(i) was never asked to sign at or below what it signed")
        }

        // The executor gives back what the lost journal held: the coordinator can replay it again.
        let restored = await eventually(10) { cluster.log("coordinator").contains("restored approved plan from an executor") }
        #expect(restored, "the coordinator takes back the approved plans from the executor's record")
    }
}
