import Logging
import RebalancerCore

extension NodeRuntime {
    /// The runtime of `node`, with its keys read from the keys directory of the topology at
    /// `topologyPath` (secret files must be 0600). Throws `KeyMismatchError` when the key file's
    /// public keys are not the ones the topology lists for the node.
    public convenience init(topology: Deployment, topologyPath: String, node: Topology.Node, logger: Logger) throws {
        let dir = TopologyFile.keysDirectory(of: topology, baseDirectory: TopologyFile.directory(of: topologyPath))
        let keys: NodeKeys
        do {
            keys = try KeyStore.load(node: node.id, dir: dir)
        } catch KeyStoreError.missing(let path) {
            throw MissingSecretKey(node: node.id, path: path, dir: dir, topologyPath: topologyPath)
        }
        try keys.check(against: node, keyFile: KeyStore.secretPath(node: node.id, dir: dir))
        try self.init(topology: topology, node: node, signer: try keys.signer(), curvePublic: keys.curvePublic, curveSecret: keys.curveSecret, logger: logger)
    }
}
