import Foundation
import Testing
@testable import RebalancerCore
import RebalancerSimulation

/// The optimizer against an exact MILP of the same problem, solved by HiGHS through `highspy`
/// (docs/tools/optimizer_milp.py builds it from the same plan-input JSON): on a few hundred small
/// random instances, the plan's cost is within max($1, 1e-6 relative) of the MILP optimum or within
/// the plan's own proven gap, the plan's lower bound never exceeds the optimum, and every plan is
/// within the tolerance (docs/optimizer.md §7).
@Suite struct OptimizerOracleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = root.appendingPathComponent("docs/tools/optimizer_milp.py").path


    /// True when `python3` can import highspy (`make python-tools` installs it).
    static let highspy: Bool = (try? run(["python3", script, "--check"]).status) == 0

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The oracle's instances: small realistic and random ones, 3 to 9 venues.
    static func instances() -> [(Topology, [VenueID: VenueView])] {
        (UInt64(0)..<300).map { seed in
            let size = 3 + Int(seed % 7)
            return seed % 2 == 0 ? OptimizerBenchmark.realisticInstance(venues: size, seed: 13_000 + seed)
                : OptimizerBenchmark.randomInstance(venues: size, seed: 13_000 + seed)
        }
    }

    @Test(.enabled(if: OptimizerOracleTests.highspy, "highspy is not installed: python3 -m pip install highspy (make python-tools does)"))
    func plansMatchTheExactMILP() throws {
        let cases = Self.instances()
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let inputs = cases.map { PlanInput(topology: $0.0, views: $0.1) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("optimizer-oracle-\(ProcessInfo.processInfo.processIdentifier).json")
        try encoder.encode(inputs).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        if let keep = ProcessInfo.processInfo.environment["OPTIMIZER_ORACLE_KEEP"] { try? FileManager.default.copyItem(at: file, to: URL(fileURLWithPath: keep)) }
        let result = try Self.run(["python3", Self.script, file.path])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("{") }
        try #require(lines.count == cases.count)
        var exact = 0
        var withinGap = 0
        var nonTrivial = 0
        var worst = 0.0
        for (i, line) in lines.enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(object["status"] as? String == "Optimal", "instance \(i): \(line)")
            let optimum = (object["optimum"] as! NSNumber).doubleValue
            let (topology, views) = cases[i]
            let plan = TransferOptimizer().solve(views: views, topology: topology)
            let tolerance = max(100, 1e-6 * abs(optimum))
            if (object["routes"] as! NSNumber).intValue > 0 { nonTrivial += 1 }
            #expect(plan.lowerBound <= optimum + tolerance, "instance \(i): bound \(plan.lowerBound) above the optimum \(optimum)")
            #expect(plan.objective >= optimum - tolerance, "instance \(i): plan \(plan.objective) below the optimum \(optimum): the MILP differs from planCost")
            worst = max(worst, plan.objective - optimum)
            if plan.objective <= optimum + tolerance {
                exact += 1
            } else {
                withinGap += 1
                #expect(plan.objective - optimum <= plan.gap + tolerance, "instance \(i): plan \(plan.objective), optimum \(optimum), gap \(plan.gap)")
            }
        }
        print("optimizer oracle: \(cases.count) instances (\(nonTrivial) with a usable route): \(exact) within max($1, 1e-6) of the MILP optimum, \(withinGap) above it but within their reported gap; largest excess \(worst / 100) $")
        #expect(nonTrivial > 150)
        #expect(exact == cases.count, "\(exact) of \(cases.count) plans within the tolerance of the MILP optimum")
        #expect(withinGap == 0)
    }
}
