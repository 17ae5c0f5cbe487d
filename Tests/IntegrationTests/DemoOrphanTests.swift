import Foundation
import Testing

/// The local demo's role processes are supervised as under `up`: when the demo process dies
/// without stopping them (SIGKILL), each notices its parent is gone and stops by itself.
@Suite(.serialized) struct DemoOrphanTests {
    @Test func theDemosChildrenStopByThemselvesWhenTheDemoIsKilled() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: Cluster.binary)
        demo.arguments = ["demo", "--topology", cluster.topologyPath, "--seconds", "120", "--quiet", "--data-dir", cluster.directory + "/run"]
        demo.standardOutput = FileHandle.nullDevice
        demo.standardError = FileHandle.nullDevice
        let exit = ProcessExit(demo)
        try demo.run()
        var seen: Set<Int32> = []
        defer {
            if !exit.hasExited { kill(demo.processIdentifier, SIGKILL) }
            for pid in seen { kill(pid, SIGKILL) }
        }
        let topology = try cluster.topology
        let roles = topology.nodes.filter { $0.role != .monitor }.count
        func log(_ id: String) -> String { (try? String(contentsOfFile: cluster.directory + "/run/logs/\(id).log", encoding: .utf8)) ?? "" }
        let running = await eventually(60) {
            seen.formUnion(ProcessTable.children(of: demo.processIdentifier).map(\.pid))
            return seen.count == roles && log("verifier-1").contains("started")
        }
        try #require(running, "every role process starts: \(seen.count) of \(roles)")

        kill(demo.processIdentifier, SIGKILL)
        exit.wait()
        let gone = await eventually(30) { seen.allSatisfy { kill($0, 0) != 0 } }
        #expect(gone, "the orphans stop: \(ProcessTable.running(withArgument: cluster.topologyPath).map(\.arguments))")
        #expect(log("verifier-1").contains("stopped"), "verifier-1 shut down cleanly")
    }
}
