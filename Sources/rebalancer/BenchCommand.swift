import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerSimulation

/// `rebalancer bench`: `optimizer` times the optimizer against the greedy baseline; `load` measures
/// verified state updates per second of a local deployment under a flood of market ticks; `latency`
/// compares the decision path with its floor.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print their figures.",
        subcommands: [BenchOptimizerCommand.self, LoadBenchCommand.self, LatencyBenchCommand.self, LatencyFloorNodeCommand.self]
    )
}

/// `rebalancer bench optimizer --venues 10,100,1000 [--instances N] [--seed S] [--json PATH]`.
struct BenchOptimizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimizer",
        abstract: "Solve random connected instances of each size; report solve times and cost against greedy.",
        discussion: "Build with -c release for meaningful times. JSON: {\"sizes\": [{venues, instances, median_ms, p99_ms, cost_vs_greedy: {max, median}}]}."
    )

    /// Instance sizes.
    @Option(help: "Comma-separated venue counts.")
    var venues: String = "10,100,1000"

    /// Instances per size.
    @Option(help: "Random instances per size.")
    var instances: Int = 200

    /// Seed of the instances.
    @Option(help: "Seed of the random instances.")
    var seed: UInt64 = 1

    /// Where to write the JSON.
    @Option(help: "Write the results as JSON to this path.")
    var json: String?

    /// Instance families.
    @Option(help: "Comma-separated instance families: random (today's), realistic (hubs, fixed fees, scarce supply, two assets, capital in flight).")
    var family: String = "random,realistic"

    /// Branch-and-bound node budget of the optimizer.
    @Option(name: .customLong("node-limit"), help: "Branch-and-bound nodes per solve (default \(TransferOptimizer().nodeLimit); 0: heuristic passes only).")
    var nodeLimit: Int = TransferOptimizer().nodeLimit

    /// Branch-and-bound work budget of the optimizer.
    @Option(name: .customLong("search-effort"), help: "Branch-and-bound work per solve, as a multiple of the root relaxation's cold solve (default \(TransferOptimizer().searchEffort)).")
    var searchEffort: Double = TransferOptimizer().searchEffort

    /// Instances per size handed to HiGHS.
    @Option(name: .customLong("highs-instances"), help: "Instances per size also solved by HiGHS (its LP relaxation of the exact problem) when highspy is installed; 0 skips.")
    var highsInstances: Int = 20

    func validate() throws {
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 2 }) else {
            throw ValidationError("--venues must be comma-separated integers of at least 2, for example 10,100,1000")
        }
        guard instances >= 1 else { throw ValidationError("--instances must be at least 1") }
        guard nodeLimit >= 0 else { throw ValidationError("--node-limit must be at least 0") }
        guard searchEffort >= 0, searchEffort.isFinite else { throw ValidationError("--search-effort must be a number at least 0") }
        guard highsInstances >= 0 else { throw ValidationError("--highs-instances must be at least 0") }
        guard !families.isEmpty, families.count == family.split(separator: ",").count else {
            throw ValidationError("--family must be comma-separated names among \(OptimizerBenchmark.Family.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    private var families: [OptimizerBenchmark.Family] {
        family.split(separator: ",").compactMap { OptimizerBenchmark.Family(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
    }

    private var sizes: [Int] {
        venues.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    func run() throws {
        var all: [String: [OptimizerBenchmark.SizeResult]] = [:]
        let highs = highsInstances > 0 && HiGHSReference.available
        if highsInstances > 0 && !highs { print("(highspy not installed: no HiGHS column; python3 -m pip install highspy)") }
        for family in families {
            let results = OptimizerBenchmark.run(sizes: sizes, instances: instances, seed: seed, clock: Self.monotonicNanos, optimizer: TransferOptimizer(nodeLimit: nodeLimit, searchEffort: searchEffort), family: family)
            all[family.rawValue] = results
            print("family \(family.rawValue)")
            print("venues  instances  median_ms    p99_ms  cost/greedy max  cost/greedy median  greedy rejected" + (highs ? "  highs_median_ms  (n)" : ""))
            for r in results {
                var line = [
                    String(r.venues).leftPad(6), String(r.instances).leftPad(10), String(format: "%10.3f", r.medianMs),
                    String(format: "%9.3f", r.p99Ms), String(format: "%16.4f", r.costVsGreedyMax), String(format: "%19.4f", r.costVsGreedyMedian),
                    String(r.greedyRejected).leftPad(16),
                ]
                if highs, let ms = try HiGHSReference.medianMs(family: family, venues: r.venues, instances: min(highsInstances, instances), seed: seed) {
                    line.append(String(format: "%16.3f", ms) + "  (\(min(highsInstances, instances)))")
                }
                print(line.joined(separator: " "))
            }
        }
        if let json {
            if families == [.random] {
                try JSONOutput.write(["sizes": all["random"]!], to: json)
            } else {
                try JSONOutput.write(["sizes": all[families[0].rawValue]!], to: json)
            }
            print("wrote \(json)")
        }
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
