import Foundation
import Testing

/// `rebalancer bench latency`: bad arguments print usage; the floor runs as real processes and
/// writes a report whose figures are positive and ordered.
@Suite("Latency bench")
struct LatencyBenchTests {
    @Test(arguments: [
        (["--samples", "0"], "Error: --samples must be between 1 and 1000000, got 0"),
        (["--seconds", "0.5"], "Error: --seconds must be between 1 and 3600, got 0.5"),
        (["--floor-only", "--demo-only"], "Error: --floor-only and --demo-only exclude each other"),
        (["--topology", "/nonexistent/topology.yaml"], "Error: --topology: no file at /nonexistent/topology.yaml"),
        (["--samples", "many"], "Error: The value 'many' is invalid for '--samples <samples>'"),
    ])
    func badArgumentsPrintUsage(arguments: [String], message: String) throws {
        let result = try Cluster.run(["bench", "latency"] + arguments)
        #expect(result.status != 0)
        #expect(result.output.contains(message), "\(result.output)")
        #expect(result.output.contains("Usage: rebalancer bench latency"), "\(result.output)")
    }

    @Test func floorOnlyWritesOrderedPositiveFigures() throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let json = cluster.directory + "/latency.json"
        let result = try Cluster.run([
            "bench", "latency", "--topology", cluster.topologyPath, "--floor-only", "--samples", "50", "--json", json, "--data-dir", cluster.directory + "/bench",
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("costliest hops (floor p50)"), "\(result.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(report["verifiers"] as? Int == 4)
        #expect(report["quorum"] as? Int == 3)
        #expect(report["demo"] == nil && report["ratio"] == nil)
        #expect((report["costliest_hops"] as? [String])?.count == 3)
        let floor = try #require(report["floor"] as? [String: Any])
        let endToEnd = try #require(floor["end_to_end"] as? [String: Any])
        #expect(endToEnd["samples"] as? Int == 50)
        let p50 = try #require(endToEnd["p50_ms"] as? Double), p99 = try #require(endToEnd["p99_ms"] as? Double), max = try #require(endToEnd["max_ms"] as? Double)
        #expect(p50 > 0)
        #expect(p50 <= p99 && p99 <= max)
        let hops = try #require(floor["hops"] as? [[String: Any]])
        #expect(hops.compactMap { $0["hop"] as? String } == ["coordinator_received", "proposed", "quorum_reached", "journaled", "published", "executor_verified"])
        for hop in hops {
            let hp50 = try #require(hop["p50_ms"] as? Double), hp99 = try #require(hop["p99_ms"] as? Double)
            #expect(hp50 >= 0 && hp50 <= hp99 && hp99 <= max, "\(hop)")
        }
    }
}
