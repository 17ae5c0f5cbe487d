import Foundation
import RebalancerCore
import RebalancerNode
import Testing

/// A network partition, made with a network namespace and a veth pair: the leading coordinator
/// runs in its own namespace, every other process in the test's, and the link between them is
/// cut and healed. Cut off, the leader can reach no verifier and approves nothing; the standby
/// takes over and plans continue; healed, the first-listed coordinator leads again and the
/// standby defers. No planSeq is approved twice. Needs root (CAP_NET_ADMIN): without it the test
/// says so and checks nothing.
@Suite(.serialized) struct PartitionTests {
    /// A namespace joined to the test's by a veth pair on its own /24.
    final class Partition {
        let name: String
        let hostVeth: String
        let hostIP: String
        let innerIP: String

        static func ip(_ arguments: [String]) -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip")
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            do { try process.run() } catch { return (-1, "\(error)") }
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, output)
        }

        /// Sets the namespace up, or says why it cannot.
        init() throws {
            let tag = String(UUID().uuidString.prefix(6)).lowercased()
            let subnet = Int.random(in: 1...250)
            name = "rb-\(tag)"
            hostVeth = "rbh\(tag)"
            hostIP = "10.231.\(subnet).1"
            innerIP = "10.231.\(subnet).2"
            let inner = "rbi\(tag)"
            let steps: [[String]] = [
                ["netns", "add", name],
                ["link", "add", hostVeth, "type", "veth", "peer", "name", inner],
                ["link", "set", inner, "netns", name],
                ["addr", "add", "\(hostIP)/24", "dev", hostVeth],
                ["link", "set", hostVeth, "up"],
                ["netns", "exec", name, "ip", "addr", "add", "\(innerIP)/24", "dev", inner],
                ["netns", "exec", name, "ip", "link", "set", inner, "up"],
                ["netns", "exec", name, "ip", "link", "set", "lo", "up"],
            ]
            for step in steps {
                let result = Self.ip(step)
                guard result.status == 0 else {
                    teardown()
                    throw ClusterError("ip \(step.joined(separator: " ")): \(result.output)")
                }
            }
        }

        /// Runs a command inside the namespace.
        var wrapper: [String] { [FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip", "netns", "exec", name] }

        func cut() { _ = Self.ip(["link", "set", hostVeth, "down"]) }
        func heal() { _ = Self.ip(["link", "set", hostVeth, "up"]) }

        func teardown() {
            _ = Self.ip(["link", "del", hostVeth])
            _ = Self.ip(["netns", "del", name])
        }

        deinit { teardown() }
    }

    @Test func aPartitionedLeaderApprovesNothingTheStandbyTakesOverAndHealingLeavesOneLeader() async throws {
        guard getuid() == 0 else {
            print("PartitionTests: skipped, not root: network namespaces and veth pairs need CAP_NET_ADMIN (run `make test` as root)")
            return
        }
        let partition: Partition
        do { partition = try Partition() } catch {
            print("PartitionTests: skipped, cannot make a network namespace here: \(error)")
            return
        }
        defer { partition.teardown() }
        let (cluster, base) = try Cluster.busy(coordinators: 2)
        // The first coordinator's endpoints on the namespace's side of the link, everyone else's
        // on the test's side: the cut separates it from every other process.
        var topology = base
        for index in topology.nodes.indices {
            let ip = topology.nodes[index].id == "coordinator" ? partition.innerIP : partition.hostIP
            topology.endpoints[topology.nodes[index].id] = topology.endpoints(of: topology.nodes[index].id).mapValues { $0.replacingOccurrences(of: "127.0.0.1", with: ip) }
        }
        try TopologyFile.render(topology).write(toFile: cluster.topologyPath, atomically: true, encoding: .utf8)
        try cluster.startAllButCoordinators(topology)
        try cluster.start("coordinator", ["coordinator", "--id", "coordinator"], wrapper: partition.wrapper)
        defer { cluster.stopAll() }
        let seqs = { (node: String) in LogPlanSeqs.planSeqs(cluster.log(node), "approved") }
        // The standby starts once the leader's first plan is approved: started together on a busy
        // machine, the leader (started through `ip netns exec`) can be late enough for the standby
        // to lead first, and this test is about the partition, not the start-up race
        // (LeadershipTests holds the election rule).
        let started = await eventually(30) { !seqs("coordinator").isEmpty }
        try #require(started, "the first coordinator leads across the link; its log:\n\(cluster.log("coordinator").suffix(2000))")
        try cluster.start("coordinator-2", ["coordinator", "--id", "coordinator-2"])

        let led = await eventually(30) { seqs("coordinator").count >= 3 }
        try #require(led, "the first coordinator leads across the link; its log:\n\(cluster.log("coordinator").suffix(2000))")

        partition.cut()
        let tookOver = await eventually(15) { cluster.log("coordinator-2").contains("leading: this coordinator proposes") }
        #expect(tookOver, "the standby takes over when the leader is cut off")
        let cutAt = seqs("coordinator").count
        let lastBefore = seqs("coordinator").max() ?? 0
        let continued = await eventually(20) { seqs("coordinator-2").contains { $0 > lastBefore } }
        #expect(continued, "plans are approved by the standby during the partition")
        #expect(seqs("coordinator").count <= cutAt + 1, "the cut-off leader approves nothing (one vote round may have been in flight)")

        partition.heal()
        let deferred = await eventually(20) { cluster.log("coordinator-2").contains("standing by") }
        #expect(deferred, "healed, the later-listed coordinator stands down")
        let during = max(seqs("coordinator").max() ?? 0, seqs("coordinator-2").max() ?? 0)
        let resumed = await eventually(30) { seqs("coordinator").contains { $0 > during } }
        #expect(resumed, "the first-listed coordinator leads again and its plans are approved")
        cluster.stopAll()
        #expect(Set(seqs("coordinator")).isDisjoint(with: seqs("coordinator-2")), "no planSeq approved by both")
        let executed = LogPlanSeqs.planSeqs(cluster.log("executor"), "plan accepted")
        #expect(Set(executed).count == executed.count, "each planSeq executed once")
    }
}
