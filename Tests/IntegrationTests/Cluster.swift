import Foundation
import RebalancerCore
import RebalancerNode

/// Runs the real `rebalancer` binary for multi-process tests: a fresh topology with its own keys
/// and ports in a temporary directory, role processes started and stopped like an operator would.
///
/// `@unchecked Sendable`: a cluster belongs to one test, and `processes` is read and written only
/// by that test's own task (the exit watches it holds are themselves Sendable).
final class Cluster: @unchecked Sendable {
    let directory: String
    let topologyPath: String
    private var processes: [String: (process: Process, exit: ProcessExit)] = [:]

    /// The binary under test: `REBALANCER_BIN`, or the debug build next to the package.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["REBALANCER_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/rebalancer").path
    }

    /// A new deployment: `topology init` with a random port range.
    init(venues: Int = 4, verifiers: Int = 4, quorum: Int = 3, coordinators: Int = 1) throws {
        directory = NSTemporaryDirectory() + "rebalancer-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let basePort = Cluster.freeBasePort()
        let result = try Cluster.run(["topology", "init", "--dir", directory, "--venues", "\(venues)", "--verifiers", "\(verifiers)", "--quorum", "\(quorum)", "--coordinators", "\(coordinators)", "--base-port", "\(basePort)"])
        guard result.status == 0 else { throw ClusterError("topology init failed: \(result.output)") }
        topologyPath = directory + "/topology.yaml"
    }

    /// A base port whose next 32 ports are free, below the kernel's ephemeral range (so no
    /// outgoing connection of a concurrent test can hold one of them).
    /// Clusters of one test process take consecutive windows, so concurrent tests never collide.
    static func freeBasePort() -> Int {
        for _ in 0..<200 {
            let base = portLock.withLock { () -> Int in
                let base = nextPort
                nextPort = nextPort + 40 + 32 > portRange.upperBound ? portRange.lowerBound : nextPort + 40
                return base
            }
            if (base..<(base + 32)).allSatisfy(isFree) { return base }
        }
        return portRange.lowerBound + 40 * Int.random(in: 0..<(portRange.count / 40 - 1))
    }

    /// The ports this test process takes its windows from: 10 000 to 31 000, or, when
    /// `REBALANCER_TEST_SHARD` is `i/n` (the Makefile's concurrent shards of the multi-process
    /// suites), the i-th of n equal slices of it, so concurrent shards never pick the same window.
    static let portRange: Range<Int> = {
        let shard = ProcessInfo.processInfo.environment["REBALANCER_TEST_SHARD"]
        guard let range = portRange(shard: shard) else {
            fatalError("REBALANCER_TEST_SHARD must be i/n with 1 <= i <= n <= 100, got '\(shard ?? "")'")
        }
        return range
    }()

    /// The slice of 10 000 to 31 000 for `shard` (`i/n`, 1 <= i <= n <= 100; nil: all of it), or
    /// nil if `shard` is not of that form.
    static func portRange(shard: String?) -> Range<Int>? {
        let all = 10_000..<31_000
        guard let shard else { return all }
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let index = parts[0], let count = parts[1], (1...100).contains(count), (1...count).contains(index) else { return nil }
        let width = all.count / count
        let lower = all.lowerBound + (index - 1) * width
        return lower..<(lower + width)
    }

    private static let portLock = NSLock()
    // Guarded by portLock; starts at a random window of the range so separate test processes rarely meet.
    nonisolated(unsafe) private static var nextPort = portRange.lowerBound + 40 * Int.random(in: 0..<(portRange.count / 40 - 1))

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    var topology: Deployment { get throws { try TopologyFile.load(path: topologyPath) } }

    func keys(_ node: String) throws -> NodeKeys { try KeyStore.load(node: node, dir: directory + "/keys") }

    /// Runs the binary to completion and returns its status and combined output. The deadline
    /// fires even when the process writes nothing: a silent hang is SIGTERMed at `timeout`
    /// (SIGKILLed 5 s later) instead of hanging the test run.
    @discardableResult
    static func run(_ arguments: [String], timeout: TimeInterval = 120) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let exit = ProcessExit(process)
        let output = PipeDrain(pipe.fileHandleForReading)
        try process.run()
        if !exit.wait(seconds: timeout) {
            process.terminate()
            if !exit.wait(seconds: 5) { Foundation.kill(process.processIdentifier, SIGKILL) }
            exit.wait()
        }
        return (process.terminationStatus, output.text(waitingUpTo: 5))
    }

    /// Starts one role process in the background; its log goes to `<dir>/<name>.log`.
    /// `wrapper` runs the binary through another command (for example `ip netns exec NS`).
    func start(_ name: String, _ arguments: [String], topology: String? = nil, wrapper: [String] = []) throws {
        try launch(name, wrapper + [Cluster.binary] + arguments + ["--topology", topology ?? topologyPath, "--data-dir", dataDirectory(name)])
    }

    /// Starts `node` of the topology as an operator would (`RoleArguments`, the mapping `up` and
    /// the demo use), named `name`, with its data under `<dir>/data/<name>` and `extra` arguments;
    /// `appendingLog` keeps the log of an earlier run of the same name (a restart).
    func start(_ name: String, node: Topology.Node, extra: [String] = [], appendingLog: Bool = false) throws {
        let arguments = RoleArguments.arguments(for: node, topologyPath: topologyPath, dataDirectory: dataDirectory(name)) + extra
        try launch(name, [Cluster.binary] + arguments, appendingLog: appendingLog)
    }

    /// A role process's data directory.
    func dataDirectory(_ name: String) -> String { directory + "/data/\(name)" }

    private func launch(_ name: String, _ command: [String], appendingLog: Bool = false) throws {
        let log = directory + "/\(name).log"
        if !appendingLog || !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        let exit = ProcessExit(process)
        try process.run()
        processes[name] = (process, exit)
    }

    func isRunning(_ name: String) -> Bool { processes[name]?.process.isRunning ?? false }

    func log(_ name: String) -> String { (try? String(contentsOfFile: directory + "/\(name).log", encoding: .utf8)) ?? "" }

    /// Sends SIGTERM and waits for the exit status; a process still running 20 s later is
    /// SIGKILLed (and says so), so a hung shutdown cannot hang the test run.
    @discardableResult
    func stop(_ name: String) -> Int32? {
        guard let (process, exit) = processes[name] else { return nil }
        if process.isRunning { process.terminate() }
        if !exit.wait(seconds: 20) {
            print("\(name) did not exit within 20 s of SIGTERM: SIGKILL")
            Foundation.kill(process.processIdentifier, SIGKILL)
            exit.wait()
        }
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits at most `seconds` for the exit: its status, or nil (then SIGKILL)
    /// if the process did not exit in time. A hung shutdown fails a test instead of hanging it.
    func stop(_ name: String, within seconds: Double) async -> Int32? {
        guard let (process, exit) = processes[name] else { return nil }
        if process.isRunning { process.terminate() }
        guard await eventually(seconds, { exit.hasExited }) else {
            kill(name)
            return nil
        }
        return process.terminationStatus
    }

    /// Sends SIGKILL (no shutdown, no linger: as if the host died) and waits for the exit.
    func kill(_ name: String) {
        guard let (process, exit) = processes[name] else { return }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        exit.wait()
    }

    func stopAll() {
        for name in processes.keys { stop(name) }
    }

    deinit {
        for name in processes.keys { stop(name) }
        if ProcessInfo.processInfo.environment["KEEP_TEST_DIRS"] == nil { try? FileManager.default.removeItem(atPath: directory) }
    }
}

struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
