import Foundation
import Testing

/// `rebalancer sim` over scenarios and seeds, and `rebalancer tune`: what the real binary prints,
/// and that a bad argument prints the reason and the usage and runs nothing.
@Suite("sim and tune commands", .serialized)
struct SimCommandTests {
    @Test(arguments: [
        (["sim", "--seeds", "4-1"], "Error: --seeds '4-1': range '4-1' ends before it starts"),
        (["sim", "--seeds", "x"], "Error: --seeds 'x': 'x' is not a seed or a range like 1-32"),
        (["sim", "--seed", "1", "--seeds", "1-2"], "Error: --seed and --seeds cannot be used together"),
        (["sim", "--scenario", "meteor"], "Error: --scenario must be one of delta-neutral-month, crash, squeeze, volatility-clustering, quiet-mean-reverting or all"),
        (["sim", "--strategy", "magic"], "Error: --strategy must be one of static, threshold, optimal, predictive, directional, balanced or all"),
        (["sim", "--continuation", "11"], "Error: --continuation must be from 0 to 10, got 11"),
        (["sim", "--significance", "12.5"], "Error: --significance must be from 0 to 10, got 12.5"),
        (["tune"], "Error: give exactly one of --prices and --scenario"),
        (["tune", "--scenario", "crash", "--folds", "0"], "Error: --folds must be from 1 to 50, got 0"),
        (["tune", "--scenario", "meteor"], "Error: --scenario must be one of delta-neutral-month, crash"),
    ])
    func badArgumentsPrintTheReasonAndUsage(arguments: [String], message: String) throws {
        let result = try Cluster.run(arguments, timeout: 60)
        #expect(result.status == 64, "\(result.output)")
        #expect(result.output.contains(message), "\(result.output)")
        #expect(result.output.contains("Usage: rebalancer \(arguments[0])"), "\(result.output)")
        #expect(!result.output.contains("simulated hours"))
    }

    @Test func tuneRefusesAPathTooShortForItsFolds() throws {
        let result = try Cluster.run(["tune", "--scenario", "crash", "--hours", "1", "--folds", "3"], timeout: 60)
        #expect(result.status != 0)
        #expect(result.output.contains("too short for 3 folds"), "\(result.output)")
    }

    @Test func sweepPrintsAPerSeedTableTotalsAndTheChecks() throws {
        let result = try Cluster.run(["sim", "--scenario", "crash", "--seeds", "1-2", "--hours", "3"], timeout: 120)
        #expect(result.status == 0, "\(result.output)")
        for text in ["crash, 3 simulated hours, 2 seeds", "hindsight liq/fees", "total", "static", "threshold", "optimal", "predictive", "directional", "balanced",
                     "default (optimal) meets the issue-12 target", "predictive at least as good as threshold"] {
            #expect(result.output.contains(text), "expected \(text) in:\n\(result.output)")
        }
        let rows = result.output.split(separator: "\n").filter { $0.hasPrefix("1 ") || $0.hasPrefix("2 ") }
        #expect(rows.count == 2)
    }

    @Test func everyScenarioIsReported() throws {
        let result = try Cluster.run(["sim", "--scenario", "all", "--hours", "1", "--strategy", "predictive"], timeout: 120)
        #expect(result.status == 0, "\(result.output)")
        for name in ["delta-neutral-month", "crash", "squeeze", "volatility-clustering", "quiet-mean-reverting"] {
            #expect(result.output.contains("\(name), seed 1"), "expected \(name) in:\n\(result.output)")
        }
    }

    @Test func tuneReportsEachFoldOutOfSample() throws {
        let result = try Cluster.run(["tune", "--scenario", "volatility-clustering", "--hours", "4", "--folds", "2"], timeout: 300)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("2 folds of 80 ticks"), "\(result.output)")
        #expect(result.output.split(separator: "\n").filter { $0.hasPrefix("1 ") || $0.hasPrefix("2 ") }.count == 2)
    }
}
