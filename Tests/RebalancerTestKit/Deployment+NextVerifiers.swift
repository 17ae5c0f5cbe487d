import RebalancerCore
import RebalancerNode

extension Deployment {
    /// The topology a rotation hands over to: the next epoch, with `count` fresh verifiers
    /// (`new-verifier-1`...) in place of the current ones and quorum `quorum`. Returns their keys
    /// too, for the test to write or run them.
    public func nextVerifierSet(count: Int, quorum: Int) -> (topology: Deployment, keys: [NodeID: NodeKeys]) {
        var next = self
        next.epoch = policy.epoch + 1
        next.quorum = quorum
        next.nodes.removeAll { $0.role == .verifier }
        var keys: [NodeID: NodeKeys] = [:]
        for i in 1...count {
            let id = "new-verifier-\(i)"
            let pair = NodeKeys.generate()
            keys[id] = pair
            next.nodes.append(.init(id: id, role: .verifier, signingKey: pair.signingPublic, curveKey: pair.curvePublic))
        }
        return (next, keys)
    }
}
