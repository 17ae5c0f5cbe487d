import Foundation
import RebalancerCore
import RebalancerNode

/// Runs the real `rebalancer` binary for multi-process tests: a fresh topology with its own keys
/// and ports in a temporary directory, role processes started and stopped like an operator would.
final class Cluster: @unchecked Sendable {
    let directory: String
    let topologyPath: String
    private var processes: [String: Process] = [:]

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
                nextPort = nextPort + 40 > 31_000 ? 10_000 : nextPort + 40
                return base
            }
            if (base..<(base + 32)).allSatisfy(isFree) { return base }
        }
        return Int.random(in: 10_000...31_000)
    }

    private static let portLock = NSLock()
    // Guarded by portLock; starts at a random window so separate test processes rarely meet.
    nonisolated(unsafe) private static var nextPort = 10_000 + 40 * Int.random(in: 0..<500)

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

    var topology: Topology { get throws { try TopologyFile.load(path: topologyPath) } }

    func keys(_ node: String) throws -> NodeKeys { try KeyStore.load(node: node, dir: directory + "/keys") }

    /// Runs the binary to completion and returns its status and combined output.
    @discardableResult
    static func run(_ arguments: [String], timeout: TimeInterval = 120) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // The deadline fires on its own, even when the process prints nothing: SIGTERM, then
        // SIGKILL 5 s later; the read below then ends when the pipe closes.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem {
            guard process.isRunning else { return }
            process.terminate()
            DispatchQueue.global().asyncAfter(deadline: .now() + 5) { if process.isRunning { Foundation.kill(pid, SIGKILL) } }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Starts one role process in the background; its log goes to `<dir>/<name>.log`.
    /// `wrapper` runs the binary through another command (for example `ip netns exec NS`).
    func start(_ name: String, _ arguments: [String], topology: String? = nil, wrapper: [String] = []) throws {
        let log = directory + "/\(name).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        let command = wrapper + [Cluster.binary] + arguments + ["--topology", topology ?? topologyPath, "--data-dir", directory + "/data/\(name)"]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[name] = process
    }

    func isRunning(_ name: String) -> Bool { processes[name]?.isRunning ?? false }

    func log(_ name: String) -> String { (try? String(contentsOfFile: directory + "/\(name).log", encoding: .utf8)) ?? "" }

    /// Sends SIGTERM and waits for the exit status; a process still running 20 s later is
    /// SIGKILLed (and says so), so a hung shutdown cannot hang the test run.
    @discardableResult
    func stop(_ name: String) -> Int32? {
        guard let process = processes[name] else { return nil }
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            print("\(name) did not exit within 20 s of SIGTERM: SIGKILL")
            Foundation.kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits at most `seconds` for the exit: its status, or nil (then SIGKILL)
    /// if the process did not exit in time. A hung shutdown fails a test instead of hanging it.
    func stop(_ name: String, within seconds: Double) async -> Int32? {
        guard let process = processes[name] else { return nil }
        if process.isRunning { process.terminate() }
        let exited = await eventually(seconds) { !process.isRunning }
        guard exited else {
            kill(name)
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends SIGKILL (no shutdown, no linger: as if the host died) and waits for the exit.
    func kill(_ name: String) {
        guard let process = processes[name] else { return }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
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

/// Polls `condition` until it holds or `seconds` pass.
func eventually(_ seconds: Double = 10, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}
