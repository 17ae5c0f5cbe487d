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

    /// The two demos' outcomes, each written by its own thread.
    final class Results: @unchecked Sendable {  // every access holds `lock`
        private let lock = NSLock()
        private var values: [Result<Summary, any Error>?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: Result<Summary, any Error>) { lock.withLock { values[i] = value } }
        func get(_ i: Int) throws -> Summary {
            guard let value = lock.withLock({ values[i] }) else { throw ClusterError("demo \(i) left no result") }
            return try value.get()
        }
    }

    @Test func rebalancingApprovesSettlesAndPreventsLiquidations() throws {
        // Two deployments of the same market (same seed, own ports), run side by side: the one
        // rebalancing and the one with rebalancing off.
        let cluster = try Cluster(venues: 6, verifiers: 4, quorum: 3)
        let twin = try Cluster(venues: 6, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        #expect(try twin.topology.market == topology.market)
        // The static run's three liquidations all come at tick 57 (one leg of each pair; a pair
        // is unwound after), so 12 s shows them all; the rebalancing run lasts 20 s, so that a
        // liquidation late in it still leaves time to see the other venues rebalanced after it.
        let runs: [(Cluster, String, Int)] = [(cluster, "optimal", 20), (twin, "static", 12)]
        let results = Results(count: runs.count)
        DispatchQueue.concurrentPerform(iterations: runs.count) { i in
            results.set(i, Result { try demo(runs[i].0, strategy: runs[i].1, seconds: runs[i].2) })
        }
        let rebalanced = try results.get(0)
        let baseline = try results.get(1)

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
        // Never more, and fewer unless every liquidation it suffered was one the hindsight report
        // shows no strategy could avoid (the live market's timing varies between runs; a strictly
        // smaller count alone failed in about one run in four, issue 12).
        #expect(rebalanced.liquidations <= baseline.liquidations)
        #expect(rebalanced.liquidations < baseline.liquidations || rebalanced.avoidable_liquidations == 0,
                "\(rebalanced.liquidations) liquidations (\(rebalanced.avoidable_liquidations) avoidable) against \(baseline.liquidations) without rebalancing")
        // Nothing is created or lost: capital held plus fees and penalties is what we started with.
        for s in [rebalanced, baseline] {
            #expect(s.final_capital + s.fees_paid + s.penalties_charged == s.initial_capital)
            // The market recorded the path it played; the hindsight report judged every liquidation.
            #expect(s.hindsight.ticks >= 50)
            #expect(s.hindsight.liquidations.count == s.liquidations)
            #expect(s.avoidable_liquidations == s.hindsight.liquidations.filter(\.avoidable).count)
            #expect(s.hindsight_cost > 0)
        }
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
