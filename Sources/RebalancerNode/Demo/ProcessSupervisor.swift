import Foundation
import RebalancerCore

/// Starts role processes as children, each logging to its own file, and stops them with
/// SIGTERM (then SIGKILL after a grace period).
public final class ProcessSupervisor: @unchecked Sendable {
    /// One child process.
    public struct Child: Sendable {
        /// Its role.
        public let role: Topology.Role
        /// Its node id.
        public let id: NodeID
        /// Its process id.
        public let pid: Int32
        /// Where it logs.
        public let logPath: String
    }

    // Touched only by the demo's own task, one call at a time.
    private var processes: [(Child, Process)] = []
    private let executable: URL
    private let logDirectory: String

    /// A supervisor that runs `executable` (normally this very binary) and logs into `logDirectory`.
    public init(executable: URL, logDirectory: String) {
        self.executable = executable
        self.logDirectory = logDirectory
    }

    /// The children started so far.
    public var children: [Child] { processes.map(\.0) }

    /// Starts one child.
    @discardableResult
    public func start(role: Topology.Role, id: NodeID, arguments: [String]) throws -> Child {
        let logPath = "\(logDirectory)/\(id).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let child = Child(role: role, id: id, pid: process.processIdentifier, logPath: logPath)
        processes.append((child, process))
        return child
    }

    /// The children that have exited, with their status.
    public func exited() -> [(Child, Int32)] {
        processes.filter { !$0.1.isRunning }.map { ($0.0, $0.1.terminationStatus) }
    }

    /// Sends SIGTERM to every child, waits up to `grace`, then SIGKILLs what is left.
    public func stopAll(grace: Duration = .seconds(5)) async {
        for (_, process) in processes.reversed() where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = ContinuousClock.now + grace
        while processes.contains(where: { $0.1.isRunning }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for (_, process) in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
