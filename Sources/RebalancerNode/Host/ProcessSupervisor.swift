import Foundation
import RebalancerCore

/// Starts role processes as children, each logging to its own file, and stops them with
/// SIGTERM (then SIGKILL after a grace period). For fault injection it also kills a child with
/// any signal, restarts it with the same arguments, and pauses or resumes it (SIGSTOP, SIGCONT).
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

    /// Supervision failures.
    public struct SupervisorError: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
    }

    private struct Entry {
        var child: Child
        var process: Process
        let arguments: [String]
        /// Killed on purpose: its exit is not a failure.
        var killed: Bool
    }

    // Touched only by the runner's own task, one call at a time.
    private var entries: [Entry] = []
    private let executable: URL
    private let logDirectory: String
    private let environment: [String: String]

    /// A supervisor that runs `executable` (normally this very binary) and logs into `logDirectory`;
    /// the children get this process's environment with `environment` added.
    public init(executable: URL, logDirectory: String, environment: [String: String] = [:]) {
        self.executable = executable
        self.logDirectory = logDirectory
        self.environment = environment
    }

    /// The children, each in its latest incarnation.
    public var children: [Child] { entries.map(\.child) }

    /// The running child with this node id.
    public func child(_ id: NodeID) -> Child? { entries.first { $0.child.id == id }?.child }

    /// Starts one child; its output is appended to `<logDirectory>/<id>.log`.
    @discardableResult
    public func start(role: Topology.Role, id: NodeID, arguments: [String]) throws -> Child {
        let logPath = "\(logDirectory)/\(id).log"
        let process = try launch(arguments: arguments, logPath: logPath)
        let child = Child(role: role, id: id, pid: process.processIdentifier, logPath: logPath)
        entries.append(Entry(child: child, process: process, arguments: arguments, killed: false))
        return child
    }

    /// The children that have exited without being killed on purpose, with their status.
    public func exited() -> [(Child, Int32)] {
        entries.filter { !$0.killed && !$0.process.isRunning }.map { ($0.child, $0.process.terminationStatus) }
    }

    /// Sends `signal` to a child. SIGKILL (and SIGTERM) mark it as stopped on purpose and wait
    /// for the exit; other signals (SIGSTOP, SIGCONT) return at once.
    public func signal(_ id: NodeID, _ signal: Int32) throws {
        guard let index = entries.firstIndex(where: { $0.child.id == id }) else {
            throw SupervisorError(description: "no child \(id)")
        }
        let process = entries[index].process
        guard process.isRunning else { throw SupervisorError(description: "\(id) is not running") }
        if signal == SIGKILL || signal == SIGTERM { entries[index].killed = true }
        guard kill(process.processIdentifier, signal) == 0 else {
            throw SupervisorError(description: "kill(\(process.processIdentifier), \(signal)) failed: errno \(errno)")
        }
        if signal == SIGKILL || signal == SIGTERM { process.waitUntilExit() }
    }

    /// Starts a stopped child again with its original arguments, appending to its log.
    @discardableResult
    public func restart(_ id: NodeID) throws -> Child {
        guard let index = entries.firstIndex(where: { $0.child.id == id }) else {
            throw SupervisorError(description: "no child \(id)")
        }
        guard !entries[index].process.isRunning else { throw SupervisorError(description: "\(id) is still running") }
        let entry = entries[index]
        let process = try launch(arguments: entry.arguments, logPath: entry.child.logPath)
        entries[index].process = process
        entries[index].killed = false
        entries[index].child = Child(role: entry.child.role, id: id, pid: process.processIdentifier, logPath: entry.child.logPath)
        return entries[index].child
    }

    /// Pauses a child (SIGSTOP): it keeps its sockets but runs nothing.
    public func pause(_ id: NodeID) throws { try signal(id, SIGSTOP) }

    /// Resumes a paused child (SIGCONT).
    public func resume(_ id: NodeID) throws { try signal(id, SIGCONT) }

    /// Sends SIGTERM to the children with these ids and waits up to `grace` for each, then SIGKILLs.
    public func stop(_ ids: [NodeID], grace: Duration = .seconds(5)) async {
        let targets = entries.indices.filter { ids.contains(entries[$0].child.id) && entries[$0].process.isRunning }
        for index in targets {
            entries[index].killed = true
            kill(entries[index].process.processIdentifier, SIGCONT)
            kill(entries[index].process.processIdentifier, SIGTERM)
        }
        await reap(targets.map { entries[$0].process }, grace: grace)
    }

    /// Sends SIGTERM to every child, waits up to `grace`, then SIGKILLs what is left.
    public func stopAll(grace: Duration = .seconds(5)) async {
        await stop(entries.reversed().map(\.child.id), grace: grace)
    }

    private func reap(_ processes: [Process], grace: Duration) async {
        let deadline = ContinuousClock.now + grace
        while processes.contains(where: \.isRunning), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private func launch(arguments: [String], logPath: String) throws -> Process {
        let fm = FileManager.default
        if !fm.fileExists(atPath: logPath) { _ = fm.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        try process.run()
        return process
    }

    /// Resident set size of a process in kB, from /proc/PID/status.
    static func residentKB(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
        }
        return nil
    }
}
