import ArgumentParser
import Foundation
import Logging
import RebalancerNode
import RebalancerTools

// `rebalancer bench` (BenchCommand.swift) lists this as its `load` subcommand.

/// `rebalancer bench load`: verified state updates per second under `venues --load`, and memory.
struct LoadBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Run every role with the venues publishing as fast as they can; report verified states/s and RSS of coordinator and verifiers."
    )

    @Option(name: .long, help: "The topology file.")
    var topology: String = "topology/local.yaml"

    @Option(name: .long, parsing: .unconditional, help: "The measured window, in seconds (1 to 3600).")
    var seconds: Double = 10

    @Option(name: .long, help: "Seconds of load before the window opens.")
    var warmup: Double = 3

    @Option(name: .long, help: "Write the report as JSON to this file.")
    var json: String?

    @Option(name: .long, help: "Where journals and logs go (wiped at start).")
    var dataDir: String = "run/bench-load"

    func validate() throws {
        guard seconds >= 1, seconds <= 3600 else { throw ValidationError("--seconds must be between 1 and 3600, got \(seconds.cliText)") }
        guard warmup >= 0, warmup <= 600 else { throw ValidationError("--warmup must be between 0 and 600") }
        guard FileManager.default.fileExists(atPath: topology) else { throw ValidationError("--topology: no file at \(topology)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { NodeLogHandler(label: $0, format: .text) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let bench = LoadBench(options: .init(topologyPath: topology, seconds: seconds, warmup: warmup, dataDirectory: dataDir), executable: executable)
        let report = try await bench.run(logger: Logger(label: "bench"))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
        print(report.text)
    }
}
