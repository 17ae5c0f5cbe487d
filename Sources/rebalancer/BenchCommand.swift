import ArgumentParser
import Foundation
import RebalancerCore

/// `rebalancer bench`: `optimizer` times the optimizer against the greedy baseline; `load` measures
/// verified state updates per second of a local deployment under a flood of market ticks.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print their figures.",
        subcommands: [BenchOptimizerCommand.self, LoadBenchCommand.self]
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

    func validate() throws {
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 2 }) else {
            throw ValidationError("--venues must be comma-separated integers of at least 2, for example 10,100,1000")
        }
        guard instances >= 1 else { throw ValidationError("--instances must be at least 1") }
    }

    private var sizes: [Int] {
        venues.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    func run() throws {
        let results = OptimizerBenchmark.run(sizes: sizes, instances: instances, seed: seed, clock: Self.monotonicNanos)
        print("venues  instances  median_ms    p99_ms  cost/greedy max  cost/greedy median")
        for r in results {
            print(
                String(r.venues).leftPad(6), String(r.instances).leftPad(10), String(format: "%10.3f", r.medianMs),
                String(format: "%9.3f", r.p99Ms), String(format: "%16.4f", r.costVsGreedyMax), String(format: "%19.4f", r.costVsGreedyMedian)
            )
        }
        if let json {
            try JSONOutput.write(["sizes": results], to: json)
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
