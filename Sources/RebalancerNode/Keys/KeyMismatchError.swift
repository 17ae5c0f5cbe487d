import RebalancerCore

/// A node's secret key file derives public keys other than the ones the topology lists for the
/// node: it holds another node's or another deployment's keys, and the node must not start.
public struct KeyMismatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The node.
    public let node: NodeID
    /// The secret key file.
    public let keyFile: String
    /// The keys that differ, each as `name: file derives X, topology lists Y`.
    public let differences: [String]

    /// A one-line explanation naming the node and the key file.
    public var description: String {
        "node \(node): the secret key file \(keyFile) does not match the topology's public keys for \(node) ("
            + differences.joined(separator: "; ")
            + "); it holds another node's or another deployment's keys: refusing to start"
    }
}

extension NodeKeys {
    /// Throws `KeyMismatchError` unless these keys' public halves are the ones the topology lists
    /// for `node`; `keyFile` is where they were read from, for the message.
    public func check(against node: Topology.Node, keyFile: String) throws {
        var differences: [String] = []
        if signingPublic != node.signingKey {
            differences.append("signing key: file derives \(KeyText.hex(signingPublic)), topology lists \(KeyText.hex(node.signingKey))")
        }
        if curvePublic != node.curveKey {
            differences.append("curve key: file derives \(KeyText.z85(curvePublic)), topology lists \(KeyText.z85(node.curveKey))")
        }
        guard differences.isEmpty else { throw KeyMismatchError(node: node.id, keyFile: keyFile, differences: differences) }
    }
}
