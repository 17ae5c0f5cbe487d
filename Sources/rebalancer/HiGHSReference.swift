import Foundation
import RebalancerCore
import RebalancerSimulation

/// HiGHS (through `highspy` and docs/tools/optimizer_milp.py) as the reference solver of
/// `bench optimizer`: it solves the LP relaxation of the exact problem on the same instances.
enum HiGHSReference {
    /// The script, next to the binary's repository (found from the working directory or the source tree).
    static var script: String? {
        let candidates = [
            FileManager.default.currentDirectoryPath + "/docs/tools/optimizer_milp.py",
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("docs/tools/optimizer_milp.py").path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// True when the script exists and `python3` can import highspy.
    static var available: Bool {
        guard let script else { return false }
        return (try? run([script, "--check"]).status) == 0
    }

    /// Median HiGHS solve time (milliseconds) over the first `instances` instances of a size.
    static func medianMs(family: OptimizerBenchmark.Family, venues: Int, instances: Int, seed: UInt64) throws -> Double? {
        guard let script, instances > 0 else { return nil }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let inputs = (0..<instances).map { i -> PlanInput in
            let (topology, views) = OptimizerBenchmark.instance(family, venues: venues, index: i, seed: seed)
            return PlanInput(topology: topology, views: views)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bench-highs-\(ProcessInfo.processInfo.processIdentifier).json")
        try encoder.encode(inputs).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try run([script, "--relaxation", file.path])
        guard result.status == 0 else { return nil }
        let seconds = result.output.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasPrefix("{"), let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (object["seconds"] as? NSNumber)?.doubleValue
        }.sorted()
        guard !seconds.isEmpty else { return nil }
        return seconds[(seconds.count - 1) / 2] * 1_000
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
