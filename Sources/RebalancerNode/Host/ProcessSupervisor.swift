import Foundation
import RebalancerCore

/// Starts role processes as children, each logging to its own file, and stops them with
/// SIGTERM (then SIGKILL after a grace period). For fault injection it also kills a child with
/// any signal, restarts it with the same arguments, and pauses or resumes it (SIGSTOP, SIGCONT).
/// Serves both `rebalancer up` (`HostSupervisor`) and the local demo, chaos run and load bench.
///
/// An actor: its children are its own state. No call blocks a thread: each child's exit is
/// recorded by the process's termination handler and awaited (`ChildExit`), never polled with
/// `waitUntilExit`.
public actor ProcessSupervisor {
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
        /// Kept while the supervisor lives; its termination handler records into `exit`.
        var process: Process
        var exit: ChildExit
        let arguments: [String]
        /// Killed on purpose: its exit is not a failure.
        var killed: Bool
    }

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

    /// The child with this node id.
    public func child(_ id: NodeID) -> Child? { entries.first { $0.child.id == id }?.child }

    /// Starts one child; its output is appended to `<logDirectory>/<id>.log`.
    @discardableResult
    public func start(role: Topology.Role, id: NodeID, arguments: [String]) throws -> Child {
        let logPath = "\(logDirectory)/\(id).log"
        let (process, exit) = try launch(arguments: arguments, logPath: logPath)
        let child = Child(role: role, id: id, pid: process.processIdentifier, logPath: logPath)
        entries.append(Entry(child: child, process: process, exit: exit, arguments: arguments, killed: false))
        return child
    }

    /// The children that have exited without being killed on purpose, with their status.
    public func exited() -> [(Child, Int32)] {
        entries.compactMap { entry in
            guard !entry.killed, let status = entry.exit.status else { return nil }
            return (entry.child, status)
        }
    }

    /// Sends `signal` to a child. SIGKILL (and SIGTERM) mark it as stopped on purpose and await
    /// the exit; other signals (SIGSTOP, SIGCONT) return at once.
    public func signal(_ id: NodeID, _ signal: Int32) async throws {
        let index = try index(of: id)
        let entry = entries[index]
        guard entry.exit.status == nil else { throw SupervisorError(description: "\(id) is not running") }
        let stops = signal == SIGKILL || signal == SIGTERM
        if stops { entries[index].killed = true }
        guard kill(entry.child.pid, signal) == 0 else {
            throw SupervisorError(description: "kill(\(entry.child.pid), \(signal)) failed: errno \(errno)")
        }
        if stops { _ = await entry.exit.wait() }
    }

    /// Starts a stopped child again with its original arguments, appending to its log.
    @discardableResult
    public func restart(_ id: NodeID) throws -> Child {
        let index = try index(of: id)
        let entry = entries[index]
        guard entry.exit.status != nil else { throw SupervisorError(description: "\(id) is still running") }
        let (process, exit) = try launch(arguments: entry.arguments, logPath: entry.child.logPath)
        let pid = process.processIdentifier
        entries[index].process = process
        entries[index].exit = exit
        entries[index].killed = false
        entries[index].child = Child(role: entry.child.role, id: id, pid: pid, logPath: entry.child.logPath)
        return entries[index].child
    }

    /// Pauses a child (SIGSTOP): it keeps its sockets but runs nothing.
    public func pause(_ id: NodeID) async throws { try await signal(id, SIGSTOP) }

    /// Resumes a paused child (SIGCONT).
    public func resume(_ id: NodeID) async throws { try await signal(id, SIGCONT) }

    /// Sends SIGTERM to the children with these ids and waits up to `grace` for each, then SIGKILLs.
    public func stop(_ ids: [NodeID], grace: Duration = .seconds(5)) async {
        var targets: [(pid: Int32, exit: ChildExit)] = []
        for index in entries.indices where ids.contains(entries[index].child.id) && entries[index].exit.status == nil {
            entries[index].killed = true
            targets.append((entries[index].child.pid, entries[index].exit))
        }
        for target in targets {
            kill(target.pid, SIGCONT)
            kill(target.pid, SIGTERM)
        }
        await withTaskGroup(of: Void.self) { group in
            for target in targets {
                group.addTask {
                    guard await target.exit.wait(upTo: grace) == nil else { return }
                    kill(target.pid, SIGKILL)
                    _ = await target.exit.wait()
                }
            }
        }
    }

    /// Sends SIGTERM to every child, waits up to `grace`, then SIGKILLs what is left.
    public func stopAll(grace: Duration = .seconds(5)) async {
        await stop(entries.reversed().map(\.child.id), grace: grace)
    }

    private func index(of id: NodeID) throws -> Int {
        guard let index = entries.firstIndex(where: { $0.child.id == id }) else {
            throw SupervisorError(description: "no child \(id)")
        }
        return index
    }

    /// Runs the executable; the process's termination handler records its exit.
    private func launch(arguments: [String], logPath: String) throws -> (Process, ChildExit) {
        let fm = FileManager.default
        if !fm.fileExists(atPath: logPath) { _ = fm.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? log.close() }
        log.seekToEndOfFile()
        let exit = ChildExit()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.terminationHandler = { exit.record($0.terminationStatus) }
        try process.run()
        return (process, exit)
    }

    /// Resident set size of a process in kB, from /proc/PID/status.
    public static func residentKB(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
        }
        return nil
    }
}
