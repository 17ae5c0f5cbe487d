import RebalancerCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension KeyStore {
    /// Makes sure every node of the topology at `topologyPath` has keys: a node with no key in the
    /// file and no `<keys_dir>/<id>.pub` gets fresh keys (both files). A node whose `.key` exists
    /// but whose `.pub` is gone gets its `.pub` back from the `.key`. Existing keys are never replaced.
    ///
    /// - Returns: the ids of the nodes whose keys were generated, in topology order.
    @discardableResult
    public static func ensure(topologyPath: String) throws -> [NodeID] {
        let decoded = TopologyFile.decode(yaml: try TopologyFile.read(path: topologyPath))
        guard let topology = decoded.topology else { throw TopologyErrors(decoded.errors) }
        let dir = TopologyFile.keysDirectory(of: topology, baseDirectory: TopologyFile.directory(of: topologyPath))
        var generated: [NodeID] = []
        for node in topology.nodes where node.signingKey.isEmpty && node.curveKey.isEmpty {
            guard TopologyCheck.isValidNodeID(node.id) else { continue }
            guard try loadPublic(node: node.id, dir: dir) == nil else { continue }
            if access(secretPath(node: node.id, dir: dir), F_OK) == 0 {
                try writePublic(load(node: node.id, dir: dir).publicKeys, node: node.id, dir: dir, overwrite: false)
            } else {
                try write(NodeKeys.generate(), node: node.id, dir: dir)
                generated.append(node.id)
            }
        }
        return generated
    }
}
