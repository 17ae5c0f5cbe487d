import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerNode

/// `rebalancer plan --input STATE.json [--strategy S]`: what the system would do now.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the plan a strategy makes for the venue states in a JSON file.",
        discussion: "Input format: docs/plan-input.md (example: examples/state.json). Prints JSON: transfers, objective, each venue before and after, potentials."
    )

    /// The input file.
    @Option(help: "JSON file with the venue states and the venues and routes (or a topology file).")
    var input: String

    /// The strategy.
    @Option(help: "\(StrategyName.list) (default \(StrategyName.standard.rawValue), as everywhere).")
    var strategy: String = StrategyName.standard.rawValue

    /// Time budget of the optimizer's branch and bound (strategy optimal).
    @Option(name: .customLong("time-limit-ms"), help: "Stop the optimizer's branch and bound after this many milliseconds (strategy optimal); the plan then reports its proven gap.")
    var timeLimitMs: Int?

    /// Node budget of the optimizer's branch and bound (strategy optimal).
    @Option(name: .customLong("node-limit"), help: "Branch-and-bound nodes at most (strategy optimal; default \(TransferOptimizer().nodeLimit)).")
    var nodeLimit: Int?

    /// Work budget of the optimizer's branch and bound (strategy optimal).
    @Option(name: .customLong("search-effort"), help: "Branch-and-bound work, as a multiple of the root relaxation's cold solve (strategy optimal; default \(TransferOptimizer().searchEffort)).")
    var searchEffort: Double?

    func validate() throws {
        if let effort = searchEffort, !(effort >= 0 && effort.isFinite) { throw ValidationError("--search-effort must be a number at least 0") }
        if let limit = timeLimitMs, limit <= 0 { throw ValidationError("--time-limit-ms must be positive") }
        if let limit = nodeLimit, limit < 0 { throw ValidationError("--node-limit must be at least 0") }
        guard StrategyName(rawValue: strategy) != nil else {
            throw ValidationError("--strategy must be one of \(StrategyName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: input)) } catch {
            throw ValidationError("--input: cannot read \(input)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let parsed: PlanInput
        do { parsed = try decoder.decode(PlanInput.self, from: data) } catch let error as DecodingError {
            throw ValidationError("\(input): \(error.userMessage(in: data))")
        }
        var base: Topology?
        if let path = parsed.topology {
            let resolved = path.hasPrefix("/") ? path : TopologyFile.directory(of: input) + "/" + path
            base = try TopologyFile.load(path: resolved).policy
        }
        let topology: Topology
        do { topology = try parsed.resolvedTopology(base: base) } catch let problem as PlanInput.Problem {
            throw ValidationError("\(input): \(problem)")
        }
        let name = StrategyName(rawValue: strategy)!
        var chosen = name.make()
        if name == .optimal {
            var optimizer = TransferOptimizer()
            if let limit = nodeLimit { optimizer.nodeLimit = limit }
            if let effort = searchEffort { optimizer.searchEffort = effort }
            if let limit = timeLimitMs {
                let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(limit) * 1_000_000
                optimizer.deadline = { DispatchTime.now().uptimeNanoseconds >= deadline }
            }
            chosen = OptimalStrategy(optimizer: optimizer)
        }
        let report = PlanReport.make(strategy: chosen, views: parsed.views, topology: topology, clock: { DispatchTime.now().uptimeNanoseconds })
        print(try JSONOutput.text(report))
    }
}
