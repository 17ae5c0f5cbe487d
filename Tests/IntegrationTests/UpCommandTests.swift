import Foundation
import RebalancerCore
import RebalancerNode
import Testing

/// Issue 8, item 5: `rebalancer up` runs a whole host's nodes, restarts one that dies, and leaves
/// nothing behind when interrupted.
@Suite(.serialized) struct UpCommandTests {
    @Test func upRunsEveryNodeRestartsOneThatDiesAndStopsThemAllOnSIGINT() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        let topology = try cluster.topology
        let expected = topology.nodes.filter { $0.role != .monitor }.map(\.id)
        let logs = cluster.directory + "/logs"
        let upLog = cluster.directory + "/up.log"
        _ = FileManager.default.createFile(atPath: upLog, contents: nil)
        let up = Process()
        up.executableURL = URL(fileURLWithPath: Cluster.binary)
        up.arguments = ["up", "--topology", cluster.topologyPath, "--data-dir", cluster.directory + "/data", "--log-dir", logs]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: upLog))
        up.standardOutput = handle
        up.standardError = handle
        try up.run()
        var seen: Set<Int32> = []
        defer {
            if up.isRunning { up.terminate(); up.waitUntilExit() }
            for pid in seen { kill(pid, SIGKILL) }
        }
        func upOutput() -> String { (try? String(contentsOfFile: upLog, encoding: .utf8)) ?? "" }
        func nodeLog(_ id: String) -> String { (try? String(contentsOfFile: "\(logs)/\(id).log", encoding: .utf8)) ?? "" }
        func children() -> [ProcessTable.Entry] {
            let list = ProcessTable.children(of: up.processIdentifier)
            seen.formUnion(list.map(\.pid))
            return list
        }
        func coordinatorPID() -> Int32? { children().first { $0.arguments.contains("coordinator") }?.pid }

        // Every node of the (all-loopback) topology runs as a child of `up`, each logging to its own file.
        let running = await eventually(60) {
            children().count == expected.count && expected.allSatisfy { nodeLog($0).contains("started") }
        }
        try #require(running, "every node starts: \(children().map(\.arguments)) \(upOutput())")
        for id in expected { #expect(nodeLog(id).contains("node=\(id)"), "\(id) logs to \(logs)/\(id).log") }
        #expect(upOutput().contains(logs), "up says where the logs are")

        // A child that dies is started again, with its own log appended.
        let first = try #require(coordinatorPID())
        kill(first, SIGKILL)
        let restarted = await eventually(30) {
            guard let pid = coordinatorPID(), pid != first else { return false }
            return nodeLog("coordinator").components(separatedBy: "started").count > 2
        }
        #expect(restarted, "the killed coordinator is restarted: \(upOutput())")
        #expect(upOutput().contains("node exited; restarting it") && upOutput().contains("restarted"))
        #expect(children().count == expected.count)

        // SIGINT stops `up` and every child; nothing started for this topology survives.
        kill(up.processIdentifier, SIGINT)
        let stopped = await eventually(30) { !up.isRunning }
        try #require(stopped, "up exits on SIGINT: \(upOutput())")
        #expect(up.terminationStatus == 0, "\(upOutput())")
        #expect(upOutput().contains("stopped every node"))
        let survivors = ProcessTable.running(withArgument: cluster.topologyPath)
        #expect(survivors.isEmpty, "no node survives: \(survivors.map(\.arguments))")
        #expect(seen.allSatisfy { kill($0, 0) != 0 }, "every pid up ever started is gone")
        for id in expected where id != "coordinator" {
            #expect(nodeLog(id).contains("stopped"), "\(id) stopped cleanly")
        }
    }

    @Test func nodesStopByThemselvesWhenUpIsKilledWithoutWarning() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        let logs = cluster.directory + "/logs"
        let up = Process()
        up.executableURL = URL(fileURLWithPath: Cluster.binary)
        up.arguments = ["up", "--topology", cluster.topologyPath, "--nodes", "venues,verifier-1", "--data-dir", cluster.directory + "/data", "--log-dir", logs]
        up.standardOutput = FileHandle.nullDevice
        up.standardError = FileHandle.nullDevice
        try up.run()
        var seen: Set<Int32> = []
        defer {
            if up.isRunning { up.terminate(); up.waitUntilExit() }
            for pid in seen { kill(pid, SIGKILL) }
        }
        func nodeLog(_ id: String) -> String { (try? String(contentsOfFile: "\(logs)/\(id).log", encoding: .utf8)) ?? "" }
        let running = await eventually(60) {
            seen.formUnion(ProcessTable.children(of: up.processIdentifier).map(\.pid))
            return seen.count == 2 && ["venues", "verifier-1"].allSatisfy { nodeLog($0).contains("started") }
        }
        try #require(running, "both nodes start")

        kill(up.processIdentifier, SIGKILL)
        up.waitUntilExit()
        let gone = await eventually(30) { ProcessTable.running(withArgument: cluster.topologyPath).isEmpty }
        #expect(gone, "the orphans stop: \(ProcessTable.running(withArgument: cluster.topologyPath).map(\.arguments))")
        for id in ["venues", "verifier-1"] { #expect(nodeLog(id).contains("stopped"), "\(id) shut down cleanly") }
    }

    @Test func upRefusesAnUnknownNodeAndStartsNothing() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        let logs = cluster.directory + "/logs"
        let run = try await runToExit(["up", "--topology", cluster.topologyPath, "--nodes", "venues,nobody", "--log-dir", logs])
        #expect(run.status != 0 && run.status != nil)
        #expect(run.output.contains("--nodes: 'nobody' is not a node of the topology"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: logs))
    }
}
