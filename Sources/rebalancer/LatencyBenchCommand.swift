import ArgumentParser
import Foundation
import Logging
import RebalancerNode
import RebalancerTools

// `rebalancer bench` (BenchCommand.swift) lists these as its `latency` and hidden `latency-node` subcommands.

/// `rebalancer bench latency`: the decision path's floor and the demo topology's latency, compared.
struct LatencyBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "Measure the decision path's floor (raw ZeroMQ with CURVE, the same signatures and fsyncs) and the demo topology's end-to-end latency with its per-hop breakdown.",
        discussion: "Build with -c release for meaningful figures. Prints p50, p99 and max of both, their ratio, each hop's cost and the three costliest hops."
    )

    @Option(name: .long, help: "The topology file (the demo runs it; the floor mirrors its verifiers and quorum).")
    var topology: String = "topology/local.yaml"

    @Option(name: .long, parsing: .unconditional, help: "How long the demo runs, in seconds (1 to 3600).")
    var seconds: Double = 20

    @Option(name: .long, help: "Samples of the floor (1 to 1000000).")
    var samples: Int = 1000

    @Flag(name: .long, help: "Measure the floor only.")
    var floorOnly = false

    @Flag(name: .long, help: "Run the demo only.")
    var demoOnly = false

    @Option(name: .long, help: "Write the report as JSON to this file.")
    var json: String?

    @Option(name: .long, help: "Where the floor's and the demo's files go (wiped at start).")
    var dataDir: String = "run/bench-latency"

    func validate() throws {
        guard seconds >= 1, seconds <= 3600 else { throw ValidationError("--seconds must be between 1 and 3600, got \(seconds.cliText)") }
        guard samples >= 1, samples <= 1_000_000 else { throw ValidationError("--samples must be between 1 and 1000000, got \(samples)") }
        guard !(floorOnly && demoOnly) else { throw ValidationError("--floor-only and --demo-only exclude each other") }
        guard FileManager.default.fileExists(atPath: topology) else { throw ValidationError("--topology: no file at \(topology)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { NodeLogHandler(label: $0, format: .text) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let options = LatencyBench.Options(topologyPath: topology, seconds: seconds, samples: samples, floor: !demoOnly, demo: !floorOnly, dataDirectory: dataDir)
        let report = try await LatencyBench(options: options, executable: executable).run(logger: Logger(label: "bench"))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
        print(report.text)
        if let json { print("wrote \(json)") }
    }
}

/// `rebalancer bench latency-node --plan P --role R [--index I]`: one process of the latency floor,
/// started by `bench latency` (hidden).
struct LatencyFloorNodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency-node",
        abstract: "One process of the latency floor (started by bench latency).",
        shouldDisplay: false
    )

    @Option(name: .long, help: "The floor's plan file.")
    var plan: String

    @Option(name: .long, help: "coordinator, verifier or executor.")
    var role: String

    @Option(name: .long, help: "The verifier's index.")
    var index: Int = 0

    func validate() throws {
        guard FloorNode.Role(rawValue: role) != nil else {
            throw ValidationError("--role must be one of \(FloorNode.Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard index >= 0 else { throw ValidationError("--index must be at least 0") }
    }

    func run() throws {
        try FloorNode.run(planPath: plan, role: FloorNode.Role(rawValue: role)!, index: index)
    }
}
