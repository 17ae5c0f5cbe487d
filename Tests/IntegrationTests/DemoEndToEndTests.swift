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
        let avoidable_liquidations: Int
        let hindsight_cost: Int64
        let hindsight: Hindsight
    }

    struct Hindsight: Decodable {
        struct Liquidation: Decodable { let venue: String; let tick: Int; let avoidable: Bool }
        let ticks: Int
        let unavoidable_liquidations: Int
        let liquidations: [Liquidation]
    }

    /// One tick line of the market's `market-record.jsonl` (after its header line).
    struct RecordedTick: Decodable {
        struct Accepted: Decodable { let from: String; let to: String; let amount: Int64 }
        let tick: Int?
        let liquidated: [String]?
        let accepted: [Accepted]?
    }

    func record(_ cluster: Cluster, strategy: String) throws -> [RecordedTick] {
        let text = try String(contentsOfFile: cluster.directory + "/run-\(strategy)/venues/market-record.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").dropFirst().map { try JSONDecoder().decode(RecordedTick.self, from: Data($0.utf8)) }
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

    /// What the replay (`demo --replay --json`) says of a strategy on the market alone.
    struct Replay: Decodable {
        let ticks: Int
        let liquidations: [Hindsight.Liquidation]
        let avoidable_liquidations: Int
        let hindsight_cost: Int64
    }

    func replay(_ cluster: Cluster, strategy: String, seconds: Int) throws -> Replay {
        let json = cluster.directory + "/replay-\(strategy).json"
        let result = try Cluster.run([
            "demo", "--topology", cluster.topologyPath, "--replay", "--seconds", "\(seconds)", "--strategy", strategy, "--json", json,
        ])
        guard result.status == 0 else { throw ClusterError("demo --replay failed (\(result.status)): \(result.output)") }
        return try JSONDecoder().decode(Replay.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
    }

    @Test func rebalancingApprovesSettlesAndPreventsLiquidations() throws {
        // The rebalancing run as processes, 20 s, so that a liquidation late in it still leaves
        // time to see the other venues rebalanced after it. The run with rebalancing off is the
        // same seeded market with nothing moved, so the replay plays it exactly, without a second
        // deployment of processes (`static` proposes nothing: the market alone decides).
        let cluster = try Cluster(venues: 6, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        let rebalanced = try demo(cluster, strategy: "optimal", seconds: 20)
        let baseline = try replay(cluster, strategy: "static", seconds: 20)

        #expect(rebalanced.plans_approved >= 1)
        #expect(rebalanced.transfers_settled >= 1)
        #expect(rebalanced.latency_ms.samples >= 1)
        #expect(rebalanced.latency_ms.p50 > 0)
        // One process per role instance of the topology (the monitor is the demo itself).
        let expected = topology.nodes.filter { $0.role != .monitor }.map(\.id).sorted()
        #expect(rebalanced.processes.map(\.id).sorted() == expected)
        #expect(Set(rebalanced.processes.map(\.pid)).count == expected.count)
        // The market is the same seed both times; rebalancing must leave fewer liquidations.
        #expect(baseline.liquidations.count >= 1)
        #expect(baseline.ticks >= 57)  // its liquidations come at tick 57
        // Never more, and fewer unless every liquidation it suffered was one the hindsight report
        // shows no strategy could avoid (the live market's timing varies between runs; a strictly
        // smaller count alone failed in about one run in four, issue 12).
        #expect(rebalanced.liquidations <= baseline.liquidations.count)
        #expect(rebalanced.liquidations < baseline.liquidations.count || rebalanced.avoidable_liquidations == 0,
                "\(rebalanced.liquidations) liquidations (\(rebalanced.avoidable_liquidations) avoidable) against \(baseline.liquidations.count) without rebalancing")
        // Nothing is created or lost: capital held plus fees and penalties is what we started with.
        #expect(rebalanced.final_capital + rebalanced.fees_paid + rebalanced.penalties_charged == rebalanced.initial_capital)
        // The market recorded the path it played; the hindsight report judged every liquidation.
        #expect(rebalanced.hindsight.ticks >= 50)
        #expect(rebalanced.hindsight.liquidations.count == rebalanced.liquidations)
        #expect(rebalanced.avoidable_liquidations == rebalanced.hindsight.liquidations.filter(\.avoidable).count)
        #expect(rebalanced.hindsight_cost > 0)
        #expect(baseline.avoidable_liquidations == baseline.liquidations.filter(\.avoidable).count)
        // The recorded run, judged again by `rebalancer hindsight`, with its forks: the same
        // liquidations, and every fork a proof (what both paths need exceeds the book, or the
        // capital cannot be placed in time) within the run.
        let judged = cluster.directory + "/hindsight-optimal.json"
        let again = try Cluster.run(["hindsight", "--run", cluster.directory + "/run-optimal", "--topology", cluster.topologyPath, "--foresight", "--json", judged])
        #expect(again.status == 0, "\(again.output)")
        struct Judged: Decodable {
            struct Fork: Decodable { let fork: Int; let through: Int; let required: Int64; let equity: Int64 }
            let liquidations: [Hindsight.Liquidation]
            let foresight_forks: [Fork]
        }
        let report = try JSONDecoder().decode(Judged.self, from: Data(contentsOf: URL(fileURLWithPath: judged)))
        #expect(report.liquidations.count == rebalanced.liquidations)
        #expect(report.foresight_forks.allSatisfy { $0.fork < $0.through && $0.through <= rebalanced.hindsight.ticks && $0.required > 0 && $0.equity == rebalanced.initial_capital })
        #expect(again.output.contains(report.foresight_forks.isEmpty ? "no fork found" : "fork after tick \(report.foresight_forks[0].fork)"))
        // After a liquidation (the market closes the position and unwinds its hedge), the venues
        // that still hold positions keep being rebalanced: capital moves to them after it.
        let ticks = try record(cluster, strategy: "optimal")
        #expect(ticks.count == rebalanced.hindsight.ticks + 1)  // tick 0 is the opening
        if let first = ticks.firstIndex(where: { $0.liquidated != nil }) {
            let pairs = [["v1", "v2"], ["v3", "v4"], ["v5", "v6"]]
            let hit = Set(ticks[...first].flatMap { $0.liquidated ?? [] })
            let intact = Set(pairs.filter { hit.isDisjoint(with: $0) }.flatMap { $0 })
            let later = ticks[(first + 1)...].flatMap { $0.accepted ?? [] }.filter { intact.contains($0.to) }
            if !intact.isEmpty && ticks.count - first > 30 {
                #expect(!later.isEmpty, "no transfer to \(intact.sorted()) after the liquidation at tick \(first)")
            }
        }
    }
}
