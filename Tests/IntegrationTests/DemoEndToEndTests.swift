import Foundation
import Testing

/// The whole pipeline as separate processes: venues, watchers, coordinator, verifier quorum,
/// executor. Rebalancing must approve and settle plans and prevent liquidations that the same
/// market, with rebalancing off, suffers.
@Suite(.serialized) struct DemoEndToEndTests {
    struct Summary: Decodable {
        struct Proc: Decodable { let role: String; let id: String; let pid: Int32 }
        struct Latency: Decodable { let p50: Double; let p99: Double; let samples: Int }
        let plans_proposed: Int
        let plans_approved: Int
        let plans_rejected: Int
        let transfers_settled: Int
        let liquidations: Int
        let fees_paid: Int64
        let penalties_charged: Int64
        let initial_capital: Int64
        let final_capital: Int64
        let processes: [Proc]
        let latency_ms: Latency
    }

    func demo(_ cluster: Cluster, strategy: String, seconds: Int) throws -> Summary {
        let json = cluster.directory + "/\(strategy).json"
        let result = try Cluster.run([
            "demo", "--topology", cluster.topologyPath, "--seconds", "\(seconds)", "--strategy", strategy,
            "--json", json, "--quiet", "--data-dir", cluster.directory + "/run-\(strategy)",
        ])
        guard result.status == 0 else { throw ClusterError("demo failed (\(result.status)): \(result.output)") }
        return try JSONDecoder().decode(Summary.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
    }

    @Test func rebalancingApprovesSettlesAndPreventsLiquidations() throws {
        let cluster = try Cluster(venues: 6, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        let rebalanced = try demo(cluster, strategy: "optimal", seconds: 20)
        let baseline = try demo(cluster, strategy: "static", seconds: 20)

        #expect(rebalanced.plans_approved >= 1)
        #expect(rebalanced.transfers_settled >= 1)
        #expect(rebalanced.latency_ms.samples >= 1)
        #expect(rebalanced.latency_ms.p50 > 0)
        // One process per role instance of the topology (the monitor is the demo itself).
        let expected = topology.nodes.filter { $0.role != .monitor }.map(\.id).sorted()
        #expect(rebalanced.processes.map(\.id).sorted() == expected)
        #expect(Set(rebalanced.processes.map(\.pid)).count == expected.count)
        // The market is the same seed both times; rebalancing must leave fewer liquidations.
        #expect(baseline.plans_approved == 0)
        #expect(baseline.liquidations >= 1)
        #expect(rebalanced.liquidations < baseline.liquidations)
        // Nothing is created or lost: capital held plus fees and penalties is what we started with.
        for s in [rebalanced, baseline] {
            #expect(s.final_capital + s.fees_paid + s.penalties_charged == s.initial_capital)
        }
    }
}
