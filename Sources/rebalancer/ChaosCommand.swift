import ArgumentParser
import Foundation
import Logging
import RebalancerNode
import RebalancerTools

/// `rebalancer chaos`: the demo topology under process faults, then the safety checks.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Run the demo topology while killing, restarting and pausing roles; then check nothing was lost, repeated or unsigned.",
        discussion: """
        SIGKILLs and restarts, in turn, a watcher, a verifier, the coordinator and the executor, and \
        pauses a verifier (SIGSTOP, SIGCONT). Afterwards it checks, from the coordinator's journal, the \
        executors' records, the verifiers' ledgers and the venues' final report: every approved planSeq \
        executed exactly once, no planSeq approved twice, no transfer without a valid quorum, capital \
        reconciled. Exits non-zero if any check fails.
        """
    )

    @Option(name: .long, help: "The topology file.")
    var topology: String = "topology/local.yaml"

    @Option(name: .long, parsing: .unconditional, help: "How long the run lasts before the checks, in seconds (default 60, or 23 with --short).")
    var seconds: Double?

    @Flag(name: .long, help: "The short form (about 23 s, one round of faults), as run by `make test`.")
    var short = false

    @Option(name: .long, help: "Write the report as JSON to this file.")
    var json: String?

    @Option(name: .long, help: "Where journals and logs go (wiped at start).")
    var dataDir: String = "run/chaos"

    func validate() throws {
        if let seconds { guard seconds >= 20, seconds <= 86_400 else { throw ValidationError("--seconds must be between 20 and 86400, got \(seconds.cliText)") } }
        guard FileManager.default.fileExists(atPath: topology) else { throw ValidationError("--topology: no file at \(topology)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { NodeLogHandler(label: $0, format: .text) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let runner = ChaosRunner(options: .init(topologyPath: topology, seconds: seconds, short: short, dataDirectory: dataDir), executable: executable)
        let report = try await runner.run(logger: Logger(label: "chaos"))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
        print(report.text)
        if let json { print("report written to \(json)") }
        if !report.passed { throw ExitCode(1) }
    }
}
