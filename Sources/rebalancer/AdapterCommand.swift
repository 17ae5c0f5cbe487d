import ArgumentParser
import Foundation
import RebalancerVenues

/// `rebalancer adapter`: tools for external venue adapters (docs/adapters.md).
struct AdapterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapter",
        abstract: "Tools for external venue adapters (docs/adapters.md).",
        subcommands: [AdapterTestCommand.self]
    )
}

/// `rebalancer adapter test -- COMMAND ARGS...`: runs the conformance suite against an adapter.
struct AdapterTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the conformance suite against an adapter command; one line per check, non-zero exit on any failure.",
        discussion: "Example: rebalancer adapter test -- python3 -m rebalancer_ccxt_adapter --exchange binanceusdm --api-key-env BINANCE_KEY --secret-env BINANCE_SECRET"
    )

    @Option(name: .customLong("timeout-ms"), help: "Per-request timeout in milliseconds.")
    var timeoutMs: Int64 = 10_000

    @Flag(help: "Also submit one transfer twice under one key (it really moves money: use a fixture or a test account).")
    var transfer = false

    @Option(name: .customLong("amount-cents"), help: "With --transfer: the amount, in cents.")
    var amountCents: Int64 = 100

    @Option(help: "With --transfer: the asset.")
    var asset = "USDT"

    @Option(help: "With --transfer: the destination address (allow-listed at the venue).")
    var destination: String?

    @Option(help: "With --transfer: the network, if the venue needs one.")
    var network: String?

    @Argument(parsing: .postTerminator, help: "The adapter command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the adapter command after --, e.g. rebalancer adapter test -- python3 my_adapter.py") }
        guard timeoutMs > 0 else { throw ValidationError("--timeout-ms must be positive") }
        if transfer {
            guard let destination, !destination.isEmpty else { throw ValidationError("--transfer needs --destination") }
            guard amountCents > 0 else { throw ValidationError("--amount-cents must be positive") }
        }
    }

    func run() async throws {
        let probe = transfer ? ConformanceSuite.TransferProbe(amountCents: amountCents, asset: asset, destination: destination ?? "", network: network) : nil
        let checks = await ConformanceSuite(command: command, timeoutMs: timeoutMs, transfer: probe).run()
        for check in checks { print(check.line) }
        let failed = checks.filter { !$0.passed }.count
        print(failed == 0 ? "conformance: all \(checks.count) checks passed" : "conformance: \(failed) of \(checks.count) checks failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
