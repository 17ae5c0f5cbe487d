import Foundation
import RebalancerCore
import RebalancerNode
import Testing

/// Issue 8, items 3 and 4, with the real binary: a data directory belongs to one process, one
/// deployment, one node and one key; a node whose secret key is not the topology's does not start.
@Suite(.serialized) struct DataDirectoryOwnershipTests {
    @Test func aSecondProcessOnOneDataDirectoryIsRefusedNamingTheHolder() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        let dir = cluster.directory + "/data/verifier-1"
        try cluster.start("verifier-1", ["verifier", "--id", "verifier-1"])
        defer { cluster.stopAll() }
        let started = await eventually(30) { cluster.log("verifier-1").contains("started") }
        try #require(started, "the first verifier starts: \(cluster.log("verifier-1"))")
        let holder = try String(contentsOfFile: dir + "/lock", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        let second = try await runToExit(["verifier", "--id", "verifier-1", "--topology", cluster.topologyPath, "--data-dir", dir])
        #expect(second.status == 1, "the second process exits at once with an error: \(second.output)")
        #expect(second.output.contains("data directory \(dir) is in use by process \(holder)"), "\(second.output)")
        #expect(!second.output.contains("started"))
        #expect(cluster.isRunning("verifier-1"), "the holder is untouched")

        // Two coordinators on one journal: the second is refused before it binds a socket.
        let journal = cluster.directory + "/data/coordinator"
        try cluster.start("coordinator", ["coordinator"])
        let coordinatorUp = await eventually(30) { cluster.log("coordinator").contains("started") }
        try #require(coordinatorUp, "\(cluster.log("coordinator"))")
        let coordinatorHolder = try String(contentsOfFile: journal + "/lock", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let twin = try await runToExit(["coordinator", "--topology", cluster.topologyPath, "--data-dir", journal])
        #expect(twin.status == 1, "\(twin.output)")
        #expect(twin.output.contains("data directory \(journal) is in use by process \(coordinatorHolder)"), "\(twin.output)")
        #expect(cluster.isRunning("coordinator"))
    }

    @Test func anotherDeploymentsDataDirectoryIsRefusedAndTheSameDeploymentRestarts() async throws {
        let first = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        let second = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        let firstID = try first.topology.id, secondID = try second.topology.id
        #expect(firstID != secondID, "topology init gives each deployment its own id")
        let dir = first.directory + "/data/verifier-1"

        try first.start("verifier-1", ["verifier", "--id", "verifier-1"])
        let up = await eventually(30) { first.log("verifier-1").contains("started") }
        try #require(up, "\(first.log("verifier-1"))")
        first.stop("verifier-1")
        let record = try String(contentsOfFile: dir + "/node.json", encoding: .utf8)
        #expect(record.contains(firstID))

        let foreign = try await runToExit(["verifier", "--id", "verifier-1", "--topology", second.topologyPath, "--data-dir", dir])
        #expect(foreign.status == 1, "\(foreign.output)")
        #expect(foreign.output.contains("holds the state of another deployment"), "\(foreign.output)")
        #expect(foreign.output.contains("'\(firstID)'") && foreign.output.contains("'\(secondID)'"), "names both deployments: \(foreign.output)")
        #expect(!foreign.output.contains("started"))
        #expect(try String(contentsOfFile: dir + "/node.json", encoding: .utf8) == record, "the record is unchanged")

        try first.start("verifier-1", ["verifier", "--id", "verifier-1"])
        defer { first.stopAll() }
        let again = await eventually(30) { first.log("verifier-1").contains("started") }
        #expect(again, "the same deployment's node opens its own directory again: \(first.log("verifier-1"))")
    }

    @Test func aNodeWhoseSecretKeyIsNotTheTopologysRefusesToStart() async throws {
        let mine = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        let other = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        let keyFile = mine.directory + "/keys/verifier-1.key"
        try FileManager.default.removeItem(atPath: keyFile)
        try FileManager.default.copyItem(atPath: other.directory + "/keys/verifier-1.key", toPath: keyFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        let dir = mine.directory + "/data/verifier-1"

        let run = try await runToExit(["verifier", "--id", "verifier-1", "--topology", mine.topologyPath, "--data-dir", dir])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("node verifier-1: the secret key file \(keyFile) does not match the topology's public keys"), "\(run.output)")
        #expect(!run.output.contains("started"))
        #expect(!FileManager.default.fileExists(atPath: dir), "nothing was opened or created")
    }
}
