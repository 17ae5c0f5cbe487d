import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import RebalancerWire
import Testing

/// The rotation commands of the real binary: `rotation prepare` writes the change from the
/// current verifier set to the next, `rotation sign` adds one current verifier's signature, and
/// `rotation check` refuses it until the current quorum has signed. What an executor does with a
/// relayed rotation (applied only with the current quorum, the old set's signatures counted only
/// during the grace period, kept across a restart) is `RoleScenarioTests/RotationScenarioTests`.
@Suite(.serialized) struct RotationCommandTests {
    @Test func aRotationIsValidOnlyOnceTheCurrentQuorumHasSignedIt() throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let current = try cluster.topology
        // The next set: three new verifiers, quorum two, epoch 2.
        let (next, newKeys) = current.nextVerifierSet(count: 3, quorum: 2)
        for (id, keys) in newKeys { try KeyStore.write(keys, node: id, dir: cluster.directory + "/keys") }
        let nextPath = cluster.directory + "/next.yaml"
        try TopologyFile.render(next).write(toFile: nextPath, atomically: true, encoding: .utf8)
        let file = cluster.directory + "/rotation.bin"
        #expect(try Cluster.run(["rotation", "prepare", "--current", cluster.topologyPath, "--next", nextPath, "--grace-ms", "3000", "--out", file]).status == 0)
        for id in ["verifier-1", "verifier-2"] {
            #expect(try Cluster.run(["rotation", "sign", "--topology", cluster.topologyPath, "--id", id, file]).status == 0)
        }
        let short = try Cluster.run(["rotation", "check", "--topology", cluster.topologyPath, file])
        #expect(short.status == 1 && short.output.contains("no_quorum"), "\(short.output)")
        #expect(try Cluster.run(["rotation", "sign", "--topology", cluster.topologyPath, "--id", "verifier-3", file]).status == 0)
        let check = try Cluster.run(["rotation", "check", "--topology", cluster.topologyPath, file])
        #expect(check.status == 0, "\(check.output)")

        // What the commands wrote is the rotation from this set to the next, with three current signatures.
        let signed = try WireSignedRotation(serializedBytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: file))))
        #expect(Set(signed.approvals.map(\.verifier)) == ["verifier-1", "verifier-2", "verifier-3"])
        let rotation = try WireRotation(serializedBytes: signed.rotation)
        #expect(rotation.fromEpoch == current.epoch && rotation.toEpoch == current.epoch + 1 && rotation.quorum == 2 && rotation.graceMs == 3000)
        #expect(Set(rotation.verifiers.map(\.id)) == Set(newKeys.keys))
    }
}
