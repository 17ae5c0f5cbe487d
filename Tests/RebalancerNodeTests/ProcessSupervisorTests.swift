import Foundation
import RebalancerCore
import Testing
@testable import RebalancerNode

/// The one process supervisor of `up` and the local demo, on real child processes (`/bin/sh`):
/// exits are recorded by the termination handler and awaited, never polled.
@Suite("ProcessSupervisor")
struct ProcessSupervisorTests {
    private func supervisor() throws -> (ProcessSupervisor, String) {
        let directory = NSTemporaryDirectory() + "supervisor-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (ProcessSupervisor(executable: URL(fileURLWithPath: "/bin/sh"), logDirectory: directory), directory)
    }

    @Test func anExitNotAskedForIsReportedWithItsStatusAndItsLog() async throws {
        let (supervisor, directory) = try supervisor()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try await supervisor.start(role: .verifier, id: "verifier-1", arguments: ["-c", "echo bye; exit 3"])
        let deadline = ContinuousClock.now + .seconds(10)
        while await supervisor.exited().isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let exited = await supervisor.exited()
        #expect(exited.map(\.0.id) == ["verifier-1"])
        #expect(exited.first?.1 == 3)
        #expect(try String(contentsOfFile: child.logPath, encoding: .utf8) == "bye\n")
        // Restarted with the same arguments, appending to the same log.
        let again = try await supervisor.restart("verifier-1")
        #expect(again.pid != child.pid)
        await supervisor.stop(["verifier-1"], grace: .milliseconds(200))
        #expect(try String(contentsOfFile: child.logPath, encoding: .utf8).hasPrefix("bye\n"))
    }

    @Test func stopAwaitsTheExitAndKillsAChildThatIgnoresSIGTERM() async throws {
        let (supervisor, directory) = try supervisor()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Ignores SIGTERM: only the SIGKILL after the grace ends it.
        let stubborn = try await supervisor.start(role: .executor, id: "executor-1", arguments: ["-c", "trap '' TERM; while :; do sleep 0.05; done"])
        let polite = try await supervisor.start(role: .watcher, id: "watcher-v1", arguments: ["-c", "exec sleep 30"])
        await supervisor.stopAll(grace: .milliseconds(300))
        #expect(kill(stubborn.pid, 0) != 0, "the stubborn child is gone")
        #expect(kill(polite.pid, 0) != 0, "the polite child is gone")
        #expect(await supervisor.exited().isEmpty, "stopped on purpose: not reported as exits")
        await #expect(throws: ProcessSupervisor.SupervisorError.self) { try await supervisor.signal("executor-1", SIGKILL) }
        await #expect(throws: ProcessSupervisor.SupervisorError.self) { try await supervisor.signal("nobody", SIGKILL) }
    }

    @Test func aKilledChildIsAwaitedAndCanBeRestarted() async throws {
        let (supervisor, directory) = try supervisor()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await supervisor.start(role: .coordinator, id: "coordinator", arguments: ["-c", "exec sleep 30"])
        try await supervisor.signal("coordinator", SIGKILL)
        #expect(kill(first.pid, 0) != 0, "signal(SIGKILL) returns once the child has exited")
        await #expect(throws: ProcessSupervisor.SupervisorError.self) { try await supervisor.pause("coordinator") }
        let second = try await supervisor.restart("coordinator")
        await #expect(throws: ProcessSupervisor.SupervisorError.self) { try await supervisor.restart("coordinator") }
        // The test runner's children inherit SIGTERM ignored: the grace is what ends them here.
        await supervisor.stopAll(grace: .milliseconds(200))
        #expect(kill(second.pid, 0) != 0)
    }
}
